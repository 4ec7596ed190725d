import type { BatchJobData } from './batch-job';

/**
 * A batch's job as the dispatcher reads it back: the part of BullMQ's `Job` it uses, written out
 * here so that no type of after-party names bullmq (an app without it compiles our types with
 * `skipLibCheck: false`).
 */
export interface BatchJobHandle {
  readonly failedReason: string;
  readonly attemptsMade: number;
  isFailed(): Promise<boolean>;
  remove(): Promise<void>;
}

/** How a batch's job is queued: one id per batch, so a batch is never queued twice. */
export interface BatchJobOptions {
  jobId: string;
  attempts: number;
  backoff: { type: 'exponential'; delay: number };
  removeOnComplete: boolean;
  removeOnFail: boolean;
}

/** The part of a distributed task's BullMQ `Queue` the dispatcher uses (see {@link BatchJobHandle} for why it is written out). */
export interface BatchQueue {
  readonly name: string;
  add(name: string, data: BatchJobData, options: BatchJobOptions): Promise<unknown>;
  getJob(jobId: string): Promise<BatchJobHandle | undefined>;
  getJobCounts(...types: Array<'waiting' | 'delayed' | 'prioritized'>): Promise<Record<string, number>>;
  getWorkers(): Promise<unknown[]>;
  /** Queue control: callers outside distribution/ use DistributionService's pauseQueue, resumeQueue and removeQueuedBatches. */
  isPaused(): Promise<boolean>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  drain(delayed?: boolean): Promise<void>;
}
