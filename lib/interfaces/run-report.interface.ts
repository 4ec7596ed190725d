import type { TaskRunStatus } from './run-record.interface';

/** The outcome of one task in a run. */
export interface TaskOutcome {
  version: string;
  name: string;
  runId: string;
  /** `running`: a distributed task left to its workers by `--no-wait`. */
  status: Exclude<TaskRunStatus, 'reset'>;
  durationMs: number;
  error: string | null;
  /** The tenant it ran for, for a per-tenant task (then `version` is the task's own). */
  tenant?: string;
}

/** A tenant whose per-tenant tasks did not all complete in a run. */
export interface TenantFailure {
  tenant: string;
  /** The task that failed, as `<version> <name>`. */
  task: string;
  status: TaskOutcome['status'];
  error: string | null;
}

/** What a run did with per-tenant tasks. */
export interface TenantRunSummary {
  /** Tenants the source listed (all of them, whatever `--tenants` chose). */
  listed: number;
  /** Tenants that had pending per-tenant tasks, and were taken (after `--limit`). */
  taken: number;
  /** Tenants all of whose pending tasks completed in this run. */
  completed: number;
  /** Tenants with a failed or interrupted task (their later tasks did not run). */
  failed: TenantFailure[];
  /** Tenants paused (a pause, or the time budget) or not started: the next run goes on with them. */
  notRun: string[];
}

/** What one `after-party:run` did. */
export interface RunReport {
  /** Tasks that ran, in order (the last one failed when `ok` is false). */
  outcomes: TaskOutcome[];
  /**
   * Pending tasks the run did not reach, as `<version> <name>`: it stopped first (a failure, a
   * pause, the time budget, a shutdown signal or a lost lock). Logged as "Not run after ...",
   * `notRun` in `--json`. Not to be confused with tasks excluded from this environment, which are
   * never pending.
   */
  notRun: string[];
  ok: boolean;
  /** A task kept running after abort and its grace period: the process must exit when done. */
  abandoned: boolean;
  /** The run lock was lost while held: the run stopped, and what could not be recorded was not. */
  lockLost: boolean;
  /** The run stopped on purpose before its end: a task was paused, or the time budget was spent. */
  paused: boolean;
  /** Distributed tasks left running on the workers (`--no-wait`), as `<version> <name>`. */
  detached: string[];
  /** The per-tenant part of the run, when the app has per-tenant tasks in this environment. */
  tenants?: TenantRunSummary;
}
