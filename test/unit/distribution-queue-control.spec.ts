import { REDIS } from '../support/redis';
import { distributedTask, dropPrefix, MemoryLedger, node, NumbersTask, uniquePrefix } from './distribution-harness';

/** Queue control as distribution/ owns it: what after-party:pause, resume and cancel do to a task's queue. */
(REDIS.available ? describe : describe.skip)('DistributionService: queue control', () => {
  const prefix = uniquePrefix();
  const app = node(new MemoryLedger(), prefix);
  const task = distributedTask('queue-control', new NumbersTask(10));
  const job = (batchNo: number) => ({ version: task.version, distributionId: 'd', batchNo, after: null, last: batchNo, runId: 'r', build: 'b' });
  const options = (batchNo: number) => ({ jobId: `d-${batchNo}`, attempts: 1, backoff: { type: 'exponential' as const, delay: 1000 }, removeOnComplete: true, removeOnFail: false });

  afterAll(async () => {
    await app.distribution.onApplicationShutdown();
    await dropPrefix(prefix);
  });

  it('pauses a queue, says it is paused, and resumes it once (a second resume finds it running)', async () => {
    expect(await app.distribution.isQueuePaused(task)).toBe(false);
    expect(await app.distribution.resumeQueue(task)).toBe(false);

    await app.distribution.pauseQueue(task);
    expect(await app.distribution.isQueuePaused(task)).toBe(true);

    expect(await app.distribution.resumeQueue(task)).toBe(true);
    expect(await app.distribution.isQueuePaused(task)).toBe(false);
    expect(await app.distribution.resumeQueue(task)).toBe(false);
  });

  it('counts the batches no worker took yet, and removes them, delayed ones too', async () => {
    const queue = app.distribution.queue(task);
    await app.distribution.pauseQueue(task);
    await queue.add(task.name, job(1), options(1));
    await queue.add(task.name, job(2), options(2));
    await queue.add(task.name, job(3), { ...options(3), delay: 60_000 } as never);
    expect(await app.distribution.queuedBatches(task)).toBe(3);

    await app.distribution.removeQueuedBatches(task);
    expect(await app.distribution.queuedBatches(task)).toBe(0);
    expect(await queue.getJob('d-1')).toBeUndefined();
    await app.distribution.resumeQueue(task);
  });
});
