import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { EventHandlerRegistry } from './event-handler.registry';
import type { StoredEventHandler } from './event-handler.registry';
import { ON_EVENT_METADATA } from './on-event.decorator';
import { ON_JOB_METADATA } from './on-job.decorator';
import type { JobRunner } from './on-job.decorator';
import { JOB_QUEUE } from '../queue/job-queue';
import type { JobQueue } from '../queue/job-queue';
import type { OnEventMetadata } from './on-event.decorator';

/**
 * Registers every provider decorated with @OnEvent (event handlers) or @OnJob (workflow job runners) before
 * the workers start (EventsLifecycle bootstrap).
 */
@Injectable()
export class EventHandlerDiscovery implements OnModuleInit {
  private readonly logger = new Logger('EventHandlers');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly registry: EventHandlerRegistry,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype || typeof metatype !== 'function') continue;
      const jobName = this.reflector.get<string | undefined>(ON_JOB_METADATA, metatype);
      if (jobName) this.registerJob(jobName, metatype.name, instance as Partial<JobRunner>);
      const meta = this.reflector.get<OnEventMetadata | undefined>(ON_EVENT_METADATA, metatype);
      if (!meta) continue;
      const handler = instance as Partial<StoredEventHandler>;
      const handle = handler.handle?.bind(handler);
      if (!handle)
        throw new Error(`${metatype.name} is decorated with @OnEvent but has no handle(event) method`);
      for (const type of meta.types) this.registry.register(meta.platform, type, handle, { key: meta.key });
      this.logger.debug(`${metatype.name} handles ${meta.platform} ${meta.types.join(', ')}`);
    }
  }

  private registerJob(name: string, className: string, runner: Partial<JobRunner>): void {
    const run = runner.run?.bind(runner);
    if (!run) throw new Error(`${className} is decorated with @OnJob but has no run(data, job) method`);
    this.queue.process(name, (job) => run(job.data, job));
    this.logger.debug(`${className} runs ${name} jobs`);
  }
}
