import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { Subject } from 'rxjs';
import { OperatorCore } from '../operator/operator.core';
import type { StatusResult, TaskDetailResult } from '../operator/operator-results';
import { messageOf } from '../format/text.format';
import { DASHBOARD_OPTIONS, type ResolvedDashboardOptions } from './dashboard-config';
import { banners, type Banner } from './render/banners';

/** How long a read of what changes slowly (pending schema migrations, whether a runner holds the lock) is reused. */
const SLOW_READ_MS = 10_000;

/** What the overview shows: the status document, and what needs a banner. */
export interface OverviewData {
  status: StatusResult;
  banners: Banner[];
}

/** A read kept for a while. */
interface Cached<T> {
  at: number;
  value: T;
}

/**
 * What the pages show, read through the operator core: the status with its banners, and a task
 * in full. Reads only; every read comes from the store, so it shows runs of every process.
 */
@Injectable()
export class DashboardViews implements BeforeApplicationShutdown {
  /** Emits once the app shuts down: the live streams end, so that open pages do not hold the server open. */
  readonly closing = new Subject<void>();
  private readonly logger = new Logger('AfterPartyDashboard');
  private migrations?: Cached<string[]>;
  private lockFree?: Cached<boolean>;

  constructor(
    private readonly core: OperatorCore,
    @Inject(DASHBOARD_OPTIONS) readonly options: ResolvedDashboardOptions,
  ) {}

  async overview(now = Date.now()): Promise<OverviewData> {
    const status = await this.core.status();
    const running = status.tasks.some((row) => row.state === 'running');
    const [pendingMigrations, lockFree] = await Promise.all([this.pendingMigrations(now), running ? this.lockIsFree(now) : false]);
    return { status, banners: banners({ rows: status.tasks, pendingMigrations, lockFree, stuckAfterMs: this.options.stuckAfterMs, now }) };
  }

  beforeApplicationShutdown(): void {
    this.closing.next();
    this.closing.complete();
  }

  detail(task: string, offset: number): Promise<TaskDetailResult> {
    return this.core.detail({ surface: 'dashboard', task }, { offset, limit: this.options.pageSize });
  }

  /** Schema migrations TypeORM reports pending (none elsewhere), read at most every 10 s. */
  private async pendingMigrations(now: number): Promise<string[]> {
    if (!this.migrations || now - this.migrations.at > SLOW_READ_MS) {
      const value = await this.core.pendingMigrations().catch((error: unknown) => {
        this.logger.warn(`Could not read pending schema migrations: ${messageOf(error)}`);
        return [];
      });
      this.migrations = { at: now, value };
    }
    return this.migrations.value;
  }

  /** Whether no runner holds the run lock while a task is recorded running, checked at most every 10 s. */
  private async lockIsFree(now: number): Promise<boolean> {
    if (!this.lockFree || now - this.lockFree.at > SLOW_READ_MS) {
      this.lockFree = { at: now, value: await this.core.lockIsFree().catch(() => false) };
    }
    return this.lockFree.value;
  }
}
