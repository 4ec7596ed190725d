import { REDIS } from '../support/redis';
import type { BatchContext } from '../../lib/interfaces/batched-task.interface';
import { distributedTask, NumbersTask, until, useSandbox, within } from './distribution-harness';

/** A latch a batch waits on, and what the batch saw of its signal. */
function latch(): { started: boolean; release(): void; released: Promise<void>; signal?: AbortSignal } {
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { started: false, release: () => release(), released };
}

/**
 * SIGTERM to a worker process (the app's shutdown): its batches in progress finish within the
 * grace period, their signal untouched and no attempt spent; past it they stop and go back to
 * the queue, still without spending an attempt.
 */
(REDIS.available ? describe : describe.skip)('batch workers at shutdown', () => {
  const sandbox = useSandbox();

  it('lets a batch in progress finish within the grace period, its signal not aborted, and records it completed', async () => {
    const batch = latch();
    const task = distributedTask(
      'finishes-at-shutdown',
      new NumbersTask(5, async (_items, ctx: BatchContext) => {
        batch.started = true;
        batch.signal = ctx.signal;
        await batch.released;
      }),
      { attempts: 1, concurrency: 1 },
    );
    const runner = sandbox.node();
    const run = sandbox.run(runner, task);
    const workers = sandbox.workers([task], {}, { gracePeriod: 10_000 });
    await until(() => batch.started, 'the batch started');

    const shutdown = workers.beforeApplicationShutdown();
    await until(() => sandbox.logs.lines.some((line) => line.includes('Stopping batch workers: 1 batch in progress may finish within 10 s')), 'the shutdown under way');
    expect(batch.signal?.aborted).toBe(false);
    batch.release();
    await within(10_000, 'the shutdown', shutdown);

    expect(await within(10_000, 'the run ending', run.end)).toEqual({ status: 'completed' });
    expect(batch.signal?.aborted).toBe(false);
    expect(sandbox.logs.lines.join('\n')).not.toMatch(/failed/);
  }, 40_000);

  it('stops a batch still running at the end of the grace period and hands it back without spending an attempt', async () => {
    const applied: string[] = [];
    const first = latch();
    const task = (who: string, grace: boolean) =>
      distributedTask(
        'handed-back',
        new NumbersTask(5, async (_items, ctx: BatchContext) => {
          if (grace) {
            // The first worker's batch runs until it is told to stop.
            first.started = true;
            await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }));
          }
          applied.push(who);
        }),
        // One attempt: a batch that spent it would fail the run.
        { attempts: 1, concurrency: 1 },
      );
    const runner = sandbox.node();
    const run = sandbox.run(runner, task('runner', false));
    const stopping = sandbox.workers([task('first', true)], {}, { gracePeriod: 500 });
    await until(() => first.started, 'the batch started');

    await within(10_000, 'the shutdown', stopping.beforeApplicationShutdown());
    expect(sandbox.logs.lines.join('\n')).toMatch(/Batch 1 of \S+ handed-back stopped at shutdown \(The app is shutting down and the batch did not finish within the grace period \(500 ms\)\): handed back to the queue, no attempt spent/);
    sandbox.workers([task('second', false)]);

    expect(await within(15_000, 'the run ending', run.end)).toEqual({ status: 'completed' });
    expect(applied).toEqual(['second']);
  }, 40_000);
});
