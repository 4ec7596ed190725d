/**
 * Why a run stopped before its end, as its record and the log say it: every stop reason of the
 * run loop, the batch loop and the dispatcher is worded here, and the time budget is checked here.
 */
export const stopReasons = {
  /** A batched task paused by an operator after its current batch (named when the request did: the dashboard's actor). */
  pausedAfterBatch: (actor: string | null): string => `Paused on ${onRequestOf(actor)} after a batch; after-party:run resumes it`,
  /** A batched task cancelled by an operator, after its current batch. */
  cancelledAfterBatch: (actor: string | null): string => `Cancelled on ${onRequestOf(actor)} after a batch`,
  /** A batched task out of time (`--max-duration`). */
  budgetSpent: (budget: string | null): string => `Time budget spent (--max-duration ${budget}); after-party:run resumes it`,
  /** A distributed task paused by an operator, or out of time: its queue is held. */
  queueHeld: (pausedBy: { actor: string | null } | null, budget: string | null): string =>
    `${pausedBy ? `Paused on ${onRequestOf(pausedBy.actor)}` : `Time budget spent (--max-duration ${budget})`}: queued batches are held, running ones finish; after-party:run resumes it`,
  /** A distributed task cancelled: its queued batches removed. */
  queueCancelled: (actor: string | null): string => `Cancelled on ${onRequestOf(actor)}: queued batches were removed, running ones finish`,
  /** A shutdown signal that arrived before a task started. */
  signalBeforeStart: (signal: string): string => `${signal} arrived before the task started; it did not run`,
  /** A shutdown signal that arrived while a task ran. */
  signalDuringTask: (signal: string): string => `Interrupted by ${signal} before the task finished`,
  /** A task past its `timeout` option. */
  timedOut: (timeoutMs: number): string => `Timed out after ${timeoutMs} ms (the task's timeout option)`,
  /** The lock was lost, with no reason given. */
  lockLost: 'The run lock was lost',
} as const;

/**
 * "an operator's request", or "the request of ops@example.com" when the request named who asked
 * (the command, the API and the dashboard all ask the same way; only the dashboard knows a user).
 */
export function onRequestOf(actor: string | null): string {
  return actor ? `the request of ${actor}` : "an operator's request";
}

/** Whether the run's time budget (`--max-duration`), which ends at epoch ms `deadline`, is spent; never without one. */
export function budgetSpent(deadline: number | null, now = Date.now()): boolean {
  return deadline !== null && now >= deadline;
}
