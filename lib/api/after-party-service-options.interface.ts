import type { StatusResult } from '../operator/operator-results';

/** Options of {@link AfterPartyService.plan}: what `after-party:run --dry-run` takes. */
export interface AfterPartyPlanOptions {
  /** Versions or names of tasks to run by hand; the plan is then exactly those. Default: what is pending. */
  tasks?: string[];
  /**
   * The deploy id every-deploy tasks run once per. `null` for none.
   * @default process.env.AFTER_PARTY_DEPLOY_ID
   */
  deployId?: string | null;
  /** Per-tenant tasks: only these tenants (a canary), like `--tenants`. @default every tenant the source lists */
  tenants?: string[];
  /** Per-tenant tasks: at most this many tenants with pending tasks, in the source's order, like `--limit`. */
  limit?: number;
}

/** Options of {@link AfterPartyService.run}: the flags of `after-party:run`, as values. */
export interface AfterPartyRunOptions extends AfterPartyPlanOptions {
  /**
   * How long to wait for another runner's lock, in milliseconds; 0 fails at once with a
   * `LockTimeoutError` when the lock is held.
   * @default the module option `lockTimeout` (60000)
   */
  lockTimeout?: number;
  /** Apply pending TypeORM schema migrations first instead of throwing `PendingMigrationsError`. @default false */
  migrate?: boolean;
  /**
   * Time budget: no task or batch starts after it, and a batched task in progress pauses after
   * its batch (the report says `paused`). Milliseconds, or a duration such as `'90s'`, `'10m'`, `'1h30m'`.
   * @default no budget
   */
  maxDuration?: number | string;
  /** Wait for distributed tasks' batches to finish; false leaves them to the workers (`--no-wait`). @default true */
  waitForWorkers?: boolean;
  /** Per-tenant tasks: tenants run at once, like `--concurrency`. @default 1 */
  concurrency?: number;
  /** Per-tenant tasks: start no further tenant once one failed, like `--fail-fast`. @default false */
  failFast?: boolean;
  /**
   * Stops the run gracefully when aborted, as SIGTERM stops `after-party:run`: the current task's
   * `ctx.signal` aborts, it gets the grace period, it is recorded `interrupted`, and no further
   * task starts. A signal already aborted starts no task.
   */
  signal?: AbortSignal;
  /**
   * Also stop on SIGTERM/SIGINT while the run is going, as `after-party:run` does (a second
   * signal exits the process at once). For scripts that own their process. A web app leaves the
   * signals to Nest: with `app.enableShutdownHooks()`, the app's shutdown stops the run gracefully
   * before the database connections close.
   * @default false
   */
  handleSignals?: boolean;
}

export type { PlannedTask } from '../operator/operator-documents';

/** Which tasks {@link AfterPartyService.markDone} records as completed: exactly one of `tasks`, `all`, `before`. */
export interface AfterPartyMarkDoneOptions {
  /** Versions or names of the tasks to mark. */
  tasks?: string[];
  /** Every task of this environment not completed yet. */
  all?: boolean;
  /** Every task of this environment older than this version (`YYYYMMDDHHMMSS`). */
  before?: string;
  /** Lock wait in milliseconds. @default the module option `lockTimeout` */
  lockTimeout?: number;
}

/** Options of {@link AfterPartyService.provisionTenant}. */
export interface AfterPartyProvisionOptions extends Omit<AfterPartyRunOptions, 'tasks' | 'tenants' | 'limit' | 'concurrency' | 'failFast' | 'deployId'> {
  /** Record the tenant's pending per-tenant tasks as completed without running them (a tenant made from an up-to-date template). @default false */
  markDone?: boolean;
}

/** Options of the service's operations that take the run lock without running tasks. */
export interface AfterPartyLockOptions {
  /** Lock wait in milliseconds. @default the module option `lockTimeout` */
  lockTimeout?: number;
}

/**
 * What {@link AfterPartyService.status} returns: the `after-party:status --json` document
 * (`StatusDocument`), and `needsAttention`, the rows `status --check` fails on (pending,
 * running, failed, interrupted or paused).
 */
export type AfterPartyStatus = StatusResult;
