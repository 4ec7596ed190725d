/**
 * How long a batch job's lock lasts without renewal. A live worker renews it every half of this
 * (BullMQ's lockRenewTime), however long the batch takes; a dead worker's lock expires within it.
 */
export const DEFAULT_LOCK_DURATION_MS = 6000;
/**
 * How often every worker looks for jobs whose lock expired (their worker died) and queues them
 * again. With the lock above, a dead worker's batches are taken again within 6 + 3 = 9 s (BullMQ's
 * own defaults, 30 s and 30 s, made it up to a minute).
 */
export const DEFAULT_STALLED_INTERVAL_MS = 3000;

/**
 * The BullMQ worker options of the batch workers: short job locks, so that a dead worker's
 * batches are taken again within seconds, under the app's own `distribution.workerOptions`
 * (`lockDuration`, `stalledInterval`, any other BullMQ worker option), which win.
 */
export function batchWorkerOptions(workerOptions: Record<string, unknown>): Record<string, unknown> {
  return { lockDuration: DEFAULT_LOCK_DURATION_MS, stalledInterval: DEFAULT_STALLED_INTERVAL_MS, ...workerOptions };
}
