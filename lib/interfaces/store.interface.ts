import type { VersionState, TaskProgressSnapshot, TaskRunRecord, TaskRunStatus } from './run-record.interface';

/** Who holds (or asks for) the run lock. */
export interface LockOwner {
  /** The run session's id. */
  id: string;
  host: string;
  pid: number;
  /** ISO-8601 UTC time the lock was taken. */
  since: string;
}

/** A held run lock; release it exactly once. */
export interface StoreLock {
  release(): Promise<void>;
  /**
   * Aborted if the store finds the lock is no longer held exclusively (a lease that expired
   * and was taken over); the runner then stops the current task. Absent where a lock cannot
   * be lost while its holder lives (SQL session locks).
   */
  readonly lost?: AbortSignal;
}

/** How a run ended, written by {@link AfterPartyStore.finishRun}. */
export interface RunCompletion {
  status: Exclude<TaskRunStatus, 'running' | 'reset'>;
  finishedAt: string;
  durationMs: number;
  error: string | null;
}

/**
 * Persistence of run records and the exclusive run lock.
 * One implementation per database family; the runner and commands only know this.
 */
export interface AfterPartyStore {
  /** A short description for logs and status, e.g. `typeorm/postgres table "after_party_runs"`. */
  readonly description: string;
  /** Whether {@link runInTransaction} is available. */
  readonly supportsTransactions: boolean;
  /**
   * Takes the exclusive run lock, waiting up to `timeoutMs` (0: fail at once).
   * Throws `LockTimeoutError` naming the holder when it cannot.
   */
  acquireLock(owner: LockOwner, timeoutMs: number): Promise<StoreLock>;
  /** Creates the records table or collection when absent. Called under the lock. */
  prepare(): Promise<void>;
  /** Marks runs still `running` as `interrupted`; only called under the lock. Returns them. */
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
  /** Records a new run (usually `running`). */
  insertRun(record: TaskRunRecord): Promise<void>;
  /** Records how a run ended. */
  finishRun(id: string, completion: RunCompletion): Promise<void>;
  /**
   * Records how run `id` ended and, in the same commit, the next task's running record:
   * one durable write per task instead of two. Stores without it get two writes.
   */
  finishAndStart?(id: string, completion: RunCompletion, next: TaskRunRecord): Promise<void>;
  /** Saves a running task's progress and/or checkpoint (JSON) on its record. */
  updateRun(id: string, update: { progress?: TaskProgressSnapshot; checkpoint?: unknown }): Promise<void>;
  /** Turns every completed run of `version` into `reset`, so the task is pending again. Returns how many. */
  resetVersion(version: string, note: string): Promise<number>;
  /**
   * Runs `work` inside a transaction and, in that same transaction, records `completion()`
   * for run `id`; everything rolls back when `work` throws.
   */
  runInTransaction(id: string, work: (manager: unknown) => Promise<void>, completion: () => RunCompletion): Promise<void>;
  /** Schema migrations the app has not applied yet (SQL stores); empty when not applicable. */
  pendingMigrations(): Promise<string[]>;
  /** Applies pending schema migrations; returns their names. */
  runMigrations(): Promise<string[]>;
}
