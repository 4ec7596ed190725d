import type { TaskProgressSnapshot } from '../interfaces/run-record.interface';

/** How `after-party:status` classifies a task. */
export type TaskState = 'completed' | 'marked' | 'pending' | 'running' | 'failed' | 'interrupted' | 'skipped' | 'no task';

/** One row of `after-party:status`. */
export interface StatusRow {
  state: TaskState;
  version: string;
  name: string;
  description: string;
  everyDeploy: boolean;
  /** ISO-8601 start of the latest run, or null. */
  lastRunAt: string | null;
  durationMs: number | null;
  /** Error message of the latest run when it failed or was interrupted. */
  error: string | null;
  /** The latest progress of the latest run (for running or cut-short runs). */
  progress: TaskProgressSnapshot | null;
}
