import type { TaskRunStatus } from '../interfaces/run-record.interface';

/** The outcome of one task in a run. */
export interface TaskOutcome {
  version: string;
  name: string;
  runId: string;
  status: Exclude<TaskRunStatus, 'running'>;
  durationMs: number;
  error: string | null;
}

/** What one `after-party:run` did. */
export interface RunReport {
  /** Tasks that ran, in order (the last one failed when `ok` is false). */
  outcomes: TaskOutcome[];
  /** Pending tasks that were not reached because an earlier one failed. */
  skipped: string[];
  ok: boolean;
  /** A task kept running after abort and its grace period: the process must exit when done. */
  abandoned: boolean;
}
