import type { DistributedBatch } from '../interfaces/store.interface';

/** A batch job's data: small, whatever the batch's size (the worker reads the items itself). */
export interface BatchJobData {
  version: string;
  distributionId: string;
  batchNo: number;
  /** The encoded key the batch starts after (null: the start). */
  after: unknown;
  /** The encoded key of its last item. */
  last: unknown;
  /** The run that dispatched it. */
  runId: string;
  /**
   * The task's code as the dispatcher knows it ({@link buildFingerprint}): only a worker with the
   * same applies the batch. Absent in jobs of dispatchers from before it existed.
   */
  build?: string;
}

/**
 * What a worker of another build reports on a job it leaves for the others (as the job's
 * progress, which reaches the runner through the queue's event stream).
 */
export interface LeftForOtherBuild {
  leftByBuild: string;
}

/** One job id per batch of a distribution: BullMQ never holds two jobs for one batch. */
export function batchJobId(batch: Pick<DistributedBatch, 'distributionId' | 'batchNo'>): string {
  return `${batch.distributionId}-${batch.batchNo}`;
}

/** The batch number of a job of `distributionId`, or null for a job of another distribution. */
export function batchNoOf(jobId: string | undefined, distributionId: string): number | null {
  if (!jobId?.startsWith(`${distributionId}-`)) {
    return null;
  }
  const batchNo = Number(jobId.slice(distributionId.length + 1));
  return Number.isInteger(batchNo) && batchNo > 0 ? batchNo : null;
}

/** The reason BullMQ gives for a job it failed because its workers kept dying on it. */
export const STALLED_OUT = 'job stalled more than allowable limit';

/** A failed job's reason as the batch records it: a stalled-out job says what that means. */
export function givenUpReason(failedReason: string | undefined): string {
  if (!failedReason) {
    return 'BullMQ failed its job without a reason';
  }
  if (failedReason === STALLED_OUT) {
    return `${failedReason} (a worker stopped, or lost the job's lock, while running it more often than BullMQ's maxStalledCount allows: a crash or a kill, or a batch that blocks its process's event loop)`;
  }
  return failedReason;
}
