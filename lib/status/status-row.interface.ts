import type { TaskProgressSnapshot, TaskRunStatus } from '../interfaces/run-record.interface';
import type { TaskState } from '../planning/task-state';

export type { TaskState } from '../planning/task-state';

/** One row of `after-party:status`. */
export interface StatusRow {
  state: TaskState;
  version: string;
  name: string;
  description: string;
  everyDeploy: boolean;
  /** ISO-8601 start of the latest run, or null. */
  lastRunAt: string | null;
  /** Status of the latest run, or null when there is none. */
  lastRunStatus: TaskRunStatus | null;
  durationMs: number | null;
  /** Error message of the latest run when it failed or was interrupted. */
  error: string | null;
  /** The latest progress of the latest run (for running or cut-short runs). */
  progress: TaskProgressSnapshot | null;
}
