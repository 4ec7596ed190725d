import type { TaskProgressSnapshot, TaskRunStatus } from '../interfaces/run-record.interface';
import type { TaskState } from '../planning/task-state';

export type { TaskState } from '../planning/task-state';

/** One row of `after-party:status` (and of `tasks` in its `--json` document and `AfterPartyService.status()`). */
export interface StatusRow {
  /** Where the task stands in this environment (see `TaskState`); `no-task` for records whose task class is gone. */
  state: TaskState;
  /** The task's version, `YYYYMMDDHHMMSS`. */
  version: string;
  /** The task's name (for `no-task` rows, the name its records carry). */
  name: string;
  /** The task's description, or `''`. */
  description: string;
  /** Whether it runs on every deploy (once per deploy id). */
  everyDeploy: boolean;
  /** ISO-8601 start of the latest run, or null. */
  lastRunAt: string | null;
  /** Status of the latest run, or null when there is none. */
  lastRunStatus: TaskRunStatus | null;
  /** Duration of the latest run in milliseconds, or null while it runs or when there is none. */
  durationMs: number | null;
  /** Error message of the latest run when it failed, was interrupted, paused or cancelled; null otherwise. */
  error: string | null;
  /** The latest progress of the latest run (for running or cut-short runs). */
  progress: TaskProgressSnapshot | null;
  /**
   * A per-tenant task's tenants: how many listed tenants are in each state, and the failed or
   * interrupted ones with their errors. The row's own `state` is the one that most needs
   * attention among them (running, failed, interrupted, paused, pending, cancelled, then completed);
   * its last-run fields are those of the latest run over every tenant.
   */
  tenants?: TenantCounts;
}

/** How a per-tenant task stands over the tenants the source lists now. */
export interface TenantCounts {
  /** Tenants listed now. */
  total: number;
  /** How many of them are in each state (states with none are left out). */
  states: Partial<Record<TaskState, number>>;
  /** Listed tenants whose latest run of the task failed or was interrupted, with its error. */
  failed: Array<{ tenant: string; state: TaskState; error: string | null }>;
  /** Listed tenants the task is running for now (or whose runner died), with their latest progress. */
  running: Array<{ tenant: string; progress: TaskProgressSnapshot | null }>;
}

/**
 * One (task, tenant) pair: a cell of the task × tenant matrix of `after-party:status --json`
 * (`tenants`) and `AfterPartyService.status()`.
 */
export interface TenantPairRow extends Pick<StatusRow, 'state' | 'version' | 'name' | 'lastRunAt' | 'lastRunStatus' | 'durationMs' | 'error' | 'progress'> {
  tenant: string;
  /** False for a tenant the source no longer lists (deleted): its records stay readable. */
  listed: boolean;
}
