import type { TaskRunStatus } from '../interfaces/run-record.interface';

/**
 * The sets of run statuses the rules are written in, in one place. A status belongs to a set;
 * {@link hasStatus} asks. Use these instead of writing the statuses out again.
 */

/** A run that ended before its end without completing: the next `after-party:run` retries or resumes it. */
export const CUT_SHORT: readonly TaskRunStatus[] = ['failed', 'interrupted', 'paused'];

/**
 * A run whose checkpoint a later run may go on from: cut short, or cancelled (a cancelled task run
 * again by name goes on where it stopped; `reset` starts it over).
 */
export const RESUMABLE: readonly TaskRunStatus[] = ['failed', 'interrupted', 'paused', 'cancelled'];

/** A run that ended with a message worth showing beside the task (`status` shows it): the resumable ones. */
export const ENDED_WITH_ERROR: readonly TaskRunStatus[] = RESUMABLE;

/** A run an operator stopped on purpose (`after-party:pause`, `after-party:cancel`, `--max-duration`). */
export const STOPPED_ON_PURPOSE: readonly TaskRunStatus[] = ['paused', 'cancelled'];

/** A finished run whose progress no longer says how far the task got: it completed, or was reset to start over. */
export const PROGRESS_SPENT: readonly TaskRunStatus[] = ['completed', 'reset'];

/** Whether `status` (of a run, or undefined for none) is one of `set`. */
export function hasStatus(set: readonly TaskRunStatus[], status: TaskRunStatus | null | undefined): boolean {
  return status !== null && status !== undefined && set.includes(status);
}
