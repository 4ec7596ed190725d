import { REDIS } from '../support/redis';
import { batchWorkerOptions } from '../../lib/distribution/worker-locks';
import type { BatchContext } from '../../lib/interfaces/batched-task.interface';
import { captureLogs, dispatch, distributedTask, dropPrefix, MemoryLedger, node, NumbersTask, startWorkers, stopWorkers, uniquePrefix, within } from './distribution-harness';

describe('batch worker locks', () => {
  it('by default a dead worker is detected within 10 s (lock duration plus stalled-check interval), and the app can change both', () => {
    const defaults = batchWorkerOptions({});
    expect((defaults.lockDuration as number) + (defaults.stalledInterval as number)).toBeLessThanOrEqual(10_000);
    expect(batchWorkerOptions({ lockDuration: 60_000, stalledInterval: 15_000, drainDelay: 2 })).toEqual({ lockDuration: 60_000, stalledInterval: 15_000, drainDelay: 2 });
  });

  (REDIS.available ? describe : describe.skip)('on Redis', () => {
    let prefix: string;
    let logs: ReturnType<typeof captureLogs>;
    const closers: Array<() => Promise<unknown>> = [];

    beforeEach(() => {
      prefix = uniquePrefix();
      logs = captureLogs();
    });

    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) {
        await close().catch(() => undefined);
      }
      logs.restore();
      await dropPrefix(prefix);
    });

    it('a batch that outlasts several lock durations on a live worker keeps its lock: no other worker takes it meanwhile', async () => {
      const ledger = new MemoryLedger();
      const started: number[] = [];
      const task = distributedTask(
        'long-batch',
        new NumbersTask(10, async (items, ctx: BatchContext) => {
          started.push(ctx.batch.number);
          // 2.5 lock durations, while the other worker checks for stalled jobs every 300 ms.
          await new Promise((resolve) => setTimeout(resolve, items[0] === 1 ? 5000 : 0));
        }),
        { concurrency: 1 },
      );
      // A 2 s lock: renewed every second, with room for a loaded machine's timer delays.
      const locks = { workerOptions: { lockDuration: 2000, stalledInterval: 300 } };
      const runner = node(ledger, prefix);
      closers.push(() => runner.distribution.onApplicationShutdown());
      const run = dispatch(runner, task);
      closers.push(run.stop);
      for (let i = 0; i < 2; i++) {
        const workers = startWorkers(ledger, prefix, [task], locks);
        closers.push(() => stopWorkers(workers));
      }

      expect(await within(20_000, 'the run ending', run.end)).toEqual({ status: 'completed' });
      expect(started.filter((batchNo) => batchNo === 1)).toHaveLength(1);
      expect(logs.lines.join('\n')).not.toMatch(/stalled|lock/i);
    }, 40_000);
  });
});
