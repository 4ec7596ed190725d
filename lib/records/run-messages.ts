/** The error recorded on a run found still `running` by the next runner: its runner is gone. */
export const ORPHANED_RUN_ERROR = 'The runner stopped before the task finished (crash, kill or lost connection).';

/** The note of a run cancelled by the next runner: a cancel was asked of `orphan` (by `actor` when known), whose runner was gone. */
export function orphanCancelled(orphan: { id: string; host: string; checkpoint: unknown }, actor: string | null = null): string {
  const goesOn = orphan.checkpoint === null ? '' : '; run by name, it goes on from where it stopped';
  return `Cancelled: ${actor ?? 'an operator'} asked run ${orphan.id} on ${orphan.host} to cancel, but its runner was gone${goesOn}`;
}
