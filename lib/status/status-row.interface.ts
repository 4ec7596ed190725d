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
}
