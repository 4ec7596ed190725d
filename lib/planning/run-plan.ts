import type { RegisteredTask } from '../discovery/registered-task.interface';
import type { VersionState } from '../interfaces/run-record.interface';

/**
 * The tasks `after-party:run` should run, in version order: tasks never completed, and
 * every-deploy tasks not yet completed under `deployId` (all of them when there is none).
 * Cancelled tasks are left alone until they are reset or run by name.
 */
export function pendingTasks(tasks: readonly RegisteredTask[], states: VersionState[], deployId: string | null): RegisteredTask[] {
  const byVersion = new Map(states.map((entry) => [entry.version, entry]));
  return tasks.filter((task) => {
    const entry = byVersion.get(task.version);
    if (entry?.cancelled && !entry.completed) {
      return false;
    }
    if (task.everyDeploy) {
      return deployId === null || entry?.completedInDeploy !== true;
    }
    return entry?.completed !== true;
  });
}

/**
 * Pending run-once tasks older than the newest completed version: typically merged late
 * from a long-lived branch. They still run; the runner warns so nobody is surprised.
 */
export function outOfOrderTasks(pending: RegisteredTask[], states: VersionState[]): RegisteredTask[] {
  const newest = states.reduce((max, entry) => (entry.completed && entry.version > max ? entry.version : max), '');
  return pending.filter((task) => !task.everyDeploy && task.version < newest);
}
