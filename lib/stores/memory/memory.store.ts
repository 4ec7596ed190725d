import type { VersionState, TaskProgressSnapshot, TaskRunRecord } from '../../interfaces/run-record.interface';
import type { AfterPartyStore, LockOwner, RunCompletion, StoreLock } from '../../interfaces/store.interface';
import { InProcessLock } from '../in-process.lock';
import { pollLock } from '../poll-lock';
import { reduceVersionStates } from '../version-states';

let instances = 0;

/**
 * Keeps run records in the process: for tests (`AfterPartyTestingModule`) and demos.
 * Nothing survives the process, and no other process can see the records.
 */
export class MemoryStore implements AfterPartyStore {
  readonly description = 'memory';
  readonly supportsTransactions = false;
  private readonly records: TaskRunRecord[] = [];
  private readonly lockKey = `memory-store-${++instances}`;

  acquireLock(owner: LockOwner, timeoutMs: number): Promise<StoreLock> {
    return pollLock(new InProcessLock(this.lockKey, owner), timeoutMs);
  }

  async prepare(): Promise<void> {}

  async interruptOrphans(finishedAt: string): Promise<TaskRunRecord[]> {
    const orphans = this.records.filter((record) => record.status === 'running');
    const before = orphans.map((record) => ({ ...record }));
    for (const record of orphans) {
      Object.assign(record, { status: 'interrupted', finishedAt, error: 'The runner stopped before the task finished.' });
    }
    return before;
  }

  async versionStates(deployId: string | null): Promise<VersionState[]> {
    return reduceVersionStates(this.records, deployId);
  }

  async lastRun(version: string): Promise<TaskRunRecord | null> {
    const runs = this.records.filter((record) => record.version === version);
    return runs.length > 0 ? { ...runs[runs.length - 1] } : null;
  }

  async latestRuns(): Promise<TaskRunRecord[]> {
    const latest = new Map<string, TaskRunRecord>();
    for (const record of this.records) {
      const known = latest.get(record.version);
      if (!known || known.startedAt <= record.startedAt) {
        latest.set(record.version, record);
      }
    }
    return [...latest.values()].sort((a, b) => a.version.localeCompare(b.version)).map((record) => ({ ...record }));
  }

  /** Every recorded run, oldest first (a copy). */
  history(): TaskRunRecord[] {
    return this.records.map((record) => ({ ...record }));
  }

  async insertRun(record: TaskRunRecord): Promise<void> {
    this.records.push({ ...record });
  }

  async finishRun(id: string, completion: RunCompletion): Promise<void> {
    const record = this.records.find((r) => r.id === id);
    if (record) {
      Object.assign(record, completion);
    }
  }

  async updateRun(id: string, update: { progress?: TaskProgressSnapshot; checkpoint?: unknown }): Promise<void> {
    const record = this.records.find((r) => r.id === id);
    if (record) {
      // A JSON round trip keeps the same semantics as the database stores.
      Object.assign(record, JSON.parse(JSON.stringify(update)));
    }
  }

  async resetVersion(version: string, note: string): Promise<number> {
    const completed = this.records.filter((record) => record.version === version && record.status === 'completed');
    for (const record of completed) {
      Object.assign(record, { status: 'reset', error: note });
    }
    return completed.length;
  }

  async runInTransaction(): Promise<void> {
    throw new Error('The memory store has no transactions.');
  }

  async pendingMigrations(): Promise<string[]> {
    return [];
  }

  async runMigrations(): Promise<string[]> {
    return [];
  }
}
