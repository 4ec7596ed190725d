import { REDIS } from '../support/redis';
import { batchWorkerOptions } from '../../lib/distribution/worker-locks';
import type { BatchContext } from '../../lib/interfaces/batched-task.interface';
import { distributedTask, NumbersTask, useSandbox, within } from './distribution-harness';

describe('batch worker locks', () => {
  it('by default a dead worker is detected within 10 s (lock duration plus stalled-check interval), and the app can change both', () => {
    const defaults = batchWorkerOptions({});
    expect((defaults.lockDuration as number) + (defaults.stalledInterval as number)).toBeLessThanOrEqual(10_000);
    expect(batchWorkerOptions({ lockDuration: 60_000, stalledInterval: 15_000, drainDelay: 2 })).toEqual({ lockDuration: 60_000, stalledInterval: 15_000, drainDelay: 2 });
  });

  (REDIS.available ? describe : describe.skip)('on Redis', () => {
    const sandbox = useSandbox();

    it('a batch that outlasts several lock durations on a live worker keeps its lock: no other worker takes it meanwhile', async () => {
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
      const runner = sandbox.node();
      const run = sandbox.run(runner, task);
      for (let i = 0; i < 2; i++) {
        sandbox.workers([task], locks);
      }

      expect(await within(20_000, 'the run ending', run.end)).toEqual({ status: 'completed' });
      expect(started.filter((batchNo) => batchNo === 1)).toHaveLength(1);
      expect(sandbox.logs.lines.join('\n')).not.toMatch(/stalled|lock/i);
    }, 40_000);
  });
});
