/**
 * Why a run stopped before its end, as its record and the log say it: every stop reason of the
 * run loop, the batch loop and the dispatcher is worded here, and the time budget is checked here.
 */
export const stopReasons = {
  /** A batched task paused by an operator (the command, the API or the dashboard: the runner cannot tell), after its current batch. */
  pausedAfterBatch: "Paused on an operator's request after a batch; after-party:run resumes it",
  /** A batched task cancelled by an operator, after its current batch. */
  cancelledAfterBatch: "Cancelled on an operator's request after a batch",
  /** A batched task out of time (`--max-duration`). */
  budgetSpent: (budget: string | null): string => `Time budget spent (--max-duration ${budget}); after-party:run resumes it`,
  /** A distributed task paused by an operator, or out of time: its queue is held. */
  queueHeld: (byPause: boolean, budget: string | null): string =>
    `${byPause ? "Paused on an operator's request" : `Time budget spent (--max-duration ${budget})`}: queued batches are held, running ones finish; after-party:run resumes it`,
  /** A distributed task cancelled: its queued batches removed. */
  queueCancelled: "Cancelled on an operator's request: queued batches were removed, running ones finish",
  /** A shutdown signal that arrived before a task started. */
  signalBeforeStart: (signal: string): string => `${signal} arrived before the task started; it did not run`,
  /** A shutdown signal that arrived while a task ran. */
  signalDuringTask: (signal: string): string => `Interrupted by ${signal} before the task finished`,
  /** A task past its `timeout` option. */
  timedOut: (timeoutMs: number): string => `Timed out after ${timeoutMs} ms (the task's timeout option)`,
  /** The lock was lost, with no reason given. */
  lockLost: 'The run lock was lost',
} as const;

/** Whether the run's time budget (`--max-duration`), which ends at epoch ms `deadline`, is spent; never without one. */
export function budgetSpent(deadline: number | null, now = Date.now()): boolean {
  return deadline !== null && now >= deadline;
}
