import type { Logger } from '@nestjs/common';
import { setImmediate } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResolvedBatchOptions } from '../discovery/registered-task.interface';
import type { BatchContext, BatchedTask, KeysetCollection, ThrottleDecision } from '../interfaces/batched-task.interface';
import type { ControlRequest } from '../interfaces/run-record.interface';
import type { AfterPartyStore, StoreTransaction } from '../interfaces/store.interface';
import type { TaskContext } from '../interfaces/task-context.interface';
import { SAVE_INTERVAL_MS, type ProgressSink } from '../ports/progress-sink.interface';
import type { RunRecordWriter } from '../ports/run-record-writer.interface';
import { TaskInterruption } from '../errors/task-interruption.error';
import { budgetSpent, stopReasons } from '../records/stop-reasons';
import { decodeCursor, encodeCursor } from './cursor-codec';
import { refuseUnorderedKeys } from './key-order';

/** How often, at most, the loop asks the records whether an operator paused or cancelled the run. */
const CONTROL_POLL_MS = 1000;
/** First wait after a throttle check says to back off; it doubles up to `maxBackoff`. */
const FIRST_BACKOFF_MS = 1000;

/** Where a batched task stands, saved as its run's checkpoint after every committed batch. */
export interface BatchCheckpoint {
  /** The key of the last item of the last committed batch (as JSON). */
  cursor: unknown;
  /** Items processed over the whole task, resumed runs included. */
  processed: number;
  /** Batches committed over the whole task. */
  batches: number;
}

/** How a batched task's loop ended when it did not throw. */
export type BatchLoopEnd = { status: 'completed' } | { status: 'paused' | 'cancelled'; reason: string };

/** Everything the loop needs from the run around it. */
export interface BatchLoopDeps {
  task: BatchedTask;
  options: ResolvedBatchOptions;
  context: TaskContext;
  signal: AbortSignal;
  runId: string;
  store: AfterPartyStore;
  progress: ProgressSink;
  /** Writes the checkpoint of a batch without a transaction, in turn with the progress saves. */
  records: RunRecordWriter;
  logger: Logger;
  /** The checkpoint of the run this one resumes, if any. */
  resumeFrom: BatchCheckpoint | undefined;
  /** Epoch ms after which no new batch starts (`--max-duration`), or null. */
  deadline: number | null;
  /** What `--max-duration` said, for the pause reason. */
  budget: string | null;
  /** Told of each batch transaction while it is open (null once it ended), so an abandoned one can be closed. */
  onTransaction(transaction: StoreTransaction | null): void;
  /** The app's throttle check (module option), asked after the task's own. */
  appThrottle?: (task: { version: string; name: string }) => ThrottleDecision | Promise<ThrottleDecision>;
}

/**
 * The runner's loop over a batched task: fetch a keyset page, process it (in its own transaction
 * with its checkpoint when asked), checkpoint the cursor, report progress, and between batches
 * honour shutdown, pause and cancel requests, the time budget, throttling and the pause option.
 * The author writes none of it.
 */
export async function runBatches(deps: BatchLoopDeps): Promise<BatchLoopEnd> {
  const collection: KeysetCollection<unknown, unknown> = await deps.task.collection(deps.context);
  // A key that cannot keep the keyset contract is refused before anything is processed.
  await collection.verify?.();
  return new BatchLoop(deps, collection, await startPosition(deps, collection)).run();
}

/** Where the loop stands: the cursor after the last committed batch, and what was done up to it. */
interface Position {
  cursor: unknown;
  processed: number;
  batches: number;
}

/** Where a run starts (its checkpoint's place, or the beginning), with the progress's total set. */
async function startPosition(deps: BatchLoopDeps, collection: KeysetCollection<unknown, unknown>): Promise<Position> {
  const from = deps.resumeFrom;
  const processed = from?.processed ?? 0;
  const cursor = from ? decodeCursor(collection, from.cursor) : undefined;
  // What earlier runs did plus what is left after the cursor: right whether or not the
  // collection shrinks as it is processed.
  const total = collection.count ? processed + (await collection.count(cursor)) : null;
  if (from) {
    deps.progress.resumeAt(processed, from.cursor, total);
  } else if (total !== null) {
    deps.progress.setTotal(total);
  }
  deps.progress.startBatches();
  return { cursor, processed, batches: from?.batches ?? 0 };
}

/** One run of the loop: each step stops it, or reads, processes and checkpoints one batch. */
class BatchLoop {
  private readonly control: () => Promise<ControlRequest | null>;
  private readonly turn = eventLoopTurns();
  /**
   * Without a batch transaction, a batch's checkpoint is written while the next page is read, and
   * always saved before the next batch writes anything: at most one batch is ever redone. Settles
   * with the save's failure, if any.
   */
  private saving: Promise<unknown> | null = null;

  constructor(
    private readonly deps: BatchLoopDeps,
    private readonly collection: KeysetCollection<unknown, unknown>,
    private position: Position,
  ) {
    this.control = controlPoller(deps.store, deps.runId);
  }

  async run(): Promise<BatchLoopEnd> {
    try {
      for (;;) {
        const end = await this.step();
        if (end) {
          await this.saved();
          return end;
        }
      }
    } finally {
      // A loop left by an error still lets its last checkpoint land before the run is recorded.
      await this.saving;
    }
  }

  /** Stops between batches, or runs the next batch; resolves how the loop ended, or null to go on. */
  private async step(): Promise<BatchLoopEnd | null> {
    await this.turn();
    const stop = await betweenBatches(this.deps, this.control);
    if (stop) {
      return stop;
    }
    // Where the pool has room, a batch's transaction opens while its page is read: one round
    // trip less per batch on a server. The page is the same: a transaction takes its snapshot
    // at its first statement, not when it opens.
    const { options, store, onTransaction } = this.deps;
    const alongside = options.transaction && store.capabilities.transactions?.canOpenWhileReading?.() === true;
    const opening = alongside ? openTransaction(store, onTransaction) : null;
    const read = await this.read(opening);
    if (read === null) {
      return { status: 'completed' };
    }
    const next: BatchCheckpoint = { cursor: read.lastKey, processed: this.position.processed + read.items.length, batches: this.position.batches + 1 };
    await this.process(read.items, next, opening);
    this.position = { cursor: decodeCursor(this.collection, next.cursor), processed: next.processed, batches: next.batches };
    this.deps.progress.batchDone(read.items.length, next.cursor);
    if (!read.more) {
      return { status: 'completed' };
    }
    await this.pauseOption();
    return null;
  }

  /** The next batch, or null when nothing is left; a transaction opened for it is rolled back when it will not run. */
  private async read(opening: Opening | null): Promise<ReadBatch | null> {
    let read: ReadBatch | null;
    try {
      read = await readBatch(this.collection, this.position.cursor, this.deps.options.size, this.deps.context.name);
    } catch (error) {
      await abandon(opening, this.deps.onTransaction);
      throw error;
    }
    if (read === null) {
      await abandon(opening, this.deps.onTransaction);
    }
    return read;
  }

  /** Processes a batch: with its checkpoint in one transaction, or with the checkpoint saved after it. */
  private async process(items: unknown[], next: BatchCheckpoint, opening: Opening | null): Promise<void> {
    const { task, context, store, runId, onTransaction } = this.deps;
    const after = this.position.cursor;
    const batchContext = (manager: unknown): BatchContext => ({ ...context, manager, batch: { number: next.batches, after } });
    if (this.deps.options.transaction) {
      await inTransaction(opening ?? openTransaction(store, onTransaction), onTransaction, async (transaction) => {
        await task.processBatch(items, batchContext(transaction.manager));
        // The checkpoint commits with the batch, and only over this runner's own running record.
        if (!(await transaction.updateRun(runId, { checkpoint: next }))) {
          throw new TaskInterruption('Another runner took this run over; the batch was rolled back', 'interrupted');
        }
      });
      return;
    }
    await this.saved();
    await task.processBatch(items, batchContext(undefined));
    this.saving = this.deps.records.saveCheckpoint(next).then(
      () => undefined,
      (error: unknown) => error ?? new Error('The checkpoint could not be saved'),
    );
  }

  /** Waits for the checkpoint save under way, and throws its failure. */
  private async saved(): Promise<void> {
    const pending = this.saving;
    if (pending === null) {
      return;
    }
    this.saving = null;
    const failure = await pending;
    if (failure !== undefined) {
      throw failure;
    }
  }

  /** The task's `pause` option between batches, cut short by a stop. */
  private async pauseOption(): Promise<void> {
    const { options, signal } = this.deps;
    if (options.pause > 0 && !signal.aborted) {
      await sleep(options.pause, undefined, { signal }).catch(() => undefined);
    }
  }
}

/**
 * What happens between two batches: a shutdown or lost lock throws; an operator's pause or
 * cancel, or a spent time budget, ends the loop; a throttle check that says to back off waits
 * (doubling) and asks again, still honouring all of the above.
 */
async function betweenBatches(deps: BatchLoopDeps, control: () => Promise<ControlRequest | null>): Promise<BatchLoopEnd | null> {
  let wait = FIRST_BACKOFF_MS;
  let throttled = false;
  for (;;) {
    if (deps.signal.aborted) {
      throw deps.signal.reason;
    }
    const stop = stopOf(await control(), deps);
    if (stop) {
      return stop;
    }
    const because = await throttleReason(deps);
    if (because === null) {
      if (throttled) {
        deps.logger.log('Throttle cleared: going on');
        deps.progress.setState('running');
      }
      return null;
    }
    if (!throttled) {
      deps.logger.warn(`Throttled (${because}): backing off, checking again in ${wait} ms`);
      deps.progress.setState('throttled', because);
      throttled = true;
    }
    await backOff(wait, deps);
    wait = Math.min(wait * 2, deps.options.maxBackoff);
  }
}

/** The end an operator's request or a spent time budget makes of the loop, or null to go on. */
function stopOf(requested: ControlRequest | null, deps: BatchLoopDeps): BatchLoopEnd | null {
  if (requested?.control === 'pause') {
    return { status: 'paused', reason: stopReasons.pausedAfterBatch(requested.actor) };
  }
  if (requested?.control === 'cancel') {
    return { status: 'cancelled', reason: stopReasons.cancelledAfterBatch(requested.actor) };
  }
  if (budgetSpent(deps.deadline)) {
    return { status: 'paused', reason: stopReasons.budgetSpent(deps.budget) };
  }
  return null;
}

/**
 * Waits `ms` (less if the run is stopped), telling the progress every {@link SAVE_INTERVAL_MS}
 * that the runner is still there, so a long back-off does not look like a runner gone.
 */
async function backOff(ms: number, deps: BatchLoopDeps): Promise<void> {
  for (let left = ms; left > 0 && !deps.signal.aborted; left -= SAVE_INTERVAL_MS) {
    await sleep(Math.min(left, SAVE_INTERVAL_MS), undefined, { signal: deps.signal }).catch(() => undefined);
    deps.progress.stillThrottled();
  }
}

/** Why the task's or the app's throttle check says to back off, or null to go on. */
async function throttleReason(deps: BatchLoopDeps): Promise<string | null> {
  if (!deps.task.throttle && !deps.appThrottle) {
    return null;
  }
  const subject = { version: deps.context.version, name: deps.context.name };
  for (const check of [() => deps.task.throttle?.(deps.context), () => deps.appThrottle?.(subject)]) {
    const decision = await check();
    if (decision === true || (typeof decision === 'string' && decision !== '')) {
      return decision === true ? 'a throttle check said so' : decision;
    }
  }
  return null;
}

/**
 * Gives the event loop a turn between batches when the batch did not. A synchronous driver
 * (better-sqlite3) answers every query without I/O, so a whole task would otherwise run in one
 * turn: no SIGTERM handler, task timeout or lock heartbeat could run until it ended. Where the
 * batch waited for I/O (a server), the loop has turned already and this costs nothing.
 */
function eventLoopTurns(): () => Promise<void> {
  let turned = true;
  const mark = (): void => {
    turned = true;
  };
  // `setImmediate` from node:timers, not the global one that test runners' fake timers replace.
  return async () => {
    if (!turned) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    turned = false;
    setImmediate(mark);
  };
}

/** Reads the run's control at most once per {@link CONTROL_POLL_MS}. */
function controlPoller(store: AfterPartyStore, runId: string): () => Promise<ControlRequest | null> {
  let last = 0;
  return async () => {
    if (Date.now() - last < CONTROL_POLL_MS) {
      return null;
    }
    last = Date.now();
    return store.readControl(runId);
  };
}

/** One batch as read: its items, the key of its last item (encoded), and whether items follow it. */
interface ReadBatch {
  items: unknown[];
  lastKey: unknown;
  more: boolean;
}

/**
 * Reads the batch after `cursor`, or null when nothing is left. One item more than a batch is
 * read: its key shows whether the batch's last key repeats beyond it. Every key must rise.
 */
async function readBatch(collection: KeysetCollection<unknown, unknown>, cursor: unknown, size: number, task: string): Promise<ReadBatch | null> {
  const page = await collection.page(cursor, size + 1);
  if (page.length === 0) {
    return null;
  }
  const keys = page.map((item) => encodeCursor(collection, collection.cursorOf(item)));
  refuseUnorderedKeys(task, cursor === undefined ? undefined : encodeCursor(collection, cursor), keys);
  // The item past the batch only shows whether the batch's last key repeats: it is the next batch's.
  const more = page.length > size;
  const items = more ? page.slice(0, size) : page;
  return { items, lastKey: keys[items.length - 1], more };
}

/** A transaction being opened, settled either way so that a failure waits until it is looked at. */
type Opening = Promise<{ transaction: StoreTransaction } | { error: unknown }>;

function openTransaction(store: AfterPartyStore, track: (transaction: StoreTransaction | null) => void): Opening {
  const transactions = store.capabilities.transactions as NonNullable<AfterPartyStore['capabilities']['transactions']>;
  return transactions.begin().then(
    (transaction) => {
      track(transaction);
      return { transaction };
    },
    (error: unknown) => ({ error }),
  );
}

/**
 * Rolls back a transaction opened for a batch that will not run. Nothing was written in it, so
 * a rollback that fails changes nothing and does not hide why the batch did not run.
 */
async function abandon(opening: Opening | null, track: (transaction: StoreTransaction | null) => void): Promise<void> {
  const opened = await opening;
  if (opened && 'transaction' in opened) {
    await opened.transaction.rollback().catch(() => undefined);
    track(null);
  }
}

async function inTransaction(
  opening: Opening,
  track: (transaction: StoreTransaction | null) => void,
  work: (transaction: StoreTransaction) => Promise<void>,
): Promise<void> {
  const opened = await opening;
  if ('error' in opened) {
    throw opened.error;
  }
  const { transaction } = opened;
  try {
    await work(transaction);
    await transaction.commit();
  } catch (error) {
    await transaction.rollback().catch(() => undefined);
    throw error;
  } finally {
    track(null);
  }
}
