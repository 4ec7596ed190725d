import type { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeCursor, encodeCursor } from '../batch/cursor-codec';
import { refuseUnorderedKeys } from '../batch/key-order';
import { BatchFailedError } from '../errors/batch-failed.error';
import { budgetSpent, stopReasons } from '../records/stop-reasons';
import type { BatchLoopEnd } from '../batch/batch-loop';
import type { DistributedRegisteredTask } from '../discovery/registered-task.interface';
import { plural } from '../format/text.format';
import type { BatchedTask, KeysetCollection } from '../interfaces/batched-task.interface';
import type { AfterPartyStore, BatchLedgerCapability, BatchSummary, DistributedBatch } from '../interfaces/store.interface';
import type { TaskContext } from '../interfaces/task-context.interface';
import type { ProgressSink } from '../ports/progress-sink.interface';
import type { RunRecordWriter } from '../ports/run-record-writer.interface';
import type { BatchQueue } from './batch-queue.interface';
import type { DistributionService } from './distribution.service';
import { BatchFollower, MIN_READ_GAP_MS, POLL_MS } from './batch-follower';
import { enqueue, repair } from './batch-jobs';

/** A distributed task's place, saved as its run's checkpoint. */
export interface DistributionCheckpoint {
  distribution: {
    /** This distribution's id: batches of an earlier one (before a reset) never count. */
    id: string;
    /** The encoded key of the last dispatched batch's last item, null before the first. */
    cursor: unknown;
    /** Batches dispatched so far. */
    dispatched: number;
    /** Whether every batch is dispatched. */
    done: boolean;
    /** Set when the run that dispatched them returned without following them (`--no-wait`). */
    detached?: boolean;
    /** Set when the run paused the queue as it paused (after-party:pause, `--max-duration`). */
    pausedQueue?: boolean;
  };
}

/** How a distributed run ended when it did not throw: `detached` left the batches to the workers. */
export type DistributedEnd = BatchLoopEnd | { status: 'detached'; reason: string };

/** What the dispatcher needs from the run around it. */
export interface DispatchDeps {
  task: DistributedRegisteredTask;
  context: TaskContext;
  signal: AbortSignal;
  runId: string;
  store: AfterPartyStore;
  progress: ProgressSink;
  /** Writes the distribution's checkpoint, in turn with the progress saves. */
  records: RunRecordWriter;
  logger: Logger;
  distribution: DistributionService;
  resumeFrom: DistributionCheckpoint | undefined;
  /** Wait for every batch (the default), or return once all are queued (`--no-wait`). */
  wait: boolean;
  deadline: number | null;
  budget: string | null;
}

/**
 * The runner's side of a distributed task: repairs what an earlier run left (failed batches are
 * retried, batches whose job is gone are queued again), pages the keys and queues one small job
 * per batch (never twice: ledger rows and job ids are per batch number), waits while the queue
 * is full, then follows the batches to the end: completed when every batch is, failed with the
 * first batch that failed after its retries (or whose job BullMQ gave up on).
 */
export async function runDistributed(deps: DispatchDeps): Promise<DistributedEnd> {
  const { task, store, distribution } = deps;
  const ledger = store.capabilities.batchLedger as BatchLedgerCapability;
  const queue = distribution.queue(task);
  const instance = task.instance as BatchedTask;
  const collection: KeysetCollection<unknown, unknown> = await instance.collection(deps.context);
  // A key that cannot keep the keyset contract is refused before any batch is queued.
  await collection.verify?.();
  await ledger.prepare();

  const state: DistributionCheckpoint['distribution'] = { ...(deps.resumeFrom?.distribution ?? { id: randomUUID(), cursor: null, dispatched: 0, done: false }) };
  // This run follows the batches, whatever the one before it did.
  delete state.detached;
  const pausedByRun = state.pausedQueue === true;
  delete state.pausedQueue;
  await resumePausedQueue(deps, pausedByRun);
  if (deps.resumeFrom?.distribution) {
    await repair(deps, queue, ledger, state.id);
  } else {
    await ledger.clear(task.version);
  }
  const doneBefore = await startProgress(deps, ledger, collection, state);
  const follower = new BatchFollower(deps, queue, ledger, state.id, doneBefore);
  follower.start();
  try {
    const stopped = await dispatchAll(deps, queue, ledger, collection, state, follower);
    if (stopped) {
      return await noteQueuePaused(deps, state, stopped);
    }
    if (!deps.wait) {
      // Tells the next run that nobody died here: the batches were left to the workers on purpose.
      state.detached = true;
      await saveCheckpoint(deps, state);
      return { status: 'detached', reason: `Left ${plural(state.dispatched, 'batch', 'batches')} to the workers (--no-wait); the next after-party:run follows them to the end` };
    }
    return await noteQueuePaused(deps, state, await follow(deps, follower));
  } finally {
    await follower.stop();
  }
}

/**
 * A run that paused its queue (after-party:pause, `--max-duration`) says so in its checkpoint: the
 * next run resumes that queue as the pause's expected end, not as a surprise.
 */
async function noteQueuePaused(deps: DispatchDeps, state: DistributionCheckpoint['distribution'], end: DistributedEnd): Promise<DistributedEnd> {
  if (end.status === 'paused') {
    state.pausedQueue = true;
    await saveCheckpoint(deps, state);
  }
  return end;
}

/**
 * A queue found paused when a run starts holds every batch back, the run's included: it is
 * resumed. After a run that paused it (`pausedByRun`), that is the resumption the pause
 * promised: one log line. A pause left behind by hand or by an older version gets a warning.
 */
async function resumePausedQueue(deps: DispatchDeps, pausedByRun: boolean): Promise<void> {
  if (!(await deps.distribution.resumeQueue(deps.task))) {
    return;
  }
  const queueName = deps.distribution.queueName(deps.task);
  if (pausedByRun) {
    deps.logger.log(`Resumed the queue ${queueName} of ${deps.context.name}, paused when its last run was paused`);
  } else {
    deps.logger.warn(`The queue ${queueName} of ${deps.context.name} was paused, which would hold its batches back: resumed it`);
  }
}

/** Sets the progress's total (and what earlier runs of the distribution did); returns the items done before. */
async function startProgress(
  deps: DispatchDeps,
  ledger: BatchLedgerCapability,
  collection: KeysetCollection<unknown, unknown>,
  state: DistributionCheckpoint['distribution'],
): Promise<number> {
  // A run that goes on with a distribution starts from the items of its completed batches.
  const earlier = deps.resumeFrom?.distribution ? await ledger.list(deps.task.version, state.id) : [];
  const itemsOf = (batches: DistributedBatch[]): number => batches.reduce((sum, batch) => sum + batch.items, 0);
  const doneBefore = itemsOf(earlier.filter((batch) => batch.status === 'completed'));
  // The items of the batches already dispatched plus those left after the dispatch cursor.
  const total = collection.count
    ? itemsOf(earlier) + (await collection.count(state.cursor === null ? undefined : decodeCursor(collection, state.cursor)))
    : null;
  if (earlier.length > 0) {
    deps.progress.resumeAt(doneBefore, undefined, total);
  } else if (total !== null) {
    deps.progress.setTotal(total);
  }
  await saveCheckpoint(deps, state);
  return doneBefore;
}

/** Saves the distribution's place, in turn with the progress saves: one writer at a time on the run's record. */
function saveCheckpoint(deps: DispatchDeps, state: DistributionCheckpoint['distribution']): Promise<void> {
  return deps.records.saveCheckpoint({ distribution: state } satisfies DistributionCheckpoint);
}

/**
 * Pages the keys from the checkpoint on and queues a job per batch, reporting the workers'
 * progress meanwhile (they start on the first batch at once). Resolves how the run ended when it
 * was paused, cancelled or out of time, else null once every batch is queued.
 */
async function dispatchAll(
  deps: DispatchDeps,
  queue: BatchQueue,
  ledger: BatchLedgerCapability,
  collection: KeysetCollection<unknown, unknown>,
  state: DistributionCheckpoint['distribution'],
  follower: BatchFollower,
): Promise<DistributedEnd | null> {
  const { task } = deps;
  const dispatchedBefore = state.dispatched;
  while (!state.done) {
    const stop = await interruption(deps);
    if (stop) {
      return stop;
    }
    await waitForRoom(deps, follower);
    const cursor = state.cursor === null ? undefined : decodeCursor(collection, state.cursor);
    const keys = collection.keys
      ? await collection.keys(cursor, task.batch!.size)
      : (await collection.page(cursor, task.batch!.size)).map((item) => collection.cursorOf(item));
    if (keys.length === 0) {
      state.done = true;
      break;
    }
    const encoded = keys.map((key) => encodeCursor(collection, key));
    refuseUnorderedKeys(task.name, state.cursor, encoded);
    const batch = newBatch(deps, state, encoded);
    // Ledger row, then job, then checkpoint: a runner dying between any two leaves nothing
    // that the next run does not repair (the row and the job id are per batch number).
    await ledger.add(batch);
    await enqueue(deps, queue, batch);
    state.cursor = batch.last;
    state.dispatched = batch.batchNo;
    state.done = keys.length < task.batch!.size;
    await saveCheckpoint(deps, state);
    if (follower.due()) {
      failOnFailedBatch(await follower.observe());
    }
  }
  logDispatched(deps, state.dispatched, dispatchedBefore);
  return null;
}

/** The ledger row of the next batch, whose keys are `encoded`. */
function newBatch(deps: DispatchDeps, state: DistributionCheckpoint['distribution'], encoded: unknown[]): DistributedBatch {
  return {
    version: deps.task.version,
    distributionId: state.id,
    batchNo: state.dispatched + 1,
    status: 'queued',
    after: state.cursor,
    last: encoded[encoded.length - 1],
    items: encoded.length,
    attempts: 0,
    error: null,
    worker: null,
    updatedAt: new Date().toISOString(),
  };
}

function logDispatched(deps: DispatchDeps, dispatched: number, dispatchedBefore: number): void {
  const queueName = deps.distribution.queueName(deps.task);
  if (dispatchedBefore === 0) {
    deps.logger.log(`Dispatched ${plural(dispatched, 'batch', 'batches')} of ${deps.context.name} to ${queueName}`);
  } else if (dispatched > dispatchedBefore) {
    deps.logger.log(`Dispatched the remaining ${plural(dispatched - dispatchedBefore, 'batch', 'batches')} of ${deps.context.name} to ${queueName} (${dispatched} in all)`);
  }
}

/** A batch failed for good fails the run: the first one, with its error. */
function failOnFailedBatch(summary: BatchSummary): void {
  if (summary.failed > 0) {
    throw new BatchFailedError(summary.firstFailedBatch, summary.total, summary.firstError);
  }
}

/** Follows the batches until all are completed, one fails for good, or the run is stopped. */
async function follow(deps: DispatchDeps, follower: BatchFollower): Promise<DistributedEnd> {
  for (;;) {
    const summary = await follower.observe();
    failOnFailedBatch(summary);
    if (summary.completed === summary.total) {
      return { status: 'completed' };
    }
    const stop = await interruption(deps);
    if (stop) {
      return stop;
    }
    await follower.check(summary);
    // A batch that settles on any worker wakes the runner at once: the run ends when its last
    // batch does, not up to a polling interval later.
    await follower.bell.wait(POLL_MS, MIN_READ_GAP_MS, deps.signal);
  }
}

/** Shutdown throws; pause and cancel act on the queue (held, or emptied) and end the run; so does a spent budget. */
async function interruption(deps: DispatchDeps): Promise<DistributedEnd | null> {
  if (deps.signal.aborted) {
    throw deps.signal.reason;
  }
  const request = await deps.store.readControl(deps.runId);
  if (request?.control === 'pause' || budgetSpent(deps.deadline)) {
    await deps.distribution.pauseQueue(deps.task);
    return { status: 'paused', reason: stopReasons.queueHeld(request?.control === 'pause' ? request : null, deps.budget) };
  }
  if (request?.control === 'cancel') {
    await deps.distribution.removeQueuedBatches(deps.task);
    return { status: 'cancelled', reason: stopReasons.queueCancelled(request.actor) };
  }
  return null;
}

/** Waits while the queue holds `maxQueued` batches or more that no worker has taken yet, reporting the workers' progress meanwhile. */
async function waitForRoom(deps: DispatchDeps, follower: BatchFollower): Promise<void> {
  for (;;) {
    const queued = await deps.distribution.queuedBatches(deps.task);
    if (queued < deps.distribution.maxQueued || deps.signal.aborted) {
      return;
    }
    if (follower.due()) {
      failOnFailedBatch(await follower.observe());
    }
    await sleep(200, undefined, { signal: deps.signal }).catch(() => undefined);
  }
}
