import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue, QueueEvents } from 'bullmq';
import { AFTER_PARTY_OPTIONS } from '../config/after-party.constants';
import type { DistributedRegisteredTask } from '../discovery/registered-task.interface';
import { DistributionUnavailableError } from '../errors/distribution-unavailable.error';
import { firstLine, messageOf, taskLabel } from '../format/text.format';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import { withTimeout } from '../async/with-timeout';
import type { BatchQueue } from './batch-queue.interface';
import { loadBullmq } from './load-bullmq';

/** How far back in the queue's event stream the runner starts reading. */
const EVENTS_LOOKBACK_MS = 5000;
/** How long the runner waits for Redis before it calls a distribution unavailable. */
const REACH_TIMEOUT_MS = 5000;

/** What the runner hears of its batch jobs (see {@link DistributionService.watch}). */
export interface JobEventsListener {
  /** A job completed. */
  settled(): void;
  /** BullMQ failed a job for good (no attempt left, stalled out, unrecoverable). */
  failed(jobId: string, failedReason: string): void;
  /** A job reported progress. */
  progress(jobId: string, data: unknown): void;
}

/** The BullMQ connection and key prefix distributed tasks use. */
export interface BullSettings {
  connection: Record<string, unknown>;
  prefix: string | undefined;
}

/**
 * BullMQ for distributed tasks: the connection (the app's `BullModule.forRoot()` config when it
 * has one, else the module's `distribution.connection`), one queue per distributed task, and the
 * limits of each task (concurrency, attempts). Loads bullmq only when used.
 */
@Injectable()
export class DistributionService implements OnApplicationShutdown {
  private readonly logger = new Logger('AfterParty');
  private readonly queues = new Map<string, Queue>();
  private resolved?: BullSettings;

  constructor(
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** The connection and prefix, from the app's BullModule config or the module options. */
  settings(): BullSettings {
    if (!this.resolved) {
      const shared = this.sharedConfig();
      const connection = this.options.distribution.connection ?? shared?.connection;
      if (!connection) {
        throw new DistributionUnavailableError(
          'Distributed tasks need a Redis connection: import BullModule.forRoot({ connection }) from @nestjs/bullmq, or set distribution.connection in AfterPartyModule.forRoot().',
        );
      }
      this.resolved = { connection, prefix: this.options.distribution.prefix ?? shared?.prefix };
    }
    return this.resolved;
  }

  /** The queue of a distributed task, for its dispatcher (one per task, created once). */
  queue(task: DistributedRegisteredTask): BatchQueue {
    return this.bullQueue(task);
  }

  /** Holds the queued batches of `task` (running ones finish) until {@link resumeQueue}. */
  async pauseQueue(task: DistributedRegisteredTask): Promise<void> {
    await this.bullQueue(task).pause();
  }

  /** Resumes the queue of `task` when it is paused; resolves whether it was. */
  async resumeQueue(task: DistributedRegisteredTask): Promise<boolean> {
    const queue = this.bullQueue(task);
    if (!(await queue.isPaused())) {
      return false;
    }
    await queue.resume();
    return true;
  }

  /** Whether the queue of `task` is paused. */
  isQueuePaused(task: DistributedRegisteredTask): Promise<boolean> {
    return this.bullQueue(task).isPaused();
  }

  /** Removes the batches of `task` that wait in its queue, delayed ones (retries) too; running ones finish. */
  async removeQueuedBatches(task: DistributedRegisteredTask): Promise<void> {
    await this.bullQueue(task).drain(true);
  }

  /** Batches of `task` queued that no worker has taken yet. */
  async queuedBatches(task: DistributedRegisteredTask): Promise<number> {
    const counts = await this.bullQueue(task).getJobCounts('waiting', 'delayed', 'prioritized');
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  private bullQueue(task: DistributedRegisteredTask): Queue {
    const name = this.queueName(task);
    let queue = this.queues.get(name);
    if (!queue) {
      const { Queue } = loadBullmq();
      const { connection, prefix } = this.settings();
      queue = new Queue(name, { connection: connection as never, prefix });
      // A connection error is reported by ensureReachable(); unhandled it would crash the process.
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * Listens to the batch jobs of `task` on every worker through the queue's event stream (its own
   * Redis connection): a job completed or failed for good, or reported progress. The returned
   * function stops listening. Events are a shortcut: the runner checks the jobs themselves too,
   * so an event lost with the stream only slows it down.
   */
  watch(task: DistributedRegisteredTask, listener: JobEventsListener): () => Promise<void> {
    const { QueueEvents } = loadBullmq();
    const { connection, prefix } = this.settings();
    // From a few seconds back rather than from whenever the stream is first read ('$'): an event
    // of a job failed right after the first dispatch is not missed (older ones of other runs are
    // told apart by their job ids), whatever small clock skew there is between here and Redis.
    const lastEventId = `${Date.now() - EVENTS_LOOKBACK_MS}-0`;
    const events: QueueEvents = new QueueEvents(this.queueName(task), { connection: connection as never, prefix, lastEventId });
    events.on('error', () => undefined);
    events.on('completed', () => listener.settled());
    // BullMQ's 'failed' event is its last word on a job: a job with attempts left is retried instead.
    events.on('failed', ({ jobId, failedReason }) => listener.failed(jobId, failedReason));
    events.on('progress', ({ jobId, data }) => listener.progress(jobId, data));
    // Closing never holds the run up: a Redis gone away would keep close() waiting.
    return () => withTimeout(events.close(), 2000).catch(() => undefined);
  }

  queueName(task: DistributedRegisteredTask): string {
    return task.batch.distribute.queue;
  }

  /** Batches one worker process runs at once for `task`. */
  concurrency(task: DistributedRegisteredTask): number {
    return task.batch.distribute.concurrency ?? this.options.distribution.concurrency;
  }

  /** Tries per batch for `task`. */
  attempts(task: DistributedRegisteredTask): number {
    return task.batch.distribute.attempts ?? this.options.distribution.attempts;
  }

  /** Queued batches above which dispatching waits. */
  get maxQueued(): number {
    return this.options.distribution.maxQueued;
  }

  /** Throws a one-line {@link DistributionUnavailableError} when Redis does not answer in time. */
  async ensureReachable(task: DistributedRegisteredTask): Promise<void> {
    const queue = this.bullQueue(task);
    try {
      const answered = async (): Promise<void> => {
        await queue.waitUntilReady();
        // A count is a real round trip to Redis.
        await queue.count();
      };
      await withTimeout(answered(), REACH_TIMEOUT_MS);
    } catch (error) {
      this.queues.delete(this.queueName(task));
      await queue.close().catch(() => undefined);
      const where = JSON.stringify(this.settings().connection);
      throw new DistributionUnavailableError(
        `Cannot reach Redis (${where}) for the distributed task ${taskLabel(task)}: ${firstLine(messageOf(error))}. Check the BullMQ connection (BullModule.forRoot or distribution.connection) and that Redis is up.`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(queues.map((queue) => queue.close().catch((error) => this.logger.warn(`Closing a queue failed: ${messageOf(error)}`))));
  }

  /** The app's `BullModule.forRoot()` config, when @nestjs/bullmq is installed and configured. */
  private sharedConfig(): { connection?: Record<string, unknown>; prefix?: string } | undefined {
    let getSharedConfigToken: ((key?: string) => string) | undefined;
    try {
      ({ getSharedConfigToken } = require('@nestjs/bullmq') as { getSharedConfigToken: (key?: string) => string });
    } catch {
      return undefined;
    }
    try {
      return this.moduleRef.get(getSharedConfigToken(this.options.distribution.configKey), { strict: false });
    } catch {
      return undefined;
    }
  }
}
