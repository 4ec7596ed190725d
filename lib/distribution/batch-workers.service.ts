import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE, AFTER_PARTY_TENANTS } from '../config/after-party.constants';
import { withTenant } from '../tenants/tenant-context';
import { splitKey } from '../tenants/tenant-key';
import { tenantStore } from '../tenants/tenant-store';
import type { AfterPartyTenants, TenantHandle } from '../interfaces/tenants.interface';
import { decodeCursor } from '../batch/cursor-codec';
import type { DistributedRegisteredTask } from '../discovery/registered-task.interface';
import { TaskRegistry } from '../discovery/task.registry';
import { firstLine, messageOf, plural, taskLabel } from '../format/text.format';
import type { BatchContext, BatchedTask } from '../interfaces/batched-task.interface';
import type { AfterPartyStore, BatchLedgerCapability } from '../interfaces/store.interface';
import type { TaskContext } from '../interfaces/task-context.interface';
import { recordableError } from '../records/recordable-error';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import { givenUpReason, type BatchJobData, type LeftForOtherBuild } from './batch-job';
import { buildFingerprint } from './build-fingerprint';
import { batchWorkerOptions } from './worker-locks';
import { DistributionService } from './distribution.service';
import { isAfterPartyCommandProcess } from '../cli/command-process';
import { loadBullmq } from './load-bullmq';
import { repeatedWarnings } from './repeated-warnings';

/**
 * A worker that reported an error within this long, and has finished no batch since, is taken to
 * have lost Redis (BullMQ reports a refused connection every few seconds while it retries).
 */
const REDIS_FAILING_MS = 30_000;
/** How long a closing worker may take once none of its batches is in progress. */
const CLOSE_CHECK_MS = 5000;
/** How long a job left for a worker of another build waits before a worker takes it again. */
const OTHER_BUILD_DELAY_MS = 2000;
/** The least time between two log lines of a worker about jobs it left for another build. */
const OTHER_BUILD_LOG_MS = 10_000;

/**
 * A started worker, its task and its build, how many of its batches are in progress, when it last
 * reported an error and last finished a batch, and how many batches it left for another build.
 */
interface RunningWorker {
  worker: Worker;
  task: DistributedRegisteredTask;
  build: string;
  inFlight: number;
  lastErrorAt: number;
  lastBatchAt: number;
  leftForOtherBuild: number;
  lastLeftLog: number;
}

/**
 * Batch workers for the app's distributed tasks, in the processes that ask for them
 * (`distribution.workers`): one BullMQ worker per distributed task, processing its batches with
 * the app's own injected task instance. On SQL with `batch.transaction`, a batch's effects and
 * its ledger row commit together, so a repeated delivery (a stalled job retried after a worker
 * died) rolls back instead of applying twice.
 */
@Injectable()
export class BatchWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('AfterParty');
  private readonly workers: RunningWorker[] = [];
  /** Aborted at the end of the shutdown's grace period: the batches still in progress then stop. */
  private readonly stopping = new AbortController();
  /** Per job in progress: aborted when its worker lost the job's lock (another worker may take it). */
  private readonly lockLost = new Map<string, AbortController>();
  private readonly identity = `${hostname()} pid ${process.pid}`;

  constructor(
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
    @Inject(AFTER_PARTY_STORE) private readonly store: AfterPartyStore,
    private readonly registry: TaskRegistry,
    private readonly distribution: DistributionService,
    @Optional() @Inject(AFTER_PARTY_TENANTS) private readonly tenants?: AfterPartyTenants,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.distribution.workers) {
      return;
    }
    const tasks = this.registry.all().filter((task): task is DistributedRegisteredTask => task.kind === 'distributed');
    if (tasks.length === 0) {
      return;
    }
    // SQLite gives a process one connection: batches sharing it would share one transaction.
    const oneAtATime = this.store.capabilities.transactions?.oneAtATime === true;
    if (oneAtATime && isAfterPartyCommandProcess()) {
      // The runner's own writes (batch rows, checkpoints) would land in a batch's transaction
      // and be rolled back with it.
      this.logger.log('Batch workers do not run in an after-party command on SQLite (one connection per process): start worker processes of the app instead.');
      return;
    }
    const { Worker } = loadBullmq();
    const { connection, prefix } = this.distribution.settings();
    if (oneAtATime && tasks.some((task) => this.distribution.concurrency(task) > 1)) {
      this.logger.log('This process has one database connection (SQLite): its batch workers take one batch at a time; start more worker processes for more.');
    }
    for (const task of tasks) {
      this.workers.push(this.startWorker(task, Worker, connection, prefix, oneAtATime));
    }
    this.logger.log(`Batch workers started for ${plural(tasks.length, 'distributed task')}: ${tasks.map(taskLabel).join(', ')}`);
  }

  /**
   * Batches one worker takes at once. A per-tenant task's batch may hold two of the pool's
   * connections (its tenant's, where it reads, and its transaction's): with a source whose pool
   * bounds it, at most half as many batches as tenants may run at once, so that batches never all
   * wait for a connection another holds.
   */
  private workerConcurrency(task: DistributedRegisteredTask): number {
    const asked = this.distribution.concurrency(task);
    const bound = task.perTenant ? this.tenants?.maxConcurrency?.() : undefined;
    if (bound === undefined || asked <= Math.max(1, Math.floor(bound / 2))) {
      return asked;
    }
    const lowered = Math.max(1, Math.floor(bound / 2));
    this.logger.log(`Batch workers of ${taskLabel(task)} take ${lowered} batches at once, not ${asked}: each may hold two of the pool's connections (${this.tenants?.description}).`);
    return lowered;
  }

  /** Stops the workers if {@link beforeApplicationShutdown} did not (nothing left to do when it did). */
  async onApplicationShutdown(): Promise<void> {
    await this.beforeApplicationShutdown();
  }

  /** One BullMQ worker for the batches of `task`, with its event handlers. */
  private startWorker(task: DistributedRegisteredTask, Worker: typeof import('bullmq').Worker, connection: unknown, prefix: string | undefined, oneAtATime: boolean): RunningWorker {
    const running: RunningWorker = { worker: undefined as unknown as Worker, task, build: buildFingerprint(task), inFlight: 0, lastErrorAt: 0, lastBatchAt: 0, leftForOtherBuild: 0, lastLeftLog: 0 };
    const processor = async (job: Job<BatchJobData>, token?: string): Promise<string> => {
      running.inFlight += 1;
      try {
        return await this.process(running, job, token);
      } finally {
        running.inFlight -= 1;
        running.lastBatchAt = Date.now();
      }
    };
    const worker = (running.worker = new Worker(this.distribution.queueName(task), processor, {
      ...batchWorkerOptions(this.options.distribution.workerOptions),
      connection: connection as never,
      prefix,
      concurrency: oneAtATime ? 1 : this.workerConcurrency(task),
    }));
    const warning = repeatedWarnings();
    worker.on('error', (error) => {
      running.lastErrorAt = Date.now();
      const line = warning(messageOf(error));
      if (line !== null) {
        this.logger.warn(`Batch worker of ${taskLabel(task)}: ${line}`);
      }
    });
    worker.on('failed', (job, error) => {
      if (job) {
        void this.onFailed(task, job, error);
      }
    });
    // A lock this worker could not renew may already be another worker's: its batch stops.
    worker.on('lockRenewalFailed', (jobIds: string[]) => {
      for (const jobId of jobIds) {
        this.lockLost.get(jobId)?.abort(new Error(`Batch job ${jobId} of ${taskLabel(task)} lost its lock (its worker could not renew it in time): another worker may take it`));
      }
    });
    return running;
  }

  /**
   * The app shuts down (SIGTERM with `enableShutdownHooks()`, or `app.close()`): the workers take
   * no more batches; those in progress go on, their signal untouched, for the grace period
   * (`gracePeriod`), then their signal aborts and each one that stops is handed back to the queue
   * without spending an attempt. Queued batches stay for the other workers. Done before the
   * app's shutdown hooks, in which the database modules close the connections batches write on.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const workers = this.workers.splice(0);
    const inFlight = workers.reduce((sum, running) => sum + running.inFlight, 0);
    const graceMs = this.options.gracePeriod;
    if (inFlight > 0) {
      this.logger.log(
        `Stopping batch workers: ${plural(inFlight, 'batch', 'batches')} in progress may finish within ${graceMs / 1000} s (then stopped and handed back to the queue); queued ones stay for the other workers`,
      );
    }
    const grace = setTimeout(() => this.stopping.abort(new Error(`The app is shutting down and the batch did not finish within the grace period (${graceMs} ms)`)), graceMs);
    try {
      await Promise.all(workers.map((running) => this.stop(running)));
    } finally {
      clearTimeout(grace);
    }
    // Tenants' data sources the batches opened (a database per tenant) close with the workers.
    if (workers.length > 0) {
      await this.tenants?.close?.().catch((error) => this.logger.warn(`Closing the tenants source failed: ${messageOf(error)}`));
    }
  }

  /**
   * Closes one worker: its batches in progress finish, queued ones stay for the other workers.
   * BullMQ's graceful close waits for Redis, which may be gone: with nothing of ours in progress
   * and Redis failing, the worker is closed without waiting, and a close that still hangs is left
   * behind, so that the app's shutdown (a SIGTERM) always ends.
   */
  private async stop(running: RunningWorker): Promise<void> {
    const unreachable = (): boolean => running.lastErrorAt > running.lastBatchAt && Date.now() - running.lastErrorAt < REDIS_FAILING_MS;
    if (running.inFlight === 0 && unreachable()) {
      await running.worker.close(true).catch(() => undefined);
      return;
    }
    const closed = running.worker.close().then(
      () => true,
      () => true,
    );
    for (;;) {
      // An unref'd timer: it never keeps a process alive that has nothing else left to do.
      if (await Promise.race([closed, sleep(CLOSE_CHECK_MS, false, { ref: false })])) {
        return;
      }
      if (running.inFlight === 0) {
        this.logger.warn(
          `The batch worker of ${taskLabel(running.task)} did not close within ${CLOSE_CHECK_MS / 1000} s of its last batch${unreachable() ? ' (Redis is unreachable)' : ''}: not waiting for it`,
        );
        return;
      }
    }
  }

  /**
   * Logs a failed attempt. BullMQ sets `finishedOn` only on a job it gives up on: no attempt left,
   * or failed whatever its attempts (stalled out: its workers kept dying on it; unrecoverable).
   * Such a batch is recorded failed here (unless recorded already), so that the run fails with its
   * reason instead of waiting for it.
   */
  private async onFailed(task: DistributedRegisteredTask, job: Job<BatchJobData>, error: Error): Promise<void> {
    const attempts = job.opts.attempts ?? 1;
    const reason = firstLine(messageOf(error));
    if (!job.finishedOn) {
      this.logger.warn(`Batch ${job.data.batchNo} of ${taskLabel(task)} failed (attempt ${job.attemptsMade} of ${attempts}), to be retried: ${reason}`);
      return;
    }
    this.logger.warn(`Batch ${job.data.batchNo} of ${taskLabel(task)} failed for good (attempt ${job.attemptsMade} of ${attempts}): ${reason}`);
    const { version, distributionId, batchNo } = job.data;
    const ledger = this.store.capabilities.batchLedger as BatchLedgerCapability;
    try {
      if ((await ledger.state(version, distributionId, batchNo)) === 'queued') {
        await ledger.fail(version, distributionId, batchNo, givenUpReason(error.message), job.attemptsMade);
      }
    } catch (recordError) {
      // The runner records it from the job's state instead.
      this.logger.warn(`Could not record batch ${batchNo} of ${taskLabel(task)} failed: ${firstLine(messageOf(recordError))}`);
    }
  }

  /**
   * One batch job: skipped when already done, left for a worker of the dispatcher's build when
   * this worker's code differs, else processed and recorded (together, on SQL with transactions).
   */
  private async process(running: RunningWorker, job: Job<BatchJobData>, token: string | undefined): Promise<string> {
    const { version, distributionId, batchNo } = job.data;
    const ledger = this.store.capabilities.batchLedger as BatchLedgerCapability;
    const state = await ledger.state(version, distributionId, batchNo);
    // A batch of another distribution (the task was reset since) or one already done: nothing to do.
    if (state === null || state === 'completed') {
      return state === null ? 'stale' : 'done already';
    }
    if (job.data.build !== undefined && job.data.build !== running.build) {
      return this.leaveForOtherBuild(running, job, token);
    }
    const lost = new AbortController();
    this.lockLost.set(job.id as string, lost);
    try {
      return await this.apply(running.task, job.data, AbortSignal.any([this.stopping.signal, lost.signal]));
    } catch (error) {
      if (this.stopping.signal.aborted) {
        return this.handBack(running.task, job, token, error);
      }
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 >= attempts) {
        await ledger.fail(version, distributionId, batchNo, recordableError(error), attempts);
      }
      throw error;
    } finally {
      this.lockLost.delete(job.id as string);
    }
  }

  /**
   * A batch stopped by the shutdown at the end of its grace period goes back to the queue as it
   * was: moved to delayed (due at once) under this worker's lock, which BullMQ does not count as
   * an attempt, for another worker to take.
   */
  private async handBack(task: DistributedRegisteredTask, job: Job<BatchJobData>, token: string | undefined, error: unknown): Promise<never> {
    const { DelayedError } = loadBullmq();
    await job.moveToDelayed(Date.now(), token);
    this.logger.warn(`Batch ${job.data.batchNo} of ${taskLabel(task)} stopped at shutdown (${firstLine(messageOf(error))}): handed back to the queue, no attempt spent`);
    throw new DelayedError();
  }

  /**
   * A job dispatched by another build of the app (a rolling deploy: this worker runs the old code,
   * or the new one) is not this worker's to apply: it goes back to the queue, delayed a little so
   * that a worker of the dispatcher's build takes it, spending no attempt. The runner hears of it
   * through the job's progress, and says how many batches were left so.
   */
  private async leaveForOtherBuild(running: RunningWorker, job: Job<BatchJobData>, token: string | undefined): Promise<never> {
    const { DelayedError } = loadBullmq();
    await job.updateProgress({ leftByBuild: running.build } satisfies LeftForOtherBuild);
    await job.moveToDelayed(Date.now() + OTHER_BUILD_DELAY_MS, token);
    running.leftForOtherBuild += 1;
    // Once, then at most every 10 s: the same batches come back every few seconds until a worker of their build takes them.
    if (Date.now() - running.lastLeftLog < OTHER_BUILD_LOG_MS) {
      throw new DelayedError();
    }
    running.lastLeftLog = Date.now();
    this.logger.warn(
      `Batch ${job.data.batchNo} of ${taskLabel(running.task)} left for a worker of another build: dispatched by ${job.data.build}, this worker runs ${running.build} (${plural(running.leftForOtherBuild, 'job')} left so far by this worker)`,
    );
    throw new DelayedError();
  }

  /** Applies a batch; a per-tenant task's batch (its version `<version>@<tenant>`) in its tenant's context. */
  private async apply(task: DistributedRegisteredTask, data: BatchJobData, signal: AbortSignal): Promise<string> {
    const { tenant } = splitKey(data.version);
    if (tenant === null) {
      return this.applyIn(task, data, signal);
    }
    const source = this.tenants;
    if (!source) {
      throw new Error(`${taskLabel(task)}: a batch for tenant ${tenant}, but this process's AfterPartyModule has no tenants source`);
    }
    const bind = source.bindTransaction?.bind(source);
    // The batch's transaction is bound to the tenant as the runner's are.
    const store = bind ? tenantStore(this.store, (manager) => bind(tenant, manager)) : this.store;
    return source.enter(tenant, (handle) => withTenant(handle, () => this.applyIn(task, data, signal, store, handle)));
  }

  private async applyIn(task: DistributedRegisteredTask, data: BatchJobData, signal: AbortSignal, store = this.store, tenant?: TenantHandle): Promise<string> {
    const instance = task.instance as BatchedTask;
    const context = this.context(task, data, signal, tenant);
    const collection = await instance.collection(context);
    if (!collection.range) {
      throw new Error(`${taskLabel(task)}: its collection has no range(), which distributed batches need (typeormKeyset and mongooseKeyset have it)`);
    }
    const items = await collection.range(data.after === null ? undefined : decodeCursor(collection, data.after), decodeCursor(collection, data.last));
    const batchContext = (manager: unknown): BatchContext => ({ ...context, manager, batch: { number: data.batchNo, after: data.after } });
    const transactions = store.capabilities.transactions;
    if (task.batch?.transaction && transactions) {
      const transaction = await transactions.begin();
      try {
        await instance.processBatch(items, batchContext(transaction.manager));
        if (!(await transaction.completeBatch(data.version, data.distributionId, data.batchNo, this.identity))) {
          await transaction.rollback();
          return 'done already';
        }
        await transaction.commit();
      } catch (error) {
        await transaction.rollback().catch(() => undefined);
        throw error;
      }
      return 'completed';
    }
    await instance.processBatch(items, batchContext(undefined));
    await (this.store.capabilities.batchLedger as BatchLedgerCapability).complete(data.version, data.distributionId, data.batchNo, this.identity);
    return 'completed';
  }

  /** What a batch sees in a worker: the run's identity, a logger, and a signal aborted at the end of the shutdown's grace period or when its lock is lost. */
  private context(task: DistributedRegisteredTask, data: BatchJobData, signal: AbortSignal, tenant?: TenantHandle): TaskContext {
    return {
      version: task.version,
      name: task.name,
      tenant,
      runId: data.runId,
      kind: 'deploy',
      deployId: null,
      environment: this.options.environment,
      logger: new Logger(tenant ? `${task.name}@${tenant.id}` : task.name),
      signal,
      progress: { setTotal: () => undefined, advance: () => undefined, setMessage: () => undefined },
      checkpoint: async () => undefined,
      resumeFrom: undefined,
    };
  }
}
