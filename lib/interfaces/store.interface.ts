import type { ControlRequest, RunControl, VersionState, TaskProgressSnapshot, TaskRunRecord, TaskRunStatus } from './run-record.interface';

/** Who holds (or asks for) the run lock. */
export interface LockOwner {
  /** The run session's id. */
  id: string;
  host: string;
  pid: number;
  /** ISO-8601 UTC time the lock was taken. */
  since: string;
}

/**
 * A held run lock. Every lock can be lost while held: a SQL lock with its connection (a killed
 * backend, an idle timeout, a proxy dropping the connection), a lease that was not renewed in
 * time and was taken over. Release it exactly once.
 */
export interface StoreLock {
  /**
   * Aborted, with a `LockLostError` as its reason, as soon as the store finds the lock is no
   * longer held: the runner then stops the current task and starts no other.
   */
  readonly lost: AbortSignal;
  /**
   * Resolves when the lock is certainly still held (a lease close to its expiry is renewed
   * first); rejects with `LockLostError` otherwise. Called before each task starts.
   */
  confirm(): Promise<void>;
  release(): Promise<void>;
}

/** How a run ended, written by {@link AfterPartyStore.finishRun}. */
export interface RunCompletion {
  status: Exclude<TaskRunStatus, 'running' | 'reset'>;
  /** ISO-8601 UTC time the run ended. */
  finishedAt: string;
  durationMs: number;
  error: string | null;
}

/** A page of a version's run history: how many runs to skip (newest first), and how many to read. */
export interface RunPage {
  offset: number;
  limit: number;
}

/** What a running task may save on its record. */
export interface RunUpdate {
  progress?: TaskProgressSnapshot;
  checkpoint?: unknown;
}

/**
 * Persistence of run records and the exclusive run lock: the core every store has. What only
 * some databases offer is in {@link AfterPartyStore.capabilities}.
 */
export interface AfterPartyStore {
  /** A short description for logs and status, e.g. `typeorm/postgres table after_party_runs`. */
  readonly description: string;
  /** Optional capabilities: present when the store has them, absent otherwise. */
  readonly capabilities: StoreCapabilities;
  /**
   * Takes the exclusive run lock, waiting up to `timeoutMs` (0: fail at once).
   * Throws `LockTimeoutError` naming the holder when it cannot.
   */
  acquireLock(owner: LockOwner, timeoutMs: number): Promise<StoreLock>;
  /** Creates the records table or collection when absent. Called under the lock. */
  prepare(): Promise<void>;
  /** Every run still recorded `running`: the runs in progress, or left by a runner that is gone. */
  runningRuns(): Promise<TaskRunRecord[]>;
  /** Marks runs still `running` as `interrupted`; only called under the lock. Returns them as they were. */
  interruptOrphans(finishedAt: string): Promise<TaskRunRecord[]>;
  /**
   * The state of every version that has records: a single query whatever the history size.
   * Empty when the records table does not exist yet.
   */
  versionStates(deployId: string | null): Promise<VersionState[]>;
  /** The most recent run of one version, or null. */
  lastRun(version: string): Promise<TaskRunRecord | null>;
  /** The most recent run of each version (for status); empty when the table does not exist. */
  latestRuns(): Promise<TaskRunRecord[]>;
  /**
   * One page of the runs of `version`, newest first (by start, then id): `limit` runs after the
   * first `offset`. Empty when there are none, or the table does not exist. Reads only.
   */
  runsOf(version: string, page: RunPage): Promise<TaskRunRecord[]>;
  /** Records a new run (usually `running`). */
  insertRun(record: TaskRunRecord): Promise<void>;
  /**
   * Records how run `id` ended, only while it is still `running`. Resolves false, writing
   * nothing, when it is not: another runner took the lock over and recorded it interrupted.
   */
  finishRun(id: string, completion: RunCompletion): Promise<boolean>;
  /** Saves a running task's progress and/or checkpoint (JSON) on its record. */
  updateRun(id: string, update: RunUpdate): Promise<void>;
  /**
   * Turns every completed or cancelled run of `version` into `reset`, so the task is pending
   * again; with `unfinished`, its failed, interrupted and paused runs too, so the next run starts
   * over instead of resuming from their checkpoint. Never a running one. Returns how many.
   */
  resetVersion(version: string, note: string, options?: { unfinished?: boolean }): Promise<number>;
  /**
   * Asks whoever runs `version` now to pause or cancel it (its runner reads it between batches),
   * from any process, naming `actor` (who asked) when the surface knows it. Resolves false when
   * no run of `version` is running: a run that is not running gets no request (the same rules
   * on every store: see `ControlRequests`).
   */
  requestControl(version: string, control: RunControl, actor?: string | null): Promise<boolean>;
  /**
   * What an operator asked of run `id` with {@link requestControl} while it runs, and who, or
   * null. A request does not outlive its run: once the run ended and another request was made,
   * none is read for it.
   */
  readControl(id: string): Promise<ControlRequest | null>;
}

/** What a store may offer beyond the core. The runner asks for each one it needs. */
export interface StoreCapabilities {
  /** Database transactions that can hold task work together with run records (SQL stores). */
  readonly transactions?: TransactionCapability;
  /** The app's schema migrations, applied before tasks run (TypeORM). */
  readonly migrations?: MigrationCapability;
  /** One commit for a task's completion and the next task's start. */
  readonly finishAndStart?: FinishAndStartCapability;
  /** Records of the batches of distributed tasks (`batch.distribute`). */
  readonly batchLedger?: BatchLedgerCapability;
}

/** One batch of a distributed task, as its dispatcher cut it and its workers left it. */
export interface DistributedBatch {
  version: string;
  /** The distribution it belongs to: a task's batches from before a reset never count again. */
  distributionId: string;
  /** 1-based, in key order. */
  batchNo: number;
  status: 'queued' | 'completed' | 'failed';
  /** The encoded key the batch starts after (null: the start of the collection). */
  after: unknown;
  /** The encoded key of its last item. */
  last: unknown;
  /** Items in the batch when it was cut. */
  items: number;
  /** Tries so far. */
  attempts: number;
  error: string | null;
  /** `host pid` of the worker that completed it. */
  worker: string | null;
  /** ISO-8601 UTC time of the last change. */
  updatedAt: string;
}

/** Counts over one distribution's batches. */
export interface BatchSummary {
  total: number;
  completed: number;
  failed: number;
  queued: number;
  /** Items of the completed batches. */
  itemsDone: number;
  /** Distinct workers that completed batches. */
  workers: number;
  /** The error of the first failed batch, if any. */
  firstError: string | null;
  /** The number of the first failed batch, if any. */
  firstFailedBatch: number | null;
}

/** The batch records of distributed tasks, beside the run records. */
export interface BatchLedgerCapability {
  /** Creates the batches table or collection when absent. */
  prepare(): Promise<void>;
  /** Forgets every batch of `version` (a fresh distribution). */
  clear(version: string): Promise<void>;
  /**
   * Records a dispatched batch; a batch of that version and number already recorded is left as it
   * is (whatever its distribution: a fresh distribution clears the version first), also when two
   * processes add it at once.
   */
  add(batch: DistributedBatch): Promise<void>;
  /** The batches of a distribution in the given states (all when none), by number. */
  list(version: string, distributionId: string, states?: Array<DistributedBatch['status']>): Promise<DistributedBatch[]>;
  summary(version: string, distributionId: string): Promise<BatchSummary>;
  /** The state of one batch, or null when it is not recorded. */
  state(version: string, distributionId: string, batchNo: number): Promise<DistributedBatch['status'] | null>;
  /**
   * Marks a batch completed unless it already is; false when it was (a repeated delivery), or
   * when the distribution holds no such batch (one that ended, a number never added). Of
   * completions at the same moment from several processes exactly one resolves true.
   */
  complete(version: string, distributionId: string, batchNo: number, worker: string): Promise<boolean>;
  /** Marks a batch failed for good, with its error and tries; a completed batch stays completed. */
  fail(version: string, distributionId: string, batchNo: number, error: string, attempts: number): Promise<void>;
  /**
   * Failed batches become queued again (to be retried), their error cleared; returns how many.
   * A requeued batch is completed once more, like a new one.
   */
  requeue(version: string, distributionId: string): Promise<number>;
}

/** Opens transactions that task work and run records share. */
export interface TransactionCapability {
  /** Starts a transaction on a connection of its own. */
  begin(): Promise<StoreTransaction>;
  /**
   * True when the process has a single connection to the database (SQLite): its transactions
   * wait for one another (`begin()` resolves once the previous one has ended), and distributed
   * batch workers in the process take one batch at a time.
   */
  readonly oneAtATime: boolean;
  /**
   * Whether a transaction can be opened now while another connection reads, without waiting for
   * a connection that only this process's own work would free (its pool has two to spare; never
   * with a single connection). The batch loop then opens a batch's transaction while its page is
   * read. Absent means never.
   */
  canOpenWhileReading?(): boolean;
}

/**
 * An open transaction. Exactly one of {@link commit} and {@link rollback} ends it; after that,
 * its `manager` refuses further work.
 */
export interface StoreTransaction {
  /** The handle task code writes through (a TypeORM `EntityManager`). */
  readonly manager: unknown;
  /**
   * Saves progress or a checkpoint inside the transaction (it commits with the work, or not at
   * all), only while run `id` is `running`: resolves false, writing nothing, when it is not.
   */
  updateRun(id: string, update: RunUpdate): Promise<boolean>;
  /** Records how run `id` ended inside the transaction, only while it is `running` (see {@link AfterPartyStore.finishRun}). */
  finishRun(id: string, completion: RunCompletion): Promise<boolean>;
  /**
   * Marks a distributed batch completed inside the transaction, unless it already is: false
   * means another delivery of the same batch committed first, and this one must roll back.
   */
  completeBatch(version: string, distributionId: string, batchNo: number, worker: string): Promise<boolean>;
  commit(): Promise<void>;
  /**
   * Rolls back. With `force`, the work may still be in flight (an abandoned task): the
   * transaction's connection is closed on the server side so nothing of it can commit.
   */
  rollback(force?: boolean): Promise<void>;
}

/** Schema migrations of the app's data source. */
export interface MigrationCapability {
  /** Names of migrations the app has not applied yet. */
  pending(): Promise<string[]>;
  /** Applies them; returns their names. */
  run(): Promise<string[]>;
}

/** Writes a completion and the next running record in one commit. */
export interface FinishAndStartCapability {
  /**
   * Records how run `id` ended and the next task's running record, together, only while run
   * `id` is `running`; resolves false, writing neither, when it is not.
   */
  finishAndStart(id: string, completion: RunCompletion, next: TaskRunRecord): Promise<boolean>;
}
