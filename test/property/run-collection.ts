import { runBatches, type BatchCheckpoint } from '../../lib/batch/batch-loop';
import { decodeCursor, encodeCursor } from '../../lib/batch/cursor-codec';
import { refuseUnorderedKeys } from '../../lib/batch/key-order';
import { AfterPartyError } from '../../lib/errors/after-party.error';
import type { BatchContext, BatchedTask, KeysetCollection } from '../../lib/interfaces/batched-task.interface';
import type { AfterPartyStore } from '../../lib/interfaces/store.interface';
import { batchLoopDeps } from '../support/batch-loop-deps';

/** How a run through the batch loop ended. */
export type Outcome =
  | { status: 'completed'; processed: number[] }
  | { status: 'refused'; processed: number[]; error: string }
  | { status: 'crashed'; processed: number[]; error: string };

export interface RunPlan<T> {
  /** A fresh collection, as the task's `collection()` makes one for every run (a resumed one too). */
  collection: () => KeysetCollection<T, unknown>;
  /** The row identity of an item. */
  ridOf: (item: T) => number;
  size: number;
  /** Batch numbers after which the run is stopped and resumed from its checkpoint, through JSON. */
  pauseAfter: readonly number[];
  /** Called after each batch was processed (its items recorded): where rows are deleted and inserted. */
  afterBatch: (batch: number, items: T[], processed: readonly number[]) => Promise<void>;
}

/** The most runs a case resumes: every pause is a run of its own. */
const MAX_RUNS = 200;

/**
 * Runs a collection through the runner's real batch loop (`runBatches`): `verify()` first, pages
 * of size + 1, the key order checks, the checkpoint after every batch. At each planned pause the
 * loop is stopped (its time budget spent) and a new run resumes from the checkpoint it saved,
 * read back from JSON as a store gives it.
 */
export async function runThroughBatchLoop<T>(plan: RunPlan<T>): Promise<Outcome> {
  const processed: number[] = [];
  let checkpoint: BatchCheckpoint | undefined;
  const store = {
    capabilities: {},
    readControl: async () => null,
    updateRun: async (_id: string, update: { checkpoint?: unknown }) => {
      if (update.checkpoint !== undefined) {
        checkpoint = JSON.parse(JSON.stringify(update.checkpoint)) as BatchCheckpoint;
      }
    },
  } as unknown as AfterPartyStore;
  try {
    for (let run = 0; run < MAX_RUNS; run++) {
      const resumeFrom = checkpoint;
      const deps = batchLoopDeps({
        task: undefined as unknown as BatchedTask,
        store,
        resumeFrom,
      });
      const task: BatchedTask<T, unknown> = {
        collection: () => plan.collection(),
        processBatch: async (items: T[], ctx: BatchContext) => {
          processed.push(...items.map(plan.ridOf));
          await plan.afterBatch(ctx.batch.number, items, processed);
          if (plan.pauseAfter.includes(ctx.batch.number)) {
            // The loop checks its deadline before the next batch: it stops there, as `--max-duration` does.
            deps.deadline = 0;
          }
        },
      };
      deps.task = task;
      deps.options = {
        size: plan.size,
        transaction: false,
        pause: 0,
        maxBackoff: 1000,
        distribute: null,
      };
      const end = await runBatches(deps);
      if (end.status === 'completed') {
        return { status: 'completed', processed };
      }
    }
    return {
      status: 'crashed',
      processed,
      error: `still not completed after ${MAX_RUNS} runs`,
    };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return error instanceof AfterPartyError ? { status: 'refused', processed, error: message } : { status: 'crashed', processed, error: message };
  }
}

/** How the cases judged so far ended: the suite logs it, so that a property that only ever sees refusals shows. */
export const tally = {
  completed: 0,
  empty: 0,
  refusedRequired: 0,
  refusedAllowed: 0,
  crashed: 0,
};

/**
 * Runs a collection as a distributed task does (lib/distribution/dispatch.ts and the batch
 * workers): `verify()`, then the dispatcher pages the keys only (`keys()`, checked in order) and
 * cuts batches (after, last), each stored as JSON; the workers then read each batch with
 * `range(after, last)`, in `order` (a permutation seed: workers take batches in any order).
 */
export async function runThroughDispatch<T>(plan: Pick<RunPlan<T>, 'collection' | 'ridOf' | 'size'> & { order: number }): Promise<Outcome> {
  const processed: number[] = [];
  try {
    const collection = plan.collection();
    await collection.verify?.();
    const batches: Array<{ after: unknown; last: unknown }> = [];
    let cursor: unknown = null;
    for (;;) {
      const keys = collection.keys
        ? await collection.keys(cursor === null ? undefined : decodeCursor(collection, cursor), plan.size)
        : (await collection.page(cursor === null ? undefined : decodeCursor(collection, cursor), plan.size)).map((item) => collection.cursorOf(item));
      if (keys.length === 0) {
        break;
      }
      const encoded = keys.map((key) => encodeCursor(collection, key));
      refuseUnorderedKeys('items', cursor, encoded);
      batches.push(JSON.parse(JSON.stringify({ after: cursor, last: encoded[encoded.length - 1] })) as { after: unknown; last: unknown });
      cursor = batches[batches.length - 1].last;
      if (keys.length < plan.size) {
        break;
      }
      if (batches.length > 500) {
        return { status: 'crashed', processed, error: 'the dispatcher did not end after 500 batches' };
      }
    }
    // A worker's own collection, as a worker process makes it.
    const worker = plan.collection();
    const order = batches.map((_, index) => index).sort((a, b) => ((a * 7919 + plan.order) % 101) - ((b * 7919 + plan.order) % 101) || a - b);
    for (const index of order) {
      const { after, last } = batches[index];
      const items = await worker.range!(after === null ? undefined : decodeCursor(worker, after), decodeCursor(worker, last));
      processed.push(...items.map(plan.ridOf));
    }
    return { status: 'completed', processed };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return error instanceof AfterPartyError ? { status: 'refused', processed, error: message } : { status: 'crashed', processed, error: message };
  }
}

/** What the data of a case says about refusal, worked out by the database itself. */
export interface Expectation {
  /** The unpaged query's rows have a NULL (missing) key, keys equal under the database's comparison, or keys of mixed types. */
  refusalRequired: boolean;
  /** Only rows outside the query have such keys: a helper that checks the whole table may refuse. */
  refusalAllowed: boolean;
  /** Why, for the failure message. */
  why: string;
}

/** What happened to the rows while the run went on. */
export interface Changes {
  /** Rows of the starting set deleted before they were processed. */
  deletedUnprocessed: Set<number>;
  /** Inserted rows whose key is after the cursor of the moment (database order), that the query returns at the end. */
  insertedAhead: Set<number>;
  /** Inserted rows whose key is before the cursor of the moment. */
  insertedBehind: Set<number>;
}

export const noChanges = (): Changes => ({
  deletedUnprocessed: new Set(),
  insertedAhead: new Set(),
  insertedBehind: new Set(),
});

/**
 * The keyset contract for one case: null when kept, else what broke. A completed run processed
 * exactly the starting rows of the unpaged query (less those deleted before their turn, plus
 * any inserted ahead of the cursor), each once; a refusal must be a typed error, and only where
 * the data calls for it.
 */
export function judge(outcome: Outcome, expected: readonly number[], expectation: Expectation, changes: Changes): string | null {
  tally[
    outcome.status === 'refused'
      ? expectation.refusalRequired
        ? 'refusedRequired'
        : 'refusedAllowed'
      : outcome.status === 'completed'
        ? expected.length > 0
          ? 'completed'
          : 'empty'
        : 'crashed'
  ] += 1;
  if (outcome.status === 'crashed') {
    return `the run failed with an error that is not a typed refusal: ${outcome.error}`;
  }
  if (outcome.status === 'refused') {
    return expectation.refusalRequired || expectation.refusalAllowed ? null : `refused data that keeps the contract: ${outcome.error}`;
  }
  const counts = new Map<number, number>();
  for (const rid of outcome.processed) {
    counts.set(rid, (counts.get(rid) ?? 0) + 1);
  }
  const twice = [...counts].filter(([, count]) => count > 1).map(([rid]) => rid);
  const required = expected.filter((rid) => !changes.deletedUnprocessed.has(rid));
  const missing = required.filter((rid) => !counts.has(rid));
  const allowed = new Set([...required, ...changes.insertedAhead]);
  const extra = [...counts.keys()].filter((rid) => !allowed.has(rid));
  const problems: string[] = [];
  if (twice.length > 0) {
    problems.push(`processed twice: rows ${twice.join(', ')}`);
  }
  if (missing.length > 0) {
    problems.push(`skipped: rows ${missing.join(', ')}`);
  }
  if (extra.length > 0) {
    const deleted = extra.filter((rid) => changes.deletedUnprocessed.has(rid));
    const behind = extra.filter((rid) => changes.insertedBehind.has(rid));
    const other = extra.filter((rid) => !deleted.includes(rid) && !behind.includes(rid));
    if (deleted.length > 0) problems.push(`processed rows deleted before their turn: ${deleted.join(', ')}`);
    if (behind.length > 0) problems.push(`processed rows inserted behind the cursor: ${behind.join(', ')}`);
    if (other.length > 0) problems.push(`processed rows the query does not return: ${other.join(', ')}`);
  }
  if (problems.length === 0) {
    return null;
  }
  return `completed with another multiset than the unpaged query (${expected.length} rows${expectation.why ? `; the data: ${expectation.why}` : ''}): ${problems.join('; ')}`;
}

/** A change a case makes after a batch: delete a row not yet processed, or insert one (`Insert` holds its row). */
export type CaseChange<Insert> = { after: number; op: 'delete'; pick: number } | ({ after: number; op: 'insert' } & Insert);

/** One case on one store, as {@link runCase} runs it: what is the store's own, the rest is shared. */
export interface CaseOnStore<T, Insert> {
  /** For failure messages: the key kind and the store. */
  label: string;
  /** The unpaged query's rows at the start. */
  expected: number[];
  expectation: Expectation;
  collection: () => KeysetCollection<T, unknown>;
  ridOf: (item: T) => number;
  size: number;
  pauseAfter: readonly number[];
  changes: ReadonlyArray<CaseChange<Insert>>;
  distributed?: { order: number };
  /** Deletes a row. */
  deleteRow(rid: number): Promise<void>;
  /**
   * Inserts the change's row as `rid` after the batch whose last item is `last`, unless its key
   * would make the data other than it was (a key some row has): whether the database puts it
   * ahead of that cursor or behind it, or null when it was not inserted.
   */
  insertRow(change: Insert, rid: number, last: T): Promise<'ahead' | 'behind' | null>;
  /** The rows the query returns now, without paging. */
  unpaged(): Promise<number[]>;
}

/**
 * Runs one case through the batch loop (or as a distributed task), making its changes between
 * batches, and judges it against the unpaged query: null when the contract held, else what broke.
 */
export async function runCase<T, Insert>(store: CaseOnStore<T, Insert>): Promise<string | null> {
  const changes = noChanges();
  if (store.distributed) {
    const outcome = await runThroughDispatch<T>({ collection: store.collection, ridOf: store.ridOf, size: store.size, order: store.distributed.order });
    const failure = judge(outcome, store.expected, store.expectation, changes);
    return failure === null ? null : `${store.label}, distributed: ${failure}`;
  }
  const ahead = new Set<number>();
  let nextRid = 1000;
  const outcome = await runThroughBatchLoop<T>({
    collection: store.collection,
    ridOf: store.ridOf,
    size: store.size,
    pauseAfter: store.pauseAfter,
    afterBatch: async (batch, items, processed) => {
      for (const change of store.changes.filter((candidate) => candidate.after === batch)) {
        if (change.op === 'delete') {
          const done = new Set(processed);
          const candidates = store.expected.filter((rid) => !done.has(rid) && !changes.deletedUnprocessed.has(rid));
          if (candidates.length > 0) {
            const rid = candidates[change.pick % candidates.length];
            await store.deleteRow(rid);
            changes.deletedUnprocessed.add(rid);
          }
          continue;
        }
        const rid = nextRid;
        const where = await store.insertRow(change as Insert, rid, items[items.length - 1]);
        if (where === null) {
          continue;
        }
        nextRid += 1;
        (where === 'ahead' ? ahead : changes.insertedBehind).add(rid);
      }
    },
  });
  if (ahead.size > 0) {
    // Ahead of the cursor, and returned by the query: such a row may be processed.
    for (const rid of await store.unpaged()) {
      if (ahead.has(rid)) {
        changes.insertedAhead.add(rid);
      }
    }
  }
  const failure = judge(outcome, store.expected, store.expectation, changes);
  return failure === null ? null : `${store.label}: ${failure}`;
}
