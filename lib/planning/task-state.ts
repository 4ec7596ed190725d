import type { RegisteredTask } from '../discovery/registered-task.interface';
import type { TaskRunRecord, VersionState } from '../interfaces/run-record.interface';
import { CUT_SHORT, hasStatus } from './run-status';

/**
 * Where a task stands in this environment, the one definition `after-party:run`, `--dry-run`,
 * `status` and `status --check` share:
 * - `paused`: a batched task paused after a batch (`after-party:pause`, `--max-duration`); the
 *   next run resumes it.
 * - `cancelled`: stopped by `after-party:cancel`; runs leave it alone until it is reset or run
 *   by name.
 * - `completed`: it has a completed run (an every-deploy task: its latest run completed). A
 *   later manual re-run that failed does not undo that; status shows its error beside it.
 * - `marked`: completed by `after-party:mark-done`, without running.
 * - `pending`: never completed (or its completion was reset).
 * - `running`: a run is in progress (or its runner died; the next run records it interrupted).
 * - `failed`, `interrupted`: its latest run, with no completed run before it.
 * - `excluded`: its `environments` option leaves this environment out: never pending here, never
 *   run here (not to be confused with a run's `notRun`, pending tasks a stopped run did not reach).
 * - `no-task`: records of a task class that no longer exists.
 */
export type TaskState =
  | 'completed'
  | 'marked'
  | 'pending'
  | 'running'
  | 'failed'
  | 'interrupted'
  | 'paused'
  | 'cancelled'
  | 'excluded'
  | 'no-task';

/** Every state, in the order summaries list them. */
export const TASK_STATES: readonly TaskState[] = [
  'completed',
  'marked',
  'pending',
  'failed',
  'interrupted',
  'running',
  'paused',
  'cancelled',
  'excluded',
  'no-task',
];

/** States that need an operator's or a deploy's attention: `status --check` fails on them. */
export const NEEDS_ATTENTION: readonly TaskState[] = ['pending', 'running', 'failed', 'interrupted', 'paused'];

/** Whether a task may run in `environment`. */
export function inEnvironment(task: Pick<RegisteredTask, 'environments'>, environment: string): boolean {
  return task.environments === null || task.environments.includes(environment);
}

/** The state of a registered task from what the records say about its version. */
export function taskState(
  task: Pick<RegisteredTask, 'environments' | 'everyDeploy'>,
  environment: string,
  version: VersionState | undefined,
  latest: TaskRunRecord | undefined,
): TaskState {
  if (!inEnvironment(task, environment)) {
    return 'excluded';
  }
  if (latest?.status === 'running') {
    return 'running';
  }
  if (isCompleted(task, version, latest)) {
    return latest?.kind === 'baseline' && latest.status === 'completed' ? 'marked' : 'completed';
  }
  return unfinishedState(version, latest);
}

/** Completed here: a completed run (an every-deploy task: its latest run completed too). */
function isCompleted(task: Pick<RegisteredTask, 'everyDeploy'>, version: VersionState | undefined, latest: TaskRunRecord | undefined): boolean {
  return version?.completed === true && (!task.everyDeploy || latest?.status === 'completed');
}

/** The state of a task that is neither running nor completed here. */
function unfinishedState(version: VersionState | undefined, latest: TaskRunRecord | undefined): TaskState {
  if (version?.cancelled && !version.completed) {
    return 'cancelled';
  }
  return latest && hasStatus(CUT_SHORT, latest.status) ? (latest.status as TaskState) : 'pending';
}
