import type { Logger } from '@nestjs/common';
import { describeError } from './job-errors';
import type { JobLifecycleEvent, JobLifecycleListener, QueueFaultListener } from './job-queue';

/**
 * The listener side of a JobQueue, shared by both adapters. A throwing listener is logged and never stops the
 * queue (an alerting failure must not stop the work it alerts about).
 */
export class QueueListeners {
  private readonly lifecycle: JobLifecycleListener[] = [];
  private readonly faults: QueueFaultListener[] = [];

  constructor(private readonly logger: Logger) {}

  onEvent(listener: JobLifecycleListener): void {
    this.lifecycle.push(listener);
  }

  onFault(listener: QueueFaultListener): void {
    this.faults.push(listener);
  }

  emit(event: JobLifecycleEvent): void {
    for (const l of this.lifecycle) {
      try {
        l(event);
      } catch (err) {
        this.logger.error(`job listener failed: ${describeError(err)}`);
      }
    }
  }

  /** A failure of the queue itself (polling, connection): logged, then reported to every fault listener. */
  fault(err: unknown, context: string): void {
    this.logger.error(`${context}: ${describeError(err)}`);
    for (const l of this.faults) {
      try {
        l(err, context);
      } catch {
        // Reported already; nothing more to do.
      }
    }
  }
}
