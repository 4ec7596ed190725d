/**
 * Process exit codes set by the `after-party:*` commands.
 * They are part of the public contract: deploy scripts branch on them.
 */
export enum AfterPartyExitCode {
  /** Everything asked for was done (or there was nothing to do). */
  Ok = 0,
  /** A task failed, timed out or was interrupted; later tasks did not run. */
  TaskFailed = 1,
  /** Usage or configuration error: bad flag, unknown task, invalid task class, pending migrations, unreachable database. */
  Usage = 2,
  /** Another runner held the lock for longer than the lock timeout. */
  LockTimeout = 3,
  /** `after-party:status --check` found pending or failed tasks. */
  CheckFailed = 4,
}
