import { hostname } from 'node:os';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config';
import type { AppConfig } from '../config/app-config';
import { PolicyRegistry } from '../resilience/policy-registry';
import { INSTANCE_HEALTH_BOARD, InMemoryInstanceHealthBoard, sameInstance } from './instance-health-board';
import type { InstanceHealthBoard, InstanceSnapshot } from './instance-health-board';

/** How often each process re-publishes its snapshot; the Redis entries expire after three missed rounds. */
export const INSTANCE_PUBLISH_INTERVAL_MS = 10_000;
/** At most one warning per this period about a board that fails (publish or list): never an error. */
const WARN_EVERY_MS = 60_000;

/** When this process started (the same for every snapshot it publishes). */
const PROCESS_STARTED_AT = new Date(Date.now() - Math.round(process.uptime() * 1000)).toISOString();

/**
 * Publishes this process's health (PolicyRegistry.snapshot(), role, host, pid) to the instance health board
 * at start-up and every INSTANCE_PUBLISH_INTERVAL_MS, and withdraws it on graceful shutdown; lists every live
 * instance for GET /admin/platforms. Every role runs it (workers publish though they serve no admin route).
 * A failing board never fails the process: it is logged at warn, at most once a minute.
 */
@Injectable()
export class InstanceHealthPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('InstanceHealth');
  private readonly board: InstanceHealthBoard;
  private readonly role: string;
  private readonly hostname = hostname();
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private lastWarnAt = -Infinity;
  private closed = false;

  constructor(
    private readonly policies: PolicyRegistry,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
    @Optional() @Inject(INSTANCE_HEALTH_BOARD) board?: InstanceHealthBoard | null,
  ) {
    // Hand-built test configs may leave the role out: such a process does everything.
    this.role = config?.role ?? 'all';
    this.board = board ?? new InMemoryInstanceHealthBoard();
  }

  /** This process, now. */
  current(): InstanceSnapshot {
    return {
      role: this.role,
      pid: process.pid,
      hostname: this.hostname,
      startedAt: PROCESS_STARTED_AT,
      publishedAt: new Date().toISOString(),
      platforms: this.policies.snapshot(),
    };
  }

  /**
   * Every live instance by role, host and pid, this one included with a fresh snapshot. When the board
   * cannot be read, this one alone (and a warning).
   */
  async instances(self: InstanceSnapshot = this.current()): Promise<InstanceSnapshot[]> {
    let published: InstanceSnapshot[] = [];
    try {
      published = await this.board.list();
    } catch (err) {
      this.warn(`could not list the other instances' health: ${message(err)}`);
    }
    return [self, ...published.filter((s) => !sameInstance(s, self))].sort(
      (a, b) => a.role.localeCompare(b.role) || a.hostname.localeCompare(b.hostname) || a.pid - b.pid,
    );
  }

  onApplicationBootstrap(): void {
    // Policies register while their modules initialise: all are known by now.
    this.publish();
    this.timer = setInterval(() => this.publish(), INSTANCE_PUBLISH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.inFlight;
    try {
      await this.board.close();
    } catch (err) {
      this.warn(`could not withdraw this instance's health: ${message(err)}`);
    }
  }

  /** One publish at a time; a round still running when the next is due is not doubled. */
  private publish(): void {
    if (this.closed || this.inFlight) return;
    this.inFlight = this.board
      .publish(this.current())
      .catch((err: unknown) => this.warn(`could not publish this instance's health: ${message(err)}`))
      .finally(() => {
        this.inFlight = undefined;
      });
  }

  private warn(text: string): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_EVERY_MS) return;
    this.lastWarnAt = now;
    this.logger.warn(text);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
