import { plural } from '../format/text.format';
import type { BatchLedgerCapability, BatchSummary } from '../interfaces/store.interface';
import type { BatchQueue } from './batch-queue.interface';
import { Bell } from './bell';
import { batchJobId, batchNoOf, givenUpReason, type LeftForOtherBuild } from './batch-job';
import { reconcile } from './batch-jobs';
import { buildFingerprint } from './build-fingerprint';
import type { DispatchDeps } from './dispatch';

/** The least time between two reads of the batches' progress, however fast batches settle. */
export const MIN_READ_GAP_MS = 50;
/** How often the runner reads the batches' progress when no batch settles (while dispatching too). */
export const POLL_MS = 1000;
/** After this long without a batch settling, the runner checks the unsettled batches' jobs. */
const RECONCILE_MS = 10_000;
/** After this long with queued batches and no worker, the runner says so (once per stall). */
const NO_WORKER_WARNING_MS = 30_000;
/** The least time between two warnings about batches left for workers of another build. */
const OTHER_BUILD_WARNING_MS = 10_000;

/**
 * The runner's view of a distribution's batches from its dispatch to its end: it hears the jobs'
 * events (a batch settled, a job BullMQ gave up on, a job a worker of another build left), records
 * in the ledger the batches whose job BullMQ failed for good, reports progress across the workers,
 * and, when nothing settles for a while, checks the jobs of the batches still queued.
 */
export class BatchFollower {
  readonly bell = new Bell();
  /** When the run started (its dispatch): the "s in" of the progress counts from here. */
  private readonly started = Date.now();
  private readonly build: string;
  /** Batches whose job BullMQ failed for good, heard from the event stream, not recorded yet. */
  private readonly givenUp = new Map<number, string>();
  /** Batches whose lost job this run queued again. */
  private readonly lost = new Set<number>();
  /** Batches that a worker of another build left for the others, and those builds. */
  private readonly leftForOtherBuild = new Set<number>();
  private readonly otherBuilds = new Set<string>();
  private warnedLeft = 0;
  private lastLeftWarning = 0;
  /** The items already counted in the progress (-1: none yet, so the first summary is reported). */
  private done: number;
  private settled = -1;
  private lastSettled = Date.now();
  private lastReconciled = Date.now();
  private lastRead = 0;
  private warnedNoWorker = false;
  private stopWatching: () => Promise<void> = async () => undefined;

  constructor(
    private readonly deps: DispatchDeps,
    private readonly queue: BatchQueue,
    private readonly ledger: BatchLedgerCapability,
    private readonly distributionId: string,
    doneBefore: number,
  ) {
    this.done = doneBefore > 0 ? doneBefore : -1;
    this.build = buildFingerprint(deps.task);
  }

  /** Starts listening to the jobs' events (before the first job is queued, so that none is missed). */
  start(): void {
    this.stopWatching = this.deps.distribution.watch(this.deps.task, {
      settled: this.bell.ring,
      failed: (jobId, reason) => {
        const batchNo = batchNoOf(jobId, this.distributionId);
        if (batchNo !== null) {
          this.givenUp.set(batchNo, givenUpReason(reason));
          this.bell.ring();
        }
      },
      progress: (jobId, data) => {
        const batchNo = batchNoOf(jobId, this.distributionId);
        const leftBy = (data as Partial<LeftForOtherBuild> | null)?.leftByBuild;
        if (batchNo !== null && typeof leftBy === 'string') {
          this.leftForOtherBuild.add(batchNo);
          this.otherBuilds.add(leftBy);
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.stopWatching();
  }

  /** Whether a read of the progress is due while dispatching (at most one per {@link POLL_MS}). */
  due(): boolean {
    return Date.now() - this.lastRead >= POLL_MS;
  }

  /** Records the jobs BullMQ gave up on, reads the batches' summary and reports it. */
  async observe(): Promise<BatchSummary> {
    this.lastRead = Date.now();
    for (const [batchNo, reason] of [...this.givenUp]) {
      this.givenUp.delete(batchNo);
      await this.recordGivenUp(batchNo, reason);
    }
    const summary = await this.ledger.summary(this.deps.task.version, this.distributionId);
    this.report(summary);
    this.warnOtherBuilds();
    return summary;
  }

  /**
   * Records a batch failed whose job BullMQ failed for good, as an event said. The job itself has
   * the last word: an event read from before this run repaired the batch (its job was replaced)
   * is stale. A worker may have recorded the failure already (its own last attempt): that stands.
   */
  private async recordGivenUp(batchNo: number, reason: string): Promise<void> {
    const { version } = this.deps.task;
    const job = await this.queue.getJob(batchJobId({ distributionId: this.distributionId, batchNo }));
    if (!job || !(await job.isFailed()) || (await this.ledger.state(version, this.distributionId, batchNo)) !== 'queued') {
      return;
    }
    await this.ledger.fail(version, this.distributionId, batchNo, job.failedReason ? givenUpReason(job.failedReason) : reason, job.attemptsMade);
  }

  /** When nothing settled for a while: checks the queued batches' jobs, and warns (once per stall) when no worker is connected. */
  async check(summary: BatchSummary): Promise<void> {
    if (summary.completed !== this.settled) {
      this.settled = summary.completed;
      this.lastSettled = Date.now();
      this.warnedNoWorker = false;
    } else if (Date.now() - Math.max(this.lastSettled, this.lastReconciled) >= RECONCILE_MS) {
      this.lastReconciled = Date.now();
      await reconcile(this.deps, this.queue, this.ledger, this.distributionId, this.lost);
    }
    if (!this.warnedNoWorker && Date.now() - this.lastSettled > NO_WORKER_WARNING_MS && (await this.queue.getWorkers()).length === 0) {
      this.warnedNoWorker = true;
      this.deps.logger.warn(
        `No batch of ${this.deps.context.name} has settled for ${NO_WORKER_WARNING_MS / 1000} s and no worker is connected: start app processes with distribution.workers set (or AFTER_PARTY_WORKERS=1).`,
      );
    }
  }

  /** Progress across the workers: items, rate, batches and how many workers. */
  private report(summary: BatchSummary): void {
    const { progress } = this.deps;
    if (summary.itemsDone !== this.done) {
      progress.advance(summary.itemsDone - Math.max(this.done, 0));
      this.done = summary.itemsDone;
    }
    progress.setMessage(
      `(batches ${summary.completed}/${summary.total}${summary.failed ? `, ${summary.failed} failed` : ''}, done by ${plural(summary.workers, 'worker')}, ${Math.round((Date.now() - this.started) / 1000)} s in)`,
    );
  }

  /** Says how many batches workers of another build left (when that number grew, at most every 10 s). */
  private warnOtherBuilds(): void {
    const left = this.leftForOtherBuild.size;
    if (left === this.warnedLeft || Date.now() - this.lastLeftWarning < OTHER_BUILD_WARNING_MS) {
      return;
    }
    this.warnedLeft = left;
    this.lastLeftWarning = Date.now();
    this.deps.logger.warn(
      `${plural(left, 'batch', 'batches')} of ${this.deps.context.name} left for workers of another build: workers running other code (${[...this.otherBuilds].join(', ')}) took them and left them to workers of this run's build (${this.build}); they wait for those`,
    );
  }
}
