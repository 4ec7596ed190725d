import type { RegisteredTask } from '../discovery/registered-task.interface';
import type { TaskState } from '../planning/task-state';

/** What an operator can do to one task from a surface that offers buttons (the dashboard). */
export type TaskAction = 'run' | 'resume' | 'pause' | 'cancel' | 'reset' | 'mark-done';

/** Every action, in the order a surface lists them. */
export const TASK_ACTIONS: readonly TaskAction[] = ['run', 'resume', 'pause', 'cancel', 'reset', 'mark-done'];

type Kind = Pick<RegisteredTask, 'kind'>;

/** States a run by name goes on from (or starts): `after-party:run <task>`. */
const RUNNABLE: readonly TaskState[] = ['pending', 'failed', 'interrupted', 'cancelled'];
/** States whose completion or cut-short runs a reset withdraws. */
const RESETTABLE: readonly TaskState[] = ['completed', 'marked', 'failed', 'interrupted', 'paused', 'cancelled'];
/** States mark-done records a baseline over. */
const MARKABLE: readonly TaskState[] = ['pending', 'failed', 'interrupted', 'cancelled'];
/** States a cancel of a task that is not running records (anything neither completed nor gone). */
const CANCELLABLE_STOPPED: readonly TaskState[] = ['pending', 'failed', 'interrupted', 'paused'];

const RULES: Record<TaskAction, (task: Kind, state: TaskState) => boolean> = {
  // A paused or interrupted batched task resumes instead (the same run, offered once).
  run: (task, state) => RUNNABLE.includes(state) && !(task.kind !== 'plain' && state === 'interrupted'),
  resume: (task, state) => task.kind !== 'plain' && (state === 'paused' || state === 'interrupted'),
  pause: (task, state) => task.kind !== 'plain' && state === 'running',
  cancel: (task, state) => (state === 'running' ? task.kind !== 'plain' : CANCELLABLE_STOPPED.includes(state)),
  reset: (_task, state) => RESETTABLE.includes(state),
  'mark-done': (_task, state) => MARKABLE.includes(state),
};

/**
 * The actions the operator core would accept for a task in `state`: a surface offers these and
 * no other. The core still decides when one is asked (the state may have moved meanwhile), and
 * refuses with its one-line reason.
 */
export function allowedActions(task: Kind, state: TaskState): TaskAction[] {
  return TASK_ACTIONS.filter((action) => RULES[action](task, state));
}
