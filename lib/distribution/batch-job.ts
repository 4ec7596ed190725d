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
}

/** One job id per batch of a distribution: BullMQ never holds two jobs for one batch. */
export function batchJobId(batch: Pick<DistributedBatch, 'distributionId' | 'batchNo'>): string {
  return `${batch.distributionId}-${batch.batchNo}`;
}
