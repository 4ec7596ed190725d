import type { AfterPartyStore, RunUpdate } from '../../lib/interfaces/store.interface';
import type { TaskProgressSnapshot } from '../../lib/interfaces/run-record.interface';
import { ProgressReporter } from '../../lib/runner/progress-reporter';

/** A reporter over a store that keeps every progress written to the run's record. */
function reporter(): { progress: ProgressReporter; saved: TaskProgressSnapshot[] } {
  const saved: TaskProgressSnapshot[] = [];
  const store = {
    updateRun: async (_id: string, update: RunUpdate) => {
      if (update.progress) saved.push(update.progress);
    },
  } as unknown as AfterPartyStore;
  const events = { emit: async () => undefined } as unknown as ConstructorParameters<typeof ProgressReporter>[2];
  const progress = new ProgressReporter({ version: '20260101000001', name: 'items', runId: 'run-1' } as never, store, events, { log() {}, warn() {} } as never, false);
  return { progress, saved };
}

describe("a batched task's progress state", () => {
  it('says running from the first report, throttled while backing off, and nothing once the run has stopped', async () => {
    const { progress, saved } = reporter();
    // Each save writes the progress as it stands when the save runs: a batch's time between steps.
    const batch = () => new Promise((resolve) => setImmediate(resolve));
    progress.startBatches();
    progress.setTotal(100);
    await batch();
    progress.setState('throttled', 'replica lag');
    await batch();
    await progress.finish();
    expect(saved.map(({ state, throttledBecause }) => ({ state, throttledBecause }))).toEqual([
      { state: 'running', throttledBecause: null },
      { state: 'throttled', throttledBecause: 'replica lag' },
      { state: undefined, throttledBecause: undefined },
    ]);
    expect(saved[2]).not.toHaveProperty('state');
    expect(saved[2]).toMatchObject({ total: 100, done: 0 });
  });

  it('is not saved at all for a plain task that never started batches', async () => {
    const { progress, saved } = reporter();
    progress.setTotal(3);
    progress.advance(3);
    await progress.finish();
    expect(saved.every((snapshot) => !('state' in snapshot))).toBe(true);
    expect(saved.at(-1)).toMatchObject({ done: 3, total: 3 });
  });
});
