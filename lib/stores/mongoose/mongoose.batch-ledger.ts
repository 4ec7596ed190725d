import type { Collection, Db } from 'mongodb';
import type { BatchLedgerCapability, BatchSummary, DistributedBatch } from '../../interfaces/store.interface';

/** A batch as stored: `_id` is `<version>:<batch number>`, times are BSON dates. */
type BatchDocument = Omit<DistributedBatch, 'updatedAt'> & { _id: string; updatedAt: Date };

/** Who completed a batch: `_id` is `<version>:<distribution id>:<batch number>`. */
interface ClaimDocument {
  _id: string;
  version: string;
  worker: string;
  at: Date;
}

const DUPLICATE_KEY = 11000;

/**
 * The batches of distributed tasks in `<collection>_batches`. Of two deliveries of a batch only
 * one records its completion, though without transactions both may have done its work (at least
 * once). That one is told by an insert on a unique `_id` in `<collection>_batch_claims`, the only
 * write that FerretDB applies atomically: it serves a guarded `updateOne` or `findOneAndUpdate` as
 * a read and a write, so two completions at the same moment both matched a batch not yet
 * completed, and both were told they recorded it.
 */
export class MongooseBatchLedger implements BatchLedgerCapability {
  constructor(
    private readonly db: () => Promise<Db>,
    private readonly collectionName: string,
  ) {}

  async prepare(): Promise<void> {
    await (await this.batches()).createIndex({ version: 1, distributionId: 1, status: 1 });
  }

  async clear(version: string): Promise<void> {
    await (await this.batches()).deleteMany({ version });
    await (await this.claims()).deleteMany({ version });
  }

  async add(batch: DistributedBatch): Promise<void> {
    const { updatedAt, ...rest } = batch;
    // Two upserts at once can both insert: the second then fails on the `_id`, and the batch is recorded.
    await (await this.batches())
      .updateOne({ _id: idOf(batch.version, batch.batchNo) }, { $setOnInsert: { ...rest, updatedAt: new Date(updatedAt) } }, { upsert: true })
      .catch(unlessDuplicate);
  }

  async list(version: string, distributionId: string, states: Array<DistributedBatch['status']> = []): Promise<DistributedBatch[]> {
    const filter = { version, distributionId, ...(states.length > 0 ? { status: { $in: states } } : {}) };
    const docs = await (await this.batches()).find(filter).sort({ batchNo: 1 }).toArray();
    return docs.map(toBatch);
  }

  async summary(version: string, distributionId: string): Promise<BatchSummary> {
    const docs = await (await this.batches())
      .find({ version, distributionId }, { projection: { status: 1, items: 1, worker: 1, error: 1, batchNo: 1 } })
      .sort({ batchNo: 1 })
      .toArray();
    const completed = docs.filter((doc) => doc.status === 'completed');
    const failed = docs.find((doc) => doc.status === 'failed');
    return {
      total: docs.length,
      completed: completed.length,
      failed: docs.filter((doc) => doc.status === 'failed').length,
      queued: docs.filter((doc) => doc.status === 'queued').length,
      itemsDone: completed.reduce((sum, doc) => sum + doc.items, 0),
      workers: new Set(completed.map((doc) => doc.worker)).size,
      firstError: failed?.error ?? null,
      firstFailedBatch: failed?.batchNo ?? null,
    };
  }

  async state(version: string, distributionId: string, batchNo: number): Promise<DistributedBatch['status'] | null> {
    const doc = await (await this.batches()).findOne({ _id: idOf(version, batchNo), distributionId }, { projection: { status: 1 } });
    return doc?.status ?? null;
  }

  /**
   * Claims the batch, then marks it completed. A claim whose holder died before the mark is
   * finished by the next delivery, which is still told that the batch was recorded before it.
   */
  async complete(version: string, distributionId: string, batchNo: number, worker: string): Promise<boolean> {
    const batches = await this.batches();
    const open = { _id: idOf(version, batchNo), distributionId, status: { $ne: 'completed' as const } };
    if (!(await batches.findOne(open, { projection: { _id: 1 } }))) {
      return false;
    }
    const claims = await this.claims();
    const claim: ClaimDocument = { _id: `${version}:${distributionId}:${batchNo}`, version, worker, at: new Date() };
    const won = await claims.insertOne(claim).then(() => true, (error: unknown) => unlessDuplicate(error).then(() => false));
    const by = won ? claim : ((await claims.findOne({ _id: claim._id })) ?? claim);
    await batches.updateOne(open, { $set: { status: 'completed', worker: by.worker, error: null, updatedAt: by.at } });
    return won;
  }

  async fail(version: string, distributionId: string, batchNo: number, error: string, attempts: number): Promise<void> {
    await (await this.batches()).updateOne(
      { _id: idOf(version, batchNo), distributionId, status: { $ne: 'completed' } },
      { $set: { status: 'failed', error, attempts, updatedAt: new Date() } },
    );
  }

  async requeue(version: string, distributionId: string): Promise<number> {
    const result = await (await this.batches()).updateMany({ version, distributionId, status: 'failed' }, { $set: { status: 'queued', error: null } });
    return result.modifiedCount;
  }

  private async batches(): Promise<Collection<BatchDocument>> {
    return (await this.db()).collection<BatchDocument>(`${this.collectionName}_batches`);
  }

  private async claims(): Promise<Collection<ClaimDocument>> {
    return (await this.db()).collection<ClaimDocument>(`${this.collectionName}_batch_claims`);
  }
}

/** Swallows a duplicate key error (the document is there already); rethrows any other. */
async function unlessDuplicate(error: unknown): Promise<void> {
  if ((error as { code?: unknown } | null)?.code !== DUPLICATE_KEY) {
    throw error;
  }
}

function idOf(version: string, batchNo: number): string {
  return `${version}:${batchNo}`;
}

function toBatch({ _id: _ignored, updatedAt, ...rest }: BatchDocument): DistributedBatch {
  return { ...rest, after: rest.after ?? null, last: rest.last ?? null, error: rest.error ?? null, worker: rest.worker ?? null, updatedAt: new Date(updatedAt).toISOString() };
}
