import type { Connection } from 'mongoose';
import type { Collection, Db } from 'mongodb';
import type { VersionState, TaskProgressSnapshot, TaskRunRecord } from '../../interfaces/run-record.interface';
import type { AfterPartyStore, LockOwner, RunCompletion, StoreLock } from '../../interfaces/store.interface';
import { pollLock } from '../poll-lock';
import { reduceVersionStates } from '../version-states';
import { LeaseLock, type LeaseDocument } from './lease.lock';

/** A run record as stored: the record with the run id as `_id`. */
type RecordDocument = Omit<TaskRunRecord, 'id'> & { _id: string };

/**
 * Run records in a collection of the app's Mongoose connection, one document per run, and a
 * lease lock in `<collection>_lock`. Only query shapes that both MongoDB and FerretDB serve
 * are used (no `$max`/`$first` group accumulators).
 */
export class MongooseStore implements AfterPartyStore {
  /** MongoDB transactions need a replica set; run records do not depend on them. */
  readonly supportsTransactions = false;

  constructor(
    private readonly resolveConnection: () => Connection,
    private readonly collectionName: string,
    private readonly leaseMs: number,
  ) {}

  get description(): string {
    return `mongoose collection ${this.collectionName}`;
  }

  async acquireLock(owner: LockOwner, timeoutMs: number): Promise<StoreLock> {
    const leases = (await this.db()).collection<LeaseDocument>(`${this.collectionName}_lock`);
    return pollLock(new LeaseLock(leases, owner, this.leaseMs), timeoutMs);
  }

  async prepare(): Promise<void> {
    const records = await this.records();
    await records.createIndex({ version: 1, status: 1 });
    await records.createIndex({ status: 1 });
  }

  async interruptOrphans(finishedAt: string): Promise<TaskRunRecord[]> {
    const records = await this.records();
    const orphans = await records.find({ status: 'running' }).toArray();
    if (orphans.length > 0) {
      await records.updateMany(
        { _id: { $in: orphans.map((orphan) => orphan._id) }, status: 'running' },
        { $set: { status: 'interrupted', finishedAt, error: 'The runner stopped before the task finished (crash, kill or lost connection).' } },
      );
    }
    return orphans.map(toRecord);
  }

  async versionStates(deployId: string | null): Promise<VersionState[]> {
    const records = await this.records();
    // One round trip: the distinct (version, status, deployId) triples, reduced here.
    const triples = await records
      .aggregate<{ _id: { version: string; status: string; deployId: string | null } }>([
        { $group: { _id: { version: '$version', status: '$status', deployId: '$deployId' } } },
      ])
      .toArray();
    return reduceVersionStates(triples.map(({ _id }) => _id), deployId);
  }

  async lastRun(version: string): Promise<TaskRunRecord | null> {
    const [doc] = await (await this.records()).find({ version }).sort({ startedAt: -1 }).limit(1).toArray();
    return doc ? toRecord(doc) : null;
  }

  async latestRuns(): Promise<TaskRunRecord[]> {
    const records = await this.records();
    const latest = new Map<string, RecordDocument>();
    const cursor = records.find({}, { projection: { checkpoint: 0 } }).sort({ version: 1, startedAt: -1 });
    for await (const doc of cursor) {
      if (!latest.has(doc.version)) {
        latest.set(doc.version, doc);
      }
    }
    return [...latest.values()].map(toRecord);
  }

  async insertRun(record: TaskRunRecord): Promise<void> {
    const { id, ...rest } = record;
    await (await this.records()).insertOne({ _id: id, ...rest });
  }

  async finishRun(id: string, completion: RunCompletion): Promise<void> {
    await (await this.records()).updateOne({ _id: id }, { $set: { ...completion } });
  }

  async updateRun(id: string, update: { progress?: TaskProgressSnapshot; checkpoint?: unknown }): Promise<void> {
    const set = Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined));
    if (Object.keys(set).length > 0) {
      await (await this.records()).updateOne({ _id: id }, { $set: set });
    }
  }

  async resetVersion(version: string, note: string): Promise<number> {
    const result = await (await this.records()).updateMany({ version, status: 'completed' }, { $set: { status: 'reset', error: note } });
    return result.modifiedCount;
  }

  async runInTransaction(): Promise<void> {
    throw new Error('The mongoose store does not run tasks in transactions.');
  }

  async pendingMigrations(): Promise<string[]> {
    return [];
  }

  async runMigrations(): Promise<string[]> {
    return [];
  }

  private async db(): Promise<Db> {
    const connection = this.resolveConnection();
    if (!connection.db) {
      await connection.asPromise();
    }
    return connection.db as Db;
  }

  private async records(): Promise<Collection<RecordDocument>> {
    return (await this.db()).collection<RecordDocument>(this.collectionName);
  }
}

function toRecord({ _id, ...rest }: RecordDocument): TaskRunRecord {
  return {
    id: _id,
    version: rest.version,
    name: rest.name,
    status: rest.status,
    kind: rest.kind,
    deployId: rest.deployId ?? null,
    environment: rest.environment ?? null,
    startedAt: rest.startedAt,
    finishedAt: rest.finishedAt ?? null,
    durationMs: rest.durationMs ?? null,
    host: rest.host,
    pid: rest.pid,
    error: rest.error ?? null,
    progress: rest.progress ?? null,
    checkpoint: rest.checkpoint ?? null,
  };
}
