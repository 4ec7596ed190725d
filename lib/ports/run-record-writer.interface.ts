/**
 * Writes to a task's running record outside a transaction, one write at a time: what batch/ and
 * distribution/ need from the runner to save a checkpoint. Implemented by
 * `SerialRecordWriter` (lib/records), which the runner shares with the task's progress saves.
 */
export interface RunRecordWriter {
  /** Runs `write` after the writes already under way, and holds back later ones until it is done. */
  inTurn<T>(write: () => Promise<T>): Promise<T>;
  /** Saves the run's checkpoint on its record, in turn with every other write. */
  saveCheckpoint(checkpoint: unknown): Promise<void>;
}
