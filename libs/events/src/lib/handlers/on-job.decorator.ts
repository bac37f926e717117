import { SetMetadata } from '@nestjs/common';
import type { JobRecord } from '../queue/job-queue';

export const ON_JOB_METADATA = 'aia:on-job';

/** The shape of a class decorated with @OnJob: runs one job of its name (at least once; be idempotent). */
export interface JobRunner<T = unknown> {
  run(data: T, job: JobRecord<T>): Promise<void>;
}

/**
 * Marks a provider as the runner of the queue jobs named `name` (workflow jobs: scheduled retries,
 * follow-ups). EventHandlerDiscovery registers it with the job queue at start-up.
 */
export function OnJob(name: string) {
  return SetMetadata(ON_JOB_METADATA, name);
}
