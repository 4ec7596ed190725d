import { plural } from '../format/text.format';
import type { BatchLedgerCapability, DistributedBatch } from '../interfaces/store.interface';
import type { BatchJobHandle, BatchQueue } from './batch-queue.interface';
import { batchJobId, givenUpReason, type BatchJobData } from './batch-job';
import { buildFingerprint } from './build-fingerprint';
import type { DispatchDeps } from './dispatch';

/** Queues the job of a batch recorded in the ledger (a no-op when its job exists: the id is per batch). */
export async function enqueue(deps: DispatchDeps, queue: BatchQueue, batch: DistributedBatch): Promise<void> {
  const data: BatchJobData = {
    version: batch.version,
    distributionId: batch.distributionId,
    batchNo: batch.batchNo,
    after: batch.after,
    last: batch.last,
    runId: deps.runId,
    build: buildFingerprint(deps.task),
  };
  await queue.add(deps.task.name, data, {
    jobId: batchJobId(batch),
    attempts: deps.distribution.attempts(deps.task),
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: false,
  });
}

/**
 * Repairs an earlier run's distribution: failed batches are queued again, and every queued batch
 * whose job is gone (a runner died between ledger and queue, or Redis lost its data) or failed
 * gets a new job, with all its attempts.
 */
export async function repair(deps: DispatchDeps, queue: BatchQueue, ledger: BatchLedgerCapability, distributionId: string): Promise<void> {
  const retried = await ledger.requeue(deps.task.version, distributionId);
  let restored = 0;
  for (const batch of await ledger.list(deps.task.version, distributionId, ['queued'])) {
    const job: BatchJobHandle | undefined = await queue.getJob(batchJobId(batch));
    if (!job) {
      await enqueue(deps, queue, batch);
      restored += 1;
    } else if (await job.isFailed()) {
      // A new job, not BullMQ's retry, which keeps the attempts spent (a batch whose attempts ran
      // out would get one try) and the stalled count (a job that stalled out would fail on its
      // next stall).
      await job.remove();
      await enqueue(deps, queue, batch);
      restored += 1;
    }
  }
  if (retried + restored > 0) {
    deps.logger.log(`Repaired the distribution of ${deps.context.name}: ${plural(retried, 'failed batch', 'failed batches')} retried, ${plural(restored, 'job')} queued again`);
  }
}

/**
 * While following: every batch still queued in the ledger is checked against its job. A job that
 * BullMQ failed (its failed state is final: a job with attempts left waits or is delayed instead),
 * whatever its attempts say (a job that stalled out, or failed as unrecoverable, has attempts
 * left), records its batch failed with the job's reason, which fails the run. A job that is gone
 * (Redis lost it, someone removed it) is queued again, once per run: a batch whose job is lost
 * again is recorded failed, so that nothing can keep the run waiting. `lost` holds the batches
 * queued again by this run.
 */
export async function reconcile(deps: DispatchDeps, queue: BatchQueue, ledger: BatchLedgerCapability, distributionId: string, lost: Set<number>): Promise<void> {
  const { version } = deps.task;
  let requeued = 0;
  for (const batch of await ledger.list(version, distributionId, ['queued'])) {
    const job: BatchJobHandle | undefined = await queue.getJob(batchJobId(batch));
    if (job && (await job.isFailed())) {
      await ledger.fail(version, distributionId, batch.batchNo, givenUpReason(job.failedReason), job.attemptsMade);
    } else if (!job && (await ledger.state(version, distributionId, batch.batchNo)) === 'queued') {
      // (A job that completed is removed too, but only after its batch was recorded completed.)
      if (lost.has(batch.batchNo)) {
        await ledger.fail(version, distributionId, batch.batchNo, 'its job was removed from Redis, and again once queued again: not queuing it a third time', batch.attempts);
      } else {
        lost.add(batch.batchNo);
        await enqueue(deps, queue, batch);
        requeued += 1;
      }
    }
  }
  if (requeued > 0) {
    deps.logger.warn(`${plural(requeued, 'batch', 'batches')} of ${deps.context.name} had no job in Redis any more: queued again`);
  }
}
