import type { Connection } from 'mongoose';
import type { Collection, Db } from 'mongodb';
import type { ControlRequest, RunControl, TaskProgressSnapshot, TaskRunRecord, VersionState } from '../../interfaces/run-record.interface';
import type { AfterPartyStore, LockOwner, RunCompletion, RunPage, RunUpdate, StoreCapabilities, StoreLock } from '../../interfaces/store.interface';
import { ORPHANED_RUN_ERROR } from '../../records/run-messages';
import { ControlRequests, type ControlBackend } from '../control-requests';
import { pollLock } from '../poll-lock';
import { reduceVersionStates, resettable } from '../version-states';
import type { LockTiming } from '../watched-lock';
import { LeaseLock, type LeaseDocument } from './lease.lock';
import { MongooseBatchLedger } from './mongoose.batch-ledger';
import { serverClock, type LeaseClock } from './server-clock';

/** A run record as stored: the run id as `_id`, times as BSON dates. */
interface RecordDocument {
  _id: string;
  version: string;
  name: string;
  status: TaskRunRecord['status'];
  kind: TaskRunRecord['kind'];
  deployId: string | null;
  environment: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  host: string;
  pid: number;
  error: string | null;
  progress: TaskProgressSnapshot | null;
  checkpoint: unknown;
  actor?: string | null;
  /** Where an earlier version of this store wrote pause and cancel requests. */
  control?: string | null;
}

/** An operator's request to a running run, in `<collection>_control`: the run id as `_id`. */
interface ControlDocument {
  _id: string;
  /** As `ControlRequests` encodes it: `pause`, or `pause <who asked>`. */
  control: string;
}

/**
 * Run records in a collection of the app's Mongoose connection, one document per run, a lease
 * lock in `<collection>_lock`, and pause and cancel requests in `<collection>_control`. Only
 * query shapes that both MongoDB and FerretDB serve are used (no `$max`/`$first` group accumulators). Of the optional capabilities it has the
 * batch ledger of distributed tasks; not transactions: MongoDB transactions need a replica set,
 * and run records do not depend on them.
 */
export class MongooseStore implements AfterPartyStore {
  readonly capabilities: StoreCapabilities;
  private readonly leaseClock: LeaseClock = serverClock(() => this.db());
  private readonly controls = new ControlRequests(this.controlBackend());

  constructor(
    private readonly resolveConnection: () => Connection,
    private readonly collectionName: string,
    private readonly lockTiming: LockTiming,
  ) {
    this.capabilities = { batchLedger: new MongooseBatchLedger(() => this.db(), collectionName) };
  }

  get description(): string {
    return `mongoose collection ${this.collectionName}`;
  }

  async acquireLock(owner: LockOwner, timeoutMs: number): Promise<StoreLock> {
    const leases = (await this.db()).collection<LeaseDocument>(`${this.collectionName}_lock`);
    return pollLock(new LeaseLock(leases, owner, this.lockTiming, this.leaseClock), timeoutMs);
  }

  async prepare(): Promise<void> {
    const records = await this.records();
    await records.createIndex({ version: 1, status: 1 });
    await records.createIndex({ status: 1 });
  }

  async runningRuns(): Promise<TaskRunRecord[]> {
    return (await (await this.records()).find({ status: 'running' }).toArray()).map(toRecord);
  }

  async interruptOrphans(finishedAt: string): Promise<TaskRunRecord[]> {
    const orphans = await (await this.records()).find({ status: 'running' }).toArray();
    for (const orphan of orphans) {
      await this.endRun(orphan._id, { status: 'interrupted', finishedAt: new Date(finishedAt), error: ORPHANED_RUN_ERROR });
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
    return reduceVersionStates(
      triples.map(({ _id }) => _id),
      deployId,
    );
  }

  async lastRun(version: string): Promise<TaskRunRecord | null> {
    const [doc] = await (await this.records()).find({ version }).sort({ startedAt: -1 }).limit(1).toArray();
    return doc ? toRecord(doc) : null;
  }

  async runsOf(version: string, page: RunPage): Promise<TaskRunRecord[]> {
    const docs = await (await this.records()).find({ version }).sort({ startedAt: -1, _id: -1 }).skip(page.offset).limit(page.limit).toArray();
    return docs.map(toRecord);
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
    await (await this.records()).insertOne(toDocument(record));
  }

  finishRun(id: string, completion: RunCompletion): Promise<boolean> {
    return this.endRun(id, { ...completion, finishedAt: new Date(completion.finishedAt) });
  }

  async updateRun(id: string, update: RunUpdate): Promise<void> {
    const set = Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined));
    if (Object.keys(set).length > 0) {
      await (await this.records()).updateOne({ _id: id, status: 'running' }, { $set: set });
    }
  }

  async resetVersion(version: string, note: string, options: { unfinished?: boolean } = {}): Promise<number> {
    const result = await (await this.records()).updateMany({ version, status: { $in: resettable(options) } }, { $set: { status: 'reset', error: note } });
    return result.modifiedCount;
  }

  requestControl(version: string, control: RunControl, actor: string | null = null): Promise<boolean> {
    return this.controls.request(version, control, actor);
  }

  readControl(id: string): Promise<ControlRequest | null> {
    return this.controls.read(id);
  }

  /**
   * Writes how run `id` ended, only while it is running; false when it is not. Its runner finishing
   * it and a runner that took the lock over interrupting it may write at the same moment, and
   * FerretDB applies a guarded update as a read and a write: both matched the running record,
   * the runner was told it recorded its end, and the record said interrupted. So the end is
   * decided by an insert on a unique `_id` (the run id) in `<collection>_run_ends`, the one write
   * applied atomically everywhere; the claim goes once the record is written (a later writer
   * finds it ended). A claim left by a process that died holding it is taken over once stale.
   */
  private async endRun(id: string, set: Partial<RecordDocument>): Promise<boolean> {
    const ends = (await this.db()).collection<EndClaim>(`${this.collectionName}_run_ends`);
    if (!(await claim(ends, id))) {
      return false;
    }
    try {
      return (await (await this.records()).updateOne({ _id: id, status: 'running' }, { $set: set })).matchedCount === 1;
    } finally {
      await ends.deleteOne({ _id: id });
    }
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

  /**
   * A request goes into a document of its own, never into the run's record: while a run runs, its
   * runner is then the only process writing its record. A server that applies an update as a read
   * and a write (FerretDB does) would otherwise let a request and a checkpoint saved at the same
   * moment overwrite each other: the checkpoint lost means a batch redone. The requests of ended
   * runs are forgotten at the next request (not when a run ends: that would cost every run a round
   * trip), so the collection holds at most those of runs still running plus those that ended since.
   */
  private controlBackend(): ControlBackend {
    const records = (): Promise<Collection<RecordDocument>> => this.records();
    const controls = async (): Promise<Collection<ControlDocument>> => (await this.db()).collection<ControlDocument>(`${this.collectionName}_control`);
    const ids = (docs: Array<{ _id: string }>): string[] => docs.map(({ _id }) => _id);
    return {
      runningRuns: async (version) => ids(await (await records()).find({ version, status: 'running' }, { projection: { _id: 1 } }).toArray()),
      write: async (id, control) => void (await (await controls()).updateOne({ _id: id }, { $set: { control } }, { upsert: true })),
      // Else a request written into the record by an earlier version of this store.
      read: async (id) =>
        (await (await controls()).findOne({ _id: id }))?.control ??
        (await (await records()).findOne({ _id: id }, { projection: { control: 1 } }))?.control ??
        null,
      apart: {
        requested: async () => ids(await (await controls()).find({}, { projection: { _id: 1 } }).toArray()),
        stillRunning: async (of) => ids(await (await records()).find({ _id: { $in: of }, status: 'running' }, { projection: { _id: 1 } }).toArray()),
        remove: async (of) => void (await (await controls()).deleteMany({ _id: { $in: of } })),
      },
    };
  }
}

/** A run whose end is being written, in `<collection>_run_ends`: the run id as `_id`. */
interface EndClaim {
  _id: string;
  at: Date;
}

/** How long a claim on a run's end may stand before it counts as left by a process that died. */
const STALE_CLAIM_MS = 60_000;

/** Inserts the claim `id`; false when another stands (a stale one is removed and claimed again, once). */
async function claim(ends: Collection<EndClaim>, id: string, retry = true): Promise<boolean> {
  try {
    await ends.insertOne({ _id: id, at: new Date() });
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 11000) {
      throw error;
    }
  }
  const stale = await ends.deleteOne({ _id: id, at: { $lt: new Date(Date.now() - STALE_CLAIM_MS) } });
  return retry && stale.deletedCount === 1 && claim(ends, id, false);
}

function toDocument({ id, startedAt, finishedAt, ...rest }: TaskRunRecord): RecordDocument {
  return { _id: id, ...rest, startedAt: new Date(startedAt), finishedAt: finishedAt === null ? null : new Date(finishedAt) };
}

function toRecord(doc: RecordDocument): TaskRunRecord {
  return {
    id: doc._id,
    version: doc.version,
    name: doc.name,
    status: doc.status,
    kind: doc.kind,
    deployId: doc.deployId ?? null,
    environment: doc.environment ?? null,
    startedAt: isoTime(doc.startedAt) as string,
    finishedAt: isoTime(doc.finishedAt),
    durationMs: doc.durationMs ?? null,
    host: doc.host,
    pid: doc.pid,
    error: doc.error ?? null,
    progress: doc.progress ?? null,
    checkpoint: doc.checkpoint ?? null,
    actor: doc.actor ?? null,
  };
}

function isoTime(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : new Date(value).toISOString();
}
