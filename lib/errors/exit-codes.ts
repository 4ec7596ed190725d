/**
 * Process exit codes set by the `after-party:*` commands.
 * They are part of the public contract: deploy scripts branch on them.
 */
export enum AfterPartyExitCode {
  /** Everything asked for was done (or there was nothing to do). */
  Ok = 0,
  /** A task failed, timed out or was interrupted, or the run lock was lost; later tasks did not run. */
  TaskFailed = 1,
  /** Usage or configuration error: bad flag, unknown task, invalid task class, pending migrations, unreachable database. */
  Usage = 2,
  /** Another runner held the lock for longer than the lock timeout. */
  LockTimeout = 3,
  /** `after-party:status --check` found a task pending, running, failed, interrupted or paused. */
  CheckFailed = 4,
  /**
   * The run stopped on purpose before its end, with nothing failed: a batched task was paused
   * (`after-party:pause`, or `--max-duration` spent); later tasks did not run. Run again to resume.
   */
  Paused = 5,
  /** A second SIGTERM/SIGINT arrived during a run: the process exited at once. */
  ForcedExit = 130,
}
