import type { RegisteredTask } from '../discovery/registered-task.interface';
import type { CompletedVersion } from '../interfaces/run-record.interface';

/**
 * The tasks `after-party:run` should run, in version order: tasks never completed, and
 * every-deploy tasks not yet completed under `deployId` (all of them when there is none).
 */
export function pendingTasks(tasks: readonly RegisteredTask[], completed: CompletedVersion[], deployId: string | null): RegisteredTask[] {
  const done = new Map(completed.map((entry) => [entry.version, entry]));
  return tasks.filter((task) => {
    const entry = done.get(task.version);
    if (task.everyDeploy) {
      return deployId === null || entry?.completedInDeploy !== true;
    }
    return entry === undefined;
  });
}

/**
 * Pending run-once tasks older than the newest completed version: typically merged late
 * from a long-lived branch. They still run; the runner warns so nobody is surprised.
 */
export function outOfOrderTasks(pending: RegisteredTask[], completed: CompletedVersion[]): RegisteredTask[] {
  const newest = completed.reduce((max, entry) => (entry.version > max ? entry.version : max), '');
  return pending.filter((task) => !task.everyDeploy && task.version < newest);
}
