import type { ShutdownWatch } from './shutdown-watch';

/** What the run command asks the runner for. */
export interface RunOptions {
  /** Versions or names to run now (manual runs); empty runs everything pending. */
  tasks: string[];
  deployId: string | null;
  /** Lock wait in milliseconds; 0 fails at once when the lock is held. */
  lockTimeoutMs: number;
  /** Apply pending schema migrations first instead of refusing. */
  migrate: boolean;
  /** Draw progress bars (stderr is a terminal and the output is not JSON). */
  terminal: boolean;
  /** Time budget in ms (`--max-duration`): no task or batch starts after it; null for none. */
  maxDurationMs?: number | null;
  /** Wait for distributed tasks' batches to finish (the default); false leaves them to the workers. */
  waitForWorkers?: boolean;
  /**
   * What stops the run gracefully. Default: a watch on SIGTERM/SIGINT for the run's duration;
   * `AfterPartyService` passes its own (the app's shutdown, the caller's AbortSignal).
   */
  shutdown?: ShutdownWatch;
  /** Who asked for the run, recorded on its records (the dashboard's user); null or absent for none. */
  actor?: string | null;
  /** How per-tenant tasks fan out over the tenants. */
  tenants?: TenantSelection;
}

/** Which tenants a run takes, and how many at once (`--tenants`, `--limit`, `--concurrency`, `--fail-fast`). */
export interface TenantSelection {
  /** Only these tenants (a canary); null or absent for every listed tenant. */
  only?: string[] | null;
  /** At most this many tenants with pending tasks, in the source's order; null or absent for all. */
  limit?: number | null;
  /** Tenants run at once. @default 1 */
  concurrency?: number;
  /** Start no further tenant once one failed. @default false */
  failFast?: boolean;
  /** Run only per-tenant tasks (provisioning a tenant): global tasks are left for the next deploy. */
  tenantTasksOnly?: boolean;
}
