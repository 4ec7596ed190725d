import type { TaskRunStatus, VersionState } from '../interfaces/run-record.interface';
import { CUT_SHORT, hasStatus } from '../planning/run-status';

/** Folds runs (or distinct run shapes) into one state per version. */
export function reduceVersionStates(
  runs: Iterable<{ version: string; status: string; deployId: string | null }>,
  deployId: string | null,
): VersionState[] {
  const states = new Map<string, VersionState>();
  for (const run of runs) {
    const state = states.get(run.version) ?? { version: run.version, completed: false, completedInDeploy: false, cutShort: false, cancelled: false };
    if (run.status === 'completed') {
      state.completed = true;
      state.completedInDeploy ||= deployId !== null && run.deployId === deployId;
    } else if (hasStatus(CUT_SHORT, run.status as TaskRunStatus)) {
      state.cutShort = true;
    } else if (run.status === 'cancelled') {
      state.cancelled = true;
    }
    states.set(run.version, state);
  }
  return [...states.values()];
}

/** The run statuses `resetVersion` turns into `reset`: finished ones, and with `unfinished` those a next run would resume. */
export function resettable(options: { unfinished?: boolean }): TaskRunStatus[] {
  return options.unfinished ? ['completed', 'cancelled', ...CUT_SHORT] : ['completed', 'cancelled'];
}
