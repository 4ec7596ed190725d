/** The error recorded on a run found still `running` by the next runner: its runner is gone. */
export const ORPHANED_RUN_ERROR = 'The runner stopped before the task finished (crash, kill or lost connection).';
