import { runBatches } from '../../lib/batch/batch-loop';
import type { KeysetCollection } from '../../lib/interfaces/batched-task.interface';
import type { AfterPartyStore } from '../../lib/interfaces/store.interface';
import { batchLoopDeps } from '../support/batch-loop-deps';

/**
 * A synchronous driver (better-sqlite3) answers every query without I/O, so a batch never gives
 * the event loop a turn of its own. The loop must: a SIGTERM, a task timeout and the lock's
 * heartbeat are all timers or signal handlers.
 */
describe('batch loop: a collection and a store that never wait for I/O', () => {
  it('lets timers run between batches, so an abort from a timer stops the loop after the batch in progress', async () => {
    const total = 200_000;
    let processed = 0;
    const collection: KeysetCollection<number, number> = {
      page: async (after, limit) => {
        const first = (after ?? 0) + 1;
        return Array.from({ length: Math.max(0, Math.min(limit, total - first + 1)) }, (_, index) => first + index);
      },
      cursorOf: (item) => item,
    };
    const store = { capabilities: {}, readControl: async () => null, updateRun: async () => undefined } as unknown as AfterPartyStore;
    const controller = new AbortController();
    const stop = new Error('SIGTERM');
    setTimeout(() => controller.abort(stop), 20);

    const loop = runBatches(
      batchLoopDeps({
        task: { collection: () => collection, processBatch: async (items: number[]) => void (processed += items.length) },
        store,
        options: { size: 10, transaction: false, pause: 0, maxBackoff: 1000, distribute: null },
        signal: controller.signal,
      }),
    );

    await expect(loop).rejects.toBe(stop);
    expect(processed).toBeGreaterThan(0);
    expect(processed).toBeLessThan(total);
    expect(processed % 10).toBe(0);
  });

  it('still runs to the end in a spec that fakes timers (jest.useFakeTimers())', async () => {
    jest.useFakeTimers();
    try {
      let processed = 0;
      const collection: KeysetCollection<number, number> = {
        page: async (after, limit) => [1, 2, 3, 4, 5].filter((item) => after === undefined || item > after).slice(0, limit),
        cursorOf: (item) => item,
      };
      const store = { capabilities: {}, readControl: async () => null, updateRun: async () => undefined } as unknown as AfterPartyStore;
      const end = await runBatches(
        batchLoopDeps({ task: { collection: () => collection, processBatch: async (items: number[]) => void (processed += items.length) }, store }),
      );
      expect({ end, processed }).toEqual({ end: { status: 'completed' }, processed: 5 });
    } finally {
      jest.useRealTimers();
    }
  });
});
