import type { BatchLedgerCapability, BatchSummary, DistributedBatch } from '../../interfaces/store.interface';

/**
 * The batch ledger's contract in the process: batches keyed by version and number, as the
 * database ledgers key them. The memory store does not offer it (distributed tasks need a store
 * that other processes see); it is the reference the ledger conformance suite holds the database
 * ledgers to, and an in-process ledger for code that needs one.
 */
export class MemoryBatchLedger implements BatchLedgerCapability {
  /** Every batch, by version and number (specs read it to wait for the dispatcher). */
  readonly batches = new Map<string, DistributedBatch>();

  async prepare(): Promise<void> {}

  async clear(version: string): Promise<void> {
    for (const [key, batch] of this.batches) {
      if (batch.version === version) {
        this.batches.delete(key);
      }
    }
  }

  async add(batch: DistributedBatch): Promise<void> {
    const key = keyOf(batch.version, batch.batchNo);
    if (!this.batches.has(key)) {
      this.batches.set(key, { ...batch });
    }
  }

  async list(version: string, distributionId: string, states: Array<DistributedBatch['status']> = []): Promise<DistributedBatch[]> {
    return this.of(version, distributionId)
      .filter((batch) => states.length === 0 || states.includes(batch.status))
      .map((batch) => ({ ...batch }));
  }

  async summary(version: string, distributionId: string): Promise<BatchSummary> {
    const batches = this.of(version, distributionId);
    const completed = batches.filter((batch) => batch.status === 'completed');
    const failed = batches.filter((batch) => batch.status === 'failed');
    return {
      total: batches.length,
      completed: completed.length,
      failed: failed.length,
      queued: batches.filter((batch) => batch.status === 'queued').length,
      itemsDone: completed.reduce((sum, batch) => sum + batch.items, 0),
      workers: new Set(completed.map((batch) => batch.worker)).size,
      firstError: failed[0]?.error ?? null,
      firstFailedBatch: failed[0]?.batchNo ?? null,
    };
  }

  async state(version: string, distributionId: string, batchNo: number): Promise<DistributedBatch['status'] | null> {
    return this.find(version, distributionId, batchNo)?.status ?? null;
  }

  async complete(version: string, distributionId: string, batchNo: number, worker: string): Promise<boolean> {
    const batch = this.find(version, distributionId, batchNo);
    if (!batch || batch.status === 'completed') {
      return false;
    }
    Object.assign(batch, { status: 'completed', worker, error: null, updatedAt: new Date().toISOString() });
    return true;
  }

  async fail(version: string, distributionId: string, batchNo: number, error: string, attempts: number): Promise<void> {
    const batch = this.find(version, distributionId, batchNo);
    if (batch && batch.status !== 'completed') {
      Object.assign(batch, { status: 'failed', error, attempts, updatedAt: new Date().toISOString() });
    }
  }

  async requeue(version: string, distributionId: string): Promise<number> {
    const failed = this.of(version, distributionId).filter((batch) => batch.status === 'failed');
    failed.forEach((batch) => Object.assign(batch, { status: 'queued', error: null }));
    return failed.length;
  }

  /** Every batch recorded, of every version (copies). */
  all(): DistributedBatch[] {
    return [...this.batches.values()].map((batch) => ({ ...batch }));
  }

  private find(version: string, distributionId: string, batchNo: number): DistributedBatch | undefined {
    const batch = this.batches.get(keyOf(version, batchNo));
    return batch?.distributionId === distributionId ? batch : undefined;
  }

  private of(version: string, distributionId: string): DistributedBatch[] {
    return [...this.batches.values()].filter((batch) => batch.version === version && batch.distributionId === distributionId).sort((a, b) => a.batchNo - b.batchNo);
  }
}

function keyOf(version: string, batchNo: number): string {
  return `${version}:${batchNo}`;
}
