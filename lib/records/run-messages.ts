/** The error recorded on a run found still `running` by the next runner: its runner is gone. */
export const ORPHANED_RUN_ERROR = 'The runner stopped before the task finished (crash, kill or lost connection).';

/** The note of a run cancelled by the next runner: a cancel was asked of `orphan`, whose runner was gone. */
export function orphanCancelled(orphan: { id: string; host: string; checkpoint: unknown }): string {
  const goesOn = orphan.checkpoint === null ? '' : '; run by name, it goes on from where it stopped';
  return `Cancelled: after-party:cancel was asked of run ${orphan.id} on ${orphan.host}, whose runner was gone${goesOn}`;
}
