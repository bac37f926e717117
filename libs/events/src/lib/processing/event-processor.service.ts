import { Inject, Injectable, Logger } from '@nestjs/common';
import { CORRELATION_HEADER, DomainError, isTemporaryError, runWithCorrelationId } from '@aia/platform';
import { AlertService } from '../alerts/alert.service';
import { EventHandlerRegistry } from '../handlers/event-handler.registry';
import { EVENT_JOB, OPEN_EVENT_STATES } from '../inbox/stored-event';
import type { EventJobData } from '../inbox/stored-event';
import { EventsMetrics } from '../metrics/events-metrics';
import { classifyJobError, describeError, PermanentJobError } from '../queue/job-errors';
import type { JobLifecycleEvent, JobRecord } from '../queue/job-queue';
import { EVENTS_STORE } from '../store/events-store';
import type { EventsStore } from '../store/events-store';

/** Runs an event's handler inside a queue job and keeps the inbox row (state, attempts, errors) in step. */
@Injectable()
export class EventProcessor {
  private readonly logger = new Logger('EventProcessor');

  constructor(
    @Inject(EVENTS_STORE) private readonly store: EventsStore,
    private readonly registry: EventHandlerRegistry,
    private readonly alerts: AlertService,
    private readonly metrics: EventsMetrics,
  ) {}

  /** Registers the job handler and the lifecycle listener; called once at start-up. */
  attach(): void {
    this.store.queue.process<EventJobData>(EVENT_JOB, (job) => this.handle(job));
    this.store.queue.onEvent((e) => void this.onLifecycle(e));
    // Polling or connection failures stop every job at once: alert (de-duplicated), don't only log.
    this.store.queue.onFault((err, context) => this.alerts.workerError(err, context));
  }

  async handle(job: JobRecord<EventJobData>): Promise<void> {
    const { inbox } = this.store;
    const event = await inbox.getEvent(job.data.eventId);
    if (!event) throw new PermanentJobError(`event ${job.data.eventId} is not in the inbox`);
    // A job that runs again after its event finished (a lost lease, a manual requeue) does nothing.
    if (!OPEN_EVENT_STATES.includes(event.state)) return;
    const handler = this.registry.get(event.platform, event.type);
    if (!handler) {
      await inbox.setState(event.id, 'ignored');
      return;
    }
    const attempt = await inbox.startAttempt(event.id);
    try {
      // Logs and upstream calls of the handler carry the delivering request's correlation id.
      await runWithCorrelationId(event.headers[CORRELATION_HEADER] ?? `event:${event.id}`, () =>
        handler.handle(event),
      );
      await inbox.finishAttempt(event.id, attempt, { state: 'done' });
    } catch (err) {
      const { permanent } = classifyJobError(err);
      const final = permanent || job.attemptsMade >= job.maxAttempts;
      await inbox.finishAttempt(event.id, attempt, {
        state: final ? 'dead' : 'retrying',
        error: {
          name: err instanceof Error ? err.name : 'Error',
          message: err instanceof Error ? err.message : String(err),
          temporary: isTemporaryError(err) || (!permanent && !(err instanceof DomainError)),
        },
      });
      throw err;
    }
  }

  private async onLifecycle(e: JobLifecycleEvent): Promise<void> {
    this.metrics.jobs.inc({ name: e.job.name, outcome: e.type });
    this.metrics.jobDuration.observe({ name: e.job.name, outcome: e.type }, e.durationMs / 1000);
    if (e.unexpected) this.alerts.workerError(e.error, `job ${e.job.name}`);
    if (e.type !== 'dead') return;
    const error = describeError(e.error);
    this.logger.warn(
      `dead letter: job ${e.job.id} (${e.job.name}) after ${e.job.attemptsMade} attempt(s): ${error}`,
    );
    if (e.job.name !== EVENT_JOB) {
      this.alerts.deadLetter({ jobId: e.job.id, name: e.job.name, error });
      return;
    }
    try {
      const eventId = (e.job.data as EventJobData).eventId;
      const event = await this.store.inbox.get(eventId);
      // The handler path already wrote `dead`; a job that died by an expired lease did not.
      if (event && event.state !== 'dead') await this.store.inbox.setState(eventId, 'dead', { error });
      this.alerts.deadLetter({
        jobId: e.job.id,
        name: e.job.name,
        platform: event?.platform,
        type: event?.type,
        eventId: event?.eventId,
        error,
      });
    } catch (err) {
      this.logger.error(`could not record dead letter ${e.job.id}: ${describeError(err)}`);
    }
  }
}
