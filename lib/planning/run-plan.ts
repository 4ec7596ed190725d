import type { RegisteredTask } from '../discovery/registered-task.interface';
import type { VersionState } from '../interfaces/run-record.interface';
import { inEnvironment } from './task-state';
import { isPairKey } from '../tenants/tenant-key';

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

/** What a run without named tasks would do, from the records' version states. */
export interface RunPlan {
  /** What runs, in version order. */
  pending: RegisteredTask[];
  /** Pending tasks older than a completed one (merged late): they run, with a warning. */
  outOfOrder: RegisteredTask[];
  /** Tasks of this environment left alone because they were cancelled. */
  cancelled: RegisteredTask[];
  /** Versions (and `<version>@<tenant>` keys) with a failed, interrupted or paused run: only those can have a checkpoint to resume. */
  cutShort: Set<string>;
}

/**
 * The plan of `after-party:run` (and `--dry-run`) in `environment`, from the version states: of its
 * global tasks (per-tenant tasks are planned per tenant, from the states of their `<version>@<tenant>`
 * keys, which every version but `cutShort` leaves out here).
 */
export function planRun(tasks: readonly RegisteredTask[], states: VersionState[], environment: string, deployId: string | null): RunPlan {
  const here = tasks.filter((task) => !task.perTenant && inEnvironment(task, environment));
  const globalStates = states.filter((state) => !isPairKey(state.version));
  const pending = pendingTasks(here, globalStates, deployId);
  const cancelled = new Set(globalStates.filter((state) => state.cancelled && !state.completed).map((state) => state.version));
  return {
    pending,
    outOfOrder: outOfOrderTasks(pending, globalStates),
    cancelled: here.filter((task) => cancelled.has(task.version)),
    cutShort: new Set(states.filter((state) => state.cutShort).map((state) => state.version)),
  };
}
