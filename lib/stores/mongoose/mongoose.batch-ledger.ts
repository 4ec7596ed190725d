import type { Collection, Db } from 'mongodb';
import type { BatchLedgerCapability, BatchSummary, DistributedBatch } from '../../interfaces/store.interface';

/** A batch as stored: `_id` is `<version>:<batch number>`, times are BSON dates. */
type BatchDocument = Omit<DistributedBatch, 'updatedAt'> & { _id: string; updatedAt: Date };

/**
 * The batches of distributed tasks in `<collection>_batches`. Completing a batch is one guarded
 * update (`status: { $ne: 'completed' }`): of two deliveries of a batch only one records it,
 * though without transactions both may have done its work (at least once).
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
  }

  async add(batch: DistributedBatch): Promise<void> {
    const { updatedAt, ...rest } = batch;
    await (await this.batches()).updateOne(
      { _id: idOf(batch.version, batch.batchNo) },
      { $setOnInsert: { ...rest, updatedAt: new Date(updatedAt) } },
      { upsert: true },
    );
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

  async complete(version: string, distributionId: string, batchNo: number, worker: string): Promise<boolean> {
    const result = await (await this.batches()).updateOne(
      { _id: idOf(version, batchNo), distributionId, status: { $ne: 'completed' } },
      { $set: { status: 'completed', worker, error: null, updatedAt: new Date() } },
    );
    return result.matchedCount === 1;
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
}

function idOf(version: string, batchNo: number): string {
  return `${version}:${batchNo}`;
}

function toBatch({ _id: _ignored, updatedAt, ...rest }: BatchDocument): DistributedBatch {
  return { ...rest, after: rest.after ?? null, last: rest.last ?? null, error: rest.error ?? null, worker: rest.worker ?? null, updatedAt: new Date(updatedAt).toISOString() };
}
