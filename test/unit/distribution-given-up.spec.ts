import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import { BatchFailedError } from '../../lib/errors/batch-failed.error';
import { REDIS } from '../support/redis';
import { distributedTask, NumbersTask, until, useSandbox, within } from './distribution-harness';

/**
 * A batch whose job BullMQ gives up on (stalled out, attempts spent without the worker recording
 * it, removed from Redis) must fail the run with its reason: the run never waits forever.
 */
(REDIS.available ? describe : describe.skip)('distributed run: jobs BullMQ gives up on', () => {
  const sandbox = useSandbox();

  /** A worker of the test's own that takes one job by hand, as a worker that is about to die would. */
  const takeOneJob = async (queueName: string): Promise<{ job: Job; token: string }> => {
    const worker = new Worker(queueName, null, { connection: { ...REDIS.connection, maxRetriesPerRequest: null }, prefix: sandbox.prefix, autorun: false });
    sandbox.closeLater(() => worker.close(true));
    const token = 'dying-worker';
    let job: Job | undefined;
    await until(async () => (job = await worker.getNextJob(token, { block: false })) !== undefined, 'a job to take');
    return { job: job as Job, token };
  };

  it('fails the run with the reason of a batch whose job stalled out (its worker died on it every time)', async () => {
    const task = distributedTask('stalls-out', new NumbersTask(20));
    const runner = sandbox.node();
    const run = sandbox.run(runner, task);
    // BullMQ's last word on a job whose worker kept dying: failed for good, attempts left or not.
    const { job, token } = await takeOneJob(task.batch!.distribute!.queue);
    await job.moveToFailed(new UnrecoverableError('job stalled more than allowable limit'), token);
    expect(job.attemptsMade).toBeLessThan(3);
    sandbox.workers([task]);

    const failure = await within(25_000, 'the run ending', run.end.then(() => null, (error: unknown) => error));
    expect(failure).toBeInstanceOf(BatchFailedError);
    expect((failure as Error).message).toMatch(new RegExp(`^Batch ${job.data.batchNo} of 4 failed after its retries: job stalled more than allowable limit`));
    const batch = (await sandbox.ledger.list(task.version, job.data.distributionId)).find((row) => row.batchNo === job.data.batchNo);
    expect(batch?.status).toBe('failed');
    expect(sandbox.logs.lines.join('\n')).not.toMatch(/to be retried/);
  }, 40_000);

  it('fails the run when a worker takes a job BullMQ marked stalled out, and the worker does not say it will be retried', async () => {
    const task = distributedTask('marked-stalled', new NumbersTask(20));
    const runner = sandbox.node();
    const run = sandbox.run(runner, task);
    await until(() => sandbox.ledger.batches.size === 4, 'every batch queued');
    const distributionId = [...sandbox.ledger.batches.values()][0].distributionId;
    // What BullMQ's stalled check leaves on a job that stalled more than maxStalledCount times:
    // a deferred failure, which the next worker to take the job turns into its failure.
    const redis = new Redis(REDIS.connection);
    sandbox.closeLater(() => redis.quit());
    await redis.hset(`${sandbox.prefix}:${task.batch!.distribute!.queue}:${distributionId}-3`, 'defa', 'job stalled more than allowable limit');
    sandbox.workers([task]);

    const failure = await within(25_000, 'the run ending', run.end.then(() => null, (error: unknown) => error));
    expect((failure as Error).message).toMatch(/^Batch 3 of 4 failed after its retries: job stalled more than allowable limit \(a worker stopped/);
    await until(() => sandbox.logs.lines.some((line) => line.includes('Batch 3 of')), 'the worker logging the failure');
    expect(sandbox.logs.lines.find((line) => line.includes('Batch 3 of'))).toMatch(/Batch 3 of \S+ marked-stalled failed for good \(attempt 1 of 3\): job stalled more than allowable limit/);
    expect(sandbox.logs.lines.join('\n')).not.toMatch(/to be retried/);

    // The next run retries the batch afresh: BullMQ's own retry would keep the job's stalled-out mark.
    const again = sandbox.run(runner, task, { resumeFrom: { distribution: { id: distributionId, cursor: 20, dispatched: 4, done: true } } });
    expect(await within(20_000, 'the next run ending', again.end)).toEqual({ status: 'completed' });
    expect(again.lines.join('\n')).toContain('1 failed batch retried, 1 job queued again');
  }, 40_000);

  it('fails the run at once when a job fails for good without its worker recording it (attempts spent)', async () => {
    const task = distributedTask('attempts-spent', new NumbersTask(20), { attempts: 1 });
    const runner = sandbox.node();
    const run = sandbox.run(runner, task);
    const { job, token } = await takeOneJob(task.batch!.distribute!.queue);
    await job.moveToFailed(new Error('the database went away'), token);
    const failure = await within(8_000, 'the run ending', run.end.then(() => null, (error: unknown) => error));
    expect((failure as Error).message).toMatch(/failed after its retries: the database went away/);

    // The next run retries the batch with all its attempts (BullMQ's retry of a failed job keeps the ones spent).
    const { distributionId, batchNo } = job.data;
    const again = sandbox.run(runner, task, { resumeFrom: { distribution: { id: distributionId, cursor: 20, dispatched: 4, done: true } } });
    const queue = new Queue(task.batch!.distribute!.queue, { connection: REDIS.connection, prefix: sandbox.prefix });
    sandbox.closeLater(() => queue.close());
    await until(() => again.lines.some((line) => line.includes('1 failed batch retried, 1 job queued again')), 'the repair');
    const retried = await queue.getJob(`${distributionId}-${batchNo}`);
    expect({ state: await retried?.getState(), attemptsMade: retried?.attemptsMade }).toEqual({ state: 'waiting', attemptsMade: 0 });
  }, 30_000);

  it('queues a lost job again once, and fails the batch when its job is lost a second time', async () => {
    const task = distributedTask('job-removed', new NumbersTask(10));
    const runner = sandbox.node();
    const run = sandbox.run(runner, task);
    const queue = new Queue(task.batch!.distribute!.queue, { connection: REDIS.connection, prefix: sandbox.prefix });
    sandbox.closeLater(() => queue.close());
    await until(() => sandbox.ledger.batches.size === 2, 'both batches in the ledger');
    const distributionId = [...sandbox.ledger.batches.values()][0].distributionId;
    await until(async () => (await queue.getJob(`${distributionId}-2`)) !== undefined, 'batch 2 queued');
    await queue.remove(`${distributionId}-2`);
    await until(() => sandbox.logs.lines.concat(run.lines).some((line) => line.includes('had no job in Redis any more')), 'the lost job queued again', 25_000);
    await until(async () => (await queue.getJob(`${distributionId}-2`)) !== undefined, 'batch 2 queued again');
    await queue.remove(`${distributionId}-2`);
    const failure = await within(25_000, 'the run ending', run.end.then(() => null, (error: unknown) => error));
    expect((failure as Error).message).toMatch(/^Batch 2 of 2 failed after its retries: its job was removed from Redis/);
  }, 60_000);
});
