import { Test, type TestingModule } from '@nestjs/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { AfterPartyTask, type BatchedTask, type KeysetCollection } from '../../lib';
import { AFTER_PARTY_STORE } from '../../lib/config/after-party.constants';
import type { AfterPartyStore, RunUpdate } from '../../lib/interfaces/store.interface';
import { ProgressReporter } from '../../lib/runner/progress-reporter';
import { AfterPartyTester, AfterPartyTestingModule } from '../../lib/testing';

/** What happened, in order: `write <n>` when batch n writes, `saved <cursor>` when a checkpoint is stored. */
const timeline: string[] = [];

function fiveItems(): KeysetCollection<number, number> {
  const items = [1, 2, 3, 4, 5];
  return { page: async (after, limit) => items.filter((item) => after === undefined || item > after).slice(0, limit), cursorOf: (item) => item };
}

// No batch transaction: each checkpoint is its own write, made while the next page is read.
@AfterPartyTask({ version: '20260101000001', batch: { size: 1 } })
class AutocommitBatches implements BatchedTask<number, number> {
  collection(): KeysetCollection<number, number> {
    return fiveItems();
  }
  async processBatch(items: number[]): Promise<void> {
    timeline.push(`write ${items[0]}`);
  }
}

describe('batched tasks without a batch transaction: checkpoints', () => {
  let moduleRef: TestingModule;
  let store: AfterPartyStore;
  let updateRun: AfterPartyStore['updateRun'];

  beforeEach(async () => {
    timeline.length = 0;
    moduleRef = await Test.createTestingModule({ imports: [AfterPartyTestingModule.forRoot()], providers: [AutocommitBatches] }).compile();
    await moduleRef.init();
    store = moduleRef.get(AFTER_PARTY_STORE);
    updateRun = store.updateRun.bind(store);
  });

  afterEach(async () => {
    await moduleRef?.close();
  });

  const checkpointOf = (update: RunUpdate): unknown => (update.checkpoint as { cursor?: unknown } | undefined)?.cursor;

  it('stores each batch checkpoint before the next batch writes, however slow the store is, one write to the record at a time', async () => {
    // Progress saves (the first comes with batch 1) and checkpoints never overlap.
    let inFlight = 0;
    let most = 0;
    jest.spyOn(store, 'updateRun').mockImplementation(async (id, update) => {
      most = Math.max(most, ++inFlight);
      await sleep(30);
      await updateRun(id, update);
      inFlight--;
      if (checkpointOf(update) !== undefined) {
        timeline.push(`saved ${String(checkpointOf(update))}`);
      }
    });
    const record = await moduleRef.get(AfterPartyTester).run(AutocommitBatches);
    expect(record).toMatchObject({ status: 'completed', checkpoint: { cursor: 5, processed: 5, batches: 5 } });
    expect(timeline).toEqual(['write 1', 'saved 1', 'write 2', 'saved 2', 'write 3', 'saved 3', 'write 4', 'saved 4', 'write 5', 'saved 5']);
    expect(store.updateRun).toHaveBeenCalledWith(expect.any(String), { progress: expect.objectContaining({ done: 1 }) });
    expect(most).toBe(1);
  });

  it('fails the task when a checkpoint cannot be stored, before the next batch writes, keeping the last stored cursor', async () => {
    jest.spyOn(store, 'updateRun').mockImplementation(async (id, update) => {
      if (checkpointOf(update) === 2) {
        throw new Error('records table is read-only');
      }
      await updateRun(id, update);
    });
    const record = await moduleRef.get(AfterPartyTester).run(AutocommitBatches);
    expect(record).toMatchObject({ status: 'failed', checkpoint: { cursor: 1, processed: 1, batches: 1 } });
    expect(record.error).toContain('records table is read-only');
    // Batch 2 was written, its checkpoint was not: batch 3 never started.
    expect(timeline).toEqual(['write 1', 'write 2']);
  });
});

describe('writes to a running record: one at a time', () => {
  it('holds a checkpoint back until the progress save under way is done, and the next save until the checkpoint is', async () => {
    const writes: string[] = [];
    let inFlight = 0;
    let most = 0;
    const store = {
      updateRun: async (_id: string, update: RunUpdate) => {
        most = Math.max(most, ++inFlight);
        await sleep(20);
        writes.push(update.checkpoint ? 'checkpoint' : 'progress');
        inFlight--;
      },
    } as unknown as AfterPartyStore;
    const events = { emit: async () => undefined } as unknown as ConstructorParameters<typeof ProgressReporter>[2];
    const progress = new ProgressReporter({ version: '20260101000001', name: 'items', runId: 'run-1' } as never, store, events, { log() {}, warn() {} } as never, false);

    progress.setState('throttled', 'replica lag'); // saved at once
    const checkpoint = progress.saveCheckpoint({ cursor: 1 });
    progress.setState('running'); // saved at once too
    await checkpoint;
    await progress.finish();
    expect(writes).toEqual(['progress', 'checkpoint', 'progress']);
    expect(most).toBe(1);
  });
});
