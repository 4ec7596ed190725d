import type { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeCursor, encodeCursor } from '../batch/cursor-codec';
import { refuseUnorderedKeys } from '../batch/key-order';
import { BatchFailedError } from '../errors/batch-failed.error';
import type { BatchLoopEnd } from '../batch/batch-loop';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import { plural } from '../format/text.format';
import { recordableError } from '../records/recordable-error';
import type { BatchedTask, KeysetCollection } from '../interfaces/batched-task.interface';
import type { AfterPartyStore, BatchLedgerCapability, BatchSummary, DistributedBatch } from '../interfaces/store.interface';
import type { TaskContext } from '../interfaces/task-context.interface';
import type { ProgressReporter } from '../runner/progress-reporter';
import type { DistributionService } from './distribution.service';
import { batchJobId, type BatchJobData } from './batch-job';

/** How often the waiting runner reads the batches' progress when no batch settles. */
const POLL_MS = 1000;
/** The least time between two reads of the batches' progress, however fast batches settle. */
const MIN_READ_GAP_MS = 50;
/** After this long without a batch settling, the runner checks the unsettled batches' jobs. */
const RECONCILE_MS = 10_000;
/** After this long with queued batches and no worker, the runner says so (once). */
const NO_WORKER_WARNING_MS = 30_000;

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
  };
}

/** How a distributed run ended when it did not throw: `detached` left the batches to the workers. */
export type DistributedEnd = BatchLoopEnd | { status: 'detached'; reason: string };

/** What the dispatcher needs from the run around it. */
export interface DispatchDeps {
  task: RegisteredTask;
  context: TaskContext;
  signal: AbortSignal;
  runId: string;
  store: AfterPartyStore;
  progress: ProgressReporter;
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
 * first batch that failed after its retries.
 */
export async function runDistributed(deps: DispatchDeps): Promise<DistributedEnd> {
  const { task, store, distribution, progress, logger } = deps;
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
  const dispatchedBefore = state.dispatched;
  if (deps.resumeFrom?.distribution) {
    await repair(deps, queue, ledger, state.id);
  } else {
    await ledger.clear(task.version);
  }
  // A run that goes on with a distribution starts from the items of its completed batches.
  const earlier = deps.resumeFrom?.distribution ? await ledger.list(task.version, state.id) : [];
  const itemsOf = (batches: DistributedBatch[]): number => batches.reduce((sum, batch) => sum + batch.items, 0);
  const doneBefore = itemsOf(earlier.filter((batch) => batch.status === 'completed'));
  // The items of the batches already dispatched plus those left after the dispatch cursor.
  const total = collection.count
    ? itemsOf(earlier) + (await collection.count(state.cursor === null ? undefined : decodeCursor(collection, state.cursor)))
    : null;
  if (earlier.length > 0) {
    progress.resumeAt(doneBefore, undefined, total);
  } else if (total !== null) {
    progress.setTotal(total);
  }
  // In turn with the progress saves: one writer at a time on the run's record.
  const checkpoint = (): Promise<void> => progress.saveCheckpoint({ distribution: state } satisfies DistributionCheckpoint);
  await checkpoint();

  while (!state.done) {
    const stop = await interruption(deps, queue);
    if (stop) {
      return stop;
    }
    await waitForRoom(deps, queue);
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
    const batch: DistributedBatch = {
      version: task.version,
      distributionId: state.id,
      batchNo: state.dispatched + 1,
      status: 'queued',
      after: state.cursor,
      last: encoded[encoded.length - 1],
      items: keys.length,
      attempts: 0,
      error: null,
      worker: null,
      updatedAt: new Date().toISOString(),
    };
    // Ledger row, then job, then checkpoint: a runner dying between any two leaves nothing
    // that the next run does not repair (the row and the job id are per batch number).
    await ledger.add(batch);
    await enqueue(deps, queue, batch);
    state.cursor = batch.last;
    state.dispatched = batch.batchNo;
    state.done = keys.length < task.batch!.size;
    await checkpoint();
  }
  const dispatchedHere = state.dispatched - dispatchedBefore;
  if (dispatchedBefore === 0) {
    logger.log(`Dispatched ${plural(state.dispatched, 'batch', 'batches')} of ${deps.context.name} to ${distribution.queueName(task)}`);
  } else if (dispatchedHere > 0) {
    logger.log(`Dispatched the remaining ${plural(dispatchedHere, 'batch', 'batches')} of ${deps.context.name} to ${distribution.queueName(task)} (${state.dispatched} in all)`);
  }
  if (!deps.wait) {
    // Tells the next run that nobody died here: the batches were left to the workers on purpose.
    state.detached = true;
    await checkpoint();
    return { status: 'detached', reason: `Left ${plural(state.dispatched, 'batch', 'batches')} to the workers (--no-wait); the next after-party:run follows them to the end` };
  }
  return follow(deps, queue, ledger, state.id, doneBefore);
}

/** Follows the batches until all are completed, one fails for good, or the run is stopped. */
async function follow(deps: DispatchDeps, queue: Queue, ledger: BatchLedgerCapability, distributionId: string, doneBefore: number): Promise<DistributedEnd> {
  const started = Date.now();
  let warned = false;
  // The items already counted in the progress (-1: none yet, so the first summary is reported).
  let done = doneBefore > 0 ? doneBefore : -1;
  let settled = -1;
  let lastSettled = Date.now();
  let lastReconciled = Date.now();
  // A batch that settles on any worker wakes the runner at once: the run ends when its last
  // batch does, not up to a polling interval later.
  const bell = new Bell();
  const stopWatching = deps.distribution.watchSettled(deps.task, bell.ring);
  try {
    for (;;) {
      const end = await followOnce();
      if (end) {
        return end;
      }
      await bell.wait(POLL_MS, MIN_READ_GAP_MS, deps.signal);
    }
  } finally {
    await stopWatching();
  }

  async function followOnce(): Promise<DistributedEnd | null> {
    const summary = await ledger.summary(deps.task.version, distributionId);
    report(deps, summary, started, done);
    done = summary.itemsDone;
    if (summary.failed > 0) {
      throw new BatchFailedError(summary.firstFailedBatch, summary.total, summary.firstError);
    }
    if (summary.completed === summary.total) {
      return { status: 'completed' };
    }
    const stop = await interruption(deps, queue);
    if (stop) {
      return stop;
    }
    if (summary.completed !== settled) {
      settled = summary.completed;
      lastSettled = Date.now();
      warned = false;
    } else if (Date.now() - Math.max(lastSettled, lastReconciled) >= RECONCILE_MS) {
      lastReconciled = Date.now();
      await reconcile(deps, queue, ledger, distributionId);
    }
    // Once per stall: at the start (no worker yet), or when every worker went away mid-run.
    if (!warned && Date.now() - lastSettled > NO_WORKER_WARNING_MS && (await queue.getWorkers()).length === 0) {
      warned = true;
      deps.logger.warn(
        `No batch of ${deps.context.name} has settled for ${NO_WORKER_WARNING_MS / 1000} s and no worker is connected: start app processes with distribution.workers set (or AFTER_PARTY_WORKERS=1).`,
      );
    }
    return null;
  }
}

/** Wakes a waiting loop early when rung; a ring while nobody waits is kept for the next wait. */
class Bell {
  private rung = false;
  private wake: (() => void) | null = null;
  private lastWait = 0;

  readonly ring = (): void => {
    this.rung = true;
    this.wake?.();
  };

  /** Resolves when rung (but not sooner than `minGapMs` after the last wait ended), after `timeoutMs`, or on abort. */
  async wait(timeoutMs: number, minGapMs: number, signal: AbortSignal): Promise<void> {
    const gap = this.lastWait + minGapMs - Date.now();
    if (gap > 0) {
      await sleep(gap, undefined, { signal }).catch(() => undefined);
    }
    if (!this.rung && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.wake = null;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
    this.rung = false;
    this.lastWait = Date.now();
  }
}

/** Shutdown throws; pause and cancel act on the queue (held, or emptied) and end the run; so does a spent budget. */
async function interruption(deps: DispatchDeps, queue: Queue): Promise<DistributedEnd | null> {
  if (deps.signal.aborted) {
    throw deps.signal.reason;
  }
  const control = await deps.store.readControl(deps.runId);
  if (control === 'pause' || (deps.deadline !== null && Date.now() >= deps.deadline)) {
    await queue.pause();
    const why = control === 'pause' ? 'Paused by after-party:pause' : `Time budget spent (--max-duration ${deps.budget})`;
    return { status: 'paused', reason: `${why}: queued batches are held, running ones finish; after-party:run resumes it` };
  }
  if (control === 'cancel') {
    await queue.drain(true);
    return { status: 'cancelled', reason: 'Cancelled by after-party:cancel: queued batches were removed, running ones finish' };
  }
  return null;
}

/** Progress across the workers: items, rate, batches and how many workers. */
function report(deps: DispatchDeps, summary: BatchSummary, started: number, previous: number): void {
  if (summary.itemsDone !== previous) {
    deps.progress.advance(summary.itemsDone - Math.max(previous, 0));
  }
  deps.progress.setMessage(
    `(batches ${summary.completed}/${summary.total}${summary.failed ? `, ${summary.failed} failed` : ''}, done by ${plural(summary.workers, 'worker')}, ${Math.round((Date.now() - started) / 1000)} s in)`,
  );
}

/** Waits while the queue holds `maxQueued` batches or more that no worker has taken yet. */
async function waitForRoom(deps: DispatchDeps, queue: Queue): Promise<void> {
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'delayed', 'prioritized');
    const queued = Object.values(counts).reduce((sum, count) => sum + count, 0);
    if (queued < deps.distribution.maxQueued || deps.signal.aborted) {
      return;
    }
    await sleep(200, undefined, { signal: deps.signal }).catch(() => undefined);
  }
}

/**
 * Repairs an earlier run's distribution: failed batches are queued again, a paused queue is
 * resumed, and every queued batch whose job is gone (a runner died between ledger and queue,
 * or Redis lost its data) or failed gets its job back.
 */
async function repair(deps: DispatchDeps, queue: Queue, ledger: BatchLedgerCapability, distributionId: string): Promise<void> {
  const retried = await ledger.requeue(deps.task.version, distributionId);
  if (await queue.isPaused()) {
    await queue.resume();
  }
  let failedJobsRetried = 0;
  const requeued = await requeueLostJobs(deps, queue, ledger, distributionId, async (_, job) => {
    await job.retry('failed');
    failedJobsRetried += 1;
  });
  const restored = failedJobsRetried + requeued;
  if (retried + restored > 0) {
    deps.logger.log(`Repaired the distribution of ${deps.context.name}: ${plural(retried, 'failed batch', 'failed batches')} retried, ${plural(restored, 'job')} queued again`);
  }
}

/**
 * While following, when no batch has settled for a while: a batch whose job failed for good
 * although its failure is not recorded (its worker could not write it) is recorded failed now,
 * which fails the run with its error; a batch whose job is gone (Redis lost it) is queued again.
 * Without this the runner would wait for them forever.
 */
async function reconcile(deps: DispatchDeps, queue: Queue, ledger: BatchLedgerCapability, distributionId: string): Promise<void> {
  const requeued = await requeueLostJobs(deps, queue, ledger, distributionId, async (batch, job) => {
    if (job.attemptsMade >= (job.opts.attempts ?? 1)) {
      await ledger.fail(deps.task.version, distributionId, batch.batchNo, recordableError(job.failedReason || 'the job failed in BullMQ'), job.attemptsMade);
    }
  });
  if (requeued > 0) {
    deps.logger.warn(`${plural(requeued, 'batch', 'batches')} of ${deps.context.name} had no job in Redis any more: queued again`);
  }
}

/**
 * Goes through the distribution's queued batches against the queue: a batch whose job is gone
 * gets a new one (a job that completed is removed too, but only after its batch was recorded
 * completed, and one queued again after that is skipped by its worker); a batch whose job
 * failed is handed to `onFailed`. Returns how many jobs were queued again.
 */
async function requeueLostJobs(
  deps: DispatchDeps,
  queue: Queue,
  ledger: BatchLedgerCapability,
  distributionId: string,
  onFailed: (batch: DistributedBatch, job: Job) => Promise<void>,
): Promise<number> {
  let requeued = 0;
  for (const batch of await ledger.list(deps.task.version, distributionId, ['queued'])) {
    const job: Job | undefined = await queue.getJob(batchJobId(batch));
    if (!job) {
      await enqueue(deps, queue, batch);
      requeued += 1;
    } else if (await job.isFailed()) {
      await onFailed(batch, job);
    }
  }
  return requeued;
}

async function enqueue(deps: DispatchDeps, queue: Queue, batch: DistributedBatch): Promise<void> {
  const data: BatchJobData = { version: batch.version, distributionId: batch.distributionId, batchNo: batch.batchNo, after: batch.after, last: batch.last, runId: deps.runId };
  await queue.add(deps.task.name, data, {
    jobId: batchJobId(batch),
    attempts: deps.distribution.attempts(deps.task),
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: false,
  });
}

