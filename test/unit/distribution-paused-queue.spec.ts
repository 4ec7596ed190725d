import type { DistributionCheckpoint } from '../../lib/distribution/dispatch';
import type { AfterPartyStore } from '../../lib/interfaces/store.interface';
import { stopDistributed } from '../../lib/operator/task-control';
import { REDIS } from '../support/redis';
import { distributedTask, NumbersTask, useSandbox, within } from './distribution-harness';

/** `after-party:pause` of a distributed task that is not running, and a queue a run finds paused. */
(REDIS.available ? describe : describe.skip)('distributed tasks: a paused queue', () => {
  const sandbox = useSandbox();

  it('a refused pause (the task is not running) leaves its queue as it was', async () => {
    const task = distributedTask('not-running', new NumbersTask(10));
    const app = sandbox.node();
    // No running run to ask: the store says so.
    const store = { ...app.store, requestControl: async () => false } as unknown as AfterPartyStore;

    expect(await stopDistributed({ store, distribution: app.distribution, environment: app.options.environment }, task, 'pause')).toBe('not running');
    expect(await app.distribution.queue(task).isPaused()).toBe(false);
  });

  it('a run that finds its queue paused says so and resumes it, and its batches are done', async () => {
    const task = distributedTask('found-paused', new NumbersTask(10));
    const app = sandbox.node();
    await app.distribution.queue(task).pause();
    sandbox.workers([task]);
    const run = sandbox.run(app, task);

    expect(await within(20_000, 'the run ending', run.end)).toEqual({ status: 'completed' });
    expect(run.lines).toContain(`warn The queue after-party-found-paused of found-paused was paused, which would hold its batches back: resumed it`);
    expect(await app.distribution.queue(task).isPaused()).toBe(false);
  });

  it('the run after one paused by after-party:pause resumes the queue with a log line, not a warning', async () => {
    const task = distributedTask('paused-then-resumed', new NumbersTask(10));
    const app = sandbox.node();
    // The first run is asked to pause: it pauses the queue and ends paused, its checkpoint saved.
    const checkpoints: DistributionCheckpoint[] = [];
    const pausing = {
      ...app,
      store: {
        ...app.store,
        readControl: async () => ({ control: 'pause', actor: null }),
        updateRun: async (_id: string, patch: { checkpoint?: DistributionCheckpoint }) => void (patch.checkpoint && checkpoints.push(patch.checkpoint)),
      } as unknown as AfterPartyStore,
    };
    const first = sandbox.run(pausing, task);
    expect(await within(20_000, 'the first run pausing', first.end)).toMatchObject({ status: 'paused' });
    expect(await app.distribution.queue(task).isPaused()).toBe(true);
    const checkpoint = checkpoints[checkpoints.length - 1];

    sandbox.workers([task]);
    const second = sandbox.run(app, task, { resumeFrom: JSON.parse(JSON.stringify(checkpoint)) as DistributionCheckpoint });
    expect(await within(20_000, 'the second run ending', second.end)).toEqual({ status: 'completed' });
    expect(second.lines).toContain('log Resumed the queue after-party-paused-then-resumed of paused-then-resumed, paused when its last run was paused');
    expect(second.lines.filter((line) => line.startsWith('warn '))).toEqual([]);
    expect(await app.distribution.queue(task).isPaused()).toBe(false);
  });
});
