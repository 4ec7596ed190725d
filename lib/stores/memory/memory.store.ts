import type { ControlRequest, RunControl, TaskRunRecord, VersionState } from '../../interfaces/run-record.interface';
import type { AfterPartyStore, LockOwner, RunCompletion, RunPage, RunUpdate, StoreCapabilities, StoreLock } from '../../interfaces/store.interface';
import { ORPHANED_RUN_ERROR } from '../../records/run-messages';
import { ControlRequests } from '../control-requests';
import { InProcessLock } from '../in-process.lock';
import { pollLock } from '../poll-lock';
import { reduceVersionStates, resettable } from '../version-states';

let instances = 0;

/**
 * Keeps run records in the process: for tests (`AfterPartyTestingModule`) and demos.
 * Nothing survives the process, and no other process can see the records.
 */
export class MemoryStore implements AfterPartyStore {
  readonly description = 'memory';
  readonly capabilities: StoreCapabilities = {};
  private readonly records: TaskRunRecord[] = [];
  private readonly requests = new Map<string, string>();
  private readonly controls = new ControlRequests({
    runningRuns: async (version) => this.records.filter((record) => record.version === version && record.status === 'running').map((record) => record.id),
    write: async (id, control) => void this.requests.set(id, control),
    read: async (id) => this.requests.get(id) ?? null,
    apart: {
      requested: async () => [...this.requests.keys()],
      stillRunning: async (ids) => ids.filter((id) => this.records.some((record) => record.id === id && record.status === 'running')),
      remove: async (ids) => ids.forEach((id) => this.requests.delete(id)),
    },
  });
  private readonly lockKey = `memory-store-${++instances}`;

  acquireLock(owner: LockOwner, timeoutMs: number): Promise<StoreLock> {
    return pollLock(new InProcessLock(this.lockKey, owner), timeoutMs);
  }

  async prepare(): Promise<void> {}

  async runningRuns(): Promise<TaskRunRecord[]> {
    return this.records.filter((record) => record.status === 'running').map(copy);
  }

  async interruptOrphans(finishedAt: string): Promise<TaskRunRecord[]> {
    const orphans = this.records.filter((record) => record.status === 'running');
    const before = orphans.map((record) => copy(record));
    for (const record of orphans) {
      Object.assign(record, { status: 'interrupted', finishedAt, error: ORPHANED_RUN_ERROR });
    }
    return before;
  }

  async versionStates(deployId: string | null): Promise<VersionState[]> {
    return reduceVersionStates(this.records, deployId);
  }

  async lastRun(version: string): Promise<TaskRunRecord | null> {
    const runs = this.records.filter((record) => record.version === version);
    return runs.length > 0 ? copy(runs[runs.length - 1]) : null;
  }

  async latestRuns(): Promise<TaskRunRecord[]> {
    const latest = new Map<string, TaskRunRecord>();
    for (const record of this.records) {
      const known = latest.get(record.version);
      if (!known || known.startedAt <= record.startedAt) {
        latest.set(record.version, record);
      }
    }
    return [...latest.values()].sort((a, b) => a.version.localeCompare(b.version)).map(copy);
  }

  async runsOf(version: string, page: RunPage): Promise<TaskRunRecord[]> {
    const runs = this.records.filter((record) => record.version === version);
    // Newest first; the insert order breaks ties of equal start times (the later insert first).
    const newestFirst = runs.map((record, index) => ({ record, index })).sort((a, b) => b.record.startedAt.localeCompare(a.record.startedAt) || b.index - a.index);
    return newestFirst.slice(page.offset, page.offset + page.limit).map(({ record }) => copy(record));
  }

  /** Every recorded run, oldest first (a copy). */
  history(): TaskRunRecord[] {
    return this.records.map(copy);
  }

  async insertRun(record: TaskRunRecord): Promise<void> {
    this.records.push(copy(record));
  }

  async finishRun(id: string, completion: RunCompletion): Promise<boolean> {
    const record = this.records.find((r) => r.id === id && r.status === 'running');
    if (record) {
      Object.assign(record, completion);
      await this.controls.ended(id);
    }
    return record !== undefined;
  }

  async updateRun(id: string, update: RunUpdate): Promise<void> {
    const record = this.records.find((r) => r.id === id && r.status === 'running');
    if (record) {
      Object.assign(record, copy(update));
    }
  }

  requestControl(version: string, control: RunControl, actor: string | null = null): Promise<boolean> {
    return this.controls.request(version, control, actor);
  }

  readControl(id: string): Promise<ControlRequest | null> {
    return this.controls.read(id);
  }

  async resetVersion(version: string, note: string, options: { unfinished?: boolean } = {}): Promise<number> {
    const statuses: string[] = resettable(options);
    const completed = this.records.filter((record) => record.version === version && statuses.includes(record.status));
    for (const record of completed) {
      Object.assign(record, { status: 'reset', error: note });
    }
    return completed.length;
  }
}

/** A JSON round trip: the same semantics as the database stores (no shared references). */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
