import { runBatches } from '../../lib/batch/batch-loop';
import type { BatchedTask, KeysetCollection } from '../../lib/interfaces/batched-task.interface';
import type { AfterPartyStore, StoreTransaction } from '../../lib/interfaces/store.interface';
import { batchLoopDeps } from '../support/batch-loop-deps';

/**
 * The batch loop with `transaction: true` over a store whose pool has room: each batch's
 * transaction opens while its page is read. Whatever ends the loop before the batch runs, the
 * transaction opened for it is rolled back and no longer tracked.
 */
function harness(page: (after: number | undefined, limit: number) => Promise<number[]>) {
  const events: string[] = [];
  let opened = 0;
  const transaction = (): StoreTransaction => {
    const id = ++opened;
    events.push(`begin ${id}`);
    return {
      manager: { id },
      updateRun: async () => {
        events.push(`checkpoint ${id}`);
        return true;
      },
      finishRun: async () => true,
      completeBatch: async () => true,
      commit: async () => void events.push(`commit ${id}`),
      rollback: async () => void events.push(`rollback ${id}`),
    };
  };
  const store = {
    capabilities: { transactions: { begin: async () => transaction(), oneAtATime: false, canOpenWhileReading: () => true } },
    readControl: async () => null,
    updateRun: async () => undefined,
  } as unknown as AfterPartyStore;
  const collection: KeysetCollection<number, number> = { page, cursorOf: (item) => item };
  const task: BatchedTask<number, number> = {
    collection: () => collection,
    processBatch: async (items) => void events.push(`batch ${items.join(',')}`),
  };
  const deps = batchLoopDeps({
    task,
    store,
    options: { size: 2, transaction: true, pause: 0, maxBackoff: 1000, distribute: null },
    onTransaction: (open) => void events.push(open ? 'track' : 'untrack'),
  });
  return { events, run: () => runBatches(deps) };
}

describe('batch loop: a transaction opened while the page is read', () => {
  it('runs a batch and its checkpoint in it, and rolls back the one opened for the empty page after the last', async () => {
    const { events, run } = harness(async (after) => (after === undefined ? [1, 2, 3] : after === 2 ? [3] : []));
    await expect(run()).resolves.toEqual({ status: 'completed' });
    expect(events).toEqual(['begin 1', 'track', 'batch 1,2', 'checkpoint 1', 'commit 1', 'untrack', 'begin 2', 'track', 'batch 3', 'checkpoint 2', 'commit 2', 'untrack']);

    const empty = harness(async () => []);
    await expect(empty.run()).resolves.toEqual({ status: 'completed' });
    expect(empty.events).toEqual(['begin 1', 'track', 'rollback 1', 'untrack']);
  });

  it('rolls back and stops tracking it when the page read fails', async () => {
    const { events, run } = harness(async () => {
      throw new Error('connection reset');
    });
    await expect(run()).rejects.toThrow('connection reset');
    expect(events).toEqual(['begin 1', 'track', 'rollback 1', 'untrack']);
  });

  it('rolls back and stops tracking it when the page repeats a key, before the batch runs', async () => {
    const { events, run } = harness(async () => [1, 1, 2]);
    await expect(run()).rejects.toThrow(/returned the key 1 twice in a row/);
    expect(events).toEqual(['begin 1', 'track', 'rollback 1', 'untrack']);
  });
});
