import type { TaskProgress } from '../interfaces/task-context.interface';

/** At most one progress write to the records (and one event) per this many milliseconds. */
export const SAVE_INTERVAL_MS = 2000;

/**
 * Where a batched or distributed task's loop reports how far it got: `ctx.progress` plus what only
 * the runner's loops say. Implemented by the runner's `ProgressReporter` (a bar on a terminal,
 * log lines otherwise, saved on the running record).
 */
export interface ProgressSink extends TaskProgress {
  /** Starts from `done` units a previous run did, at `cursor`, out of `total` when known. */
  resumeAt(done: number, cursor: unknown, total: number | null): void;
  /** A batch committed: `count` more units done, and the cursor after it. */
  batchDone(count: number, cursor: unknown): void;
  /** The loop starts: the progress says `running` (or `throttled`) until it stops. */
  startBatches(): void;
  /** Still backing off: the runner is alive while no batch runs (at most one save per {@link SAVE_INTERVAL_MS}). */
  stillThrottled(): void;
  /** Running, or backing off because a throttle check said so (and why). */
  setState(state: 'running' | 'throttled', because?: string | null): void;
}
