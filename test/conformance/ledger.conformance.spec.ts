import type { BatchLedgerCapability, DistributedBatch } from '../../lib/interfaces/store.interface';
import { dropTestTables } from '../support/drop-tables';
import { openHarness, type BatchFilter, type StoreHarness } from '../support/store-harness';
import { describeEachConformanceTarget, uniqueTable } from '../support/stores';

/**
 * The batch ledger of distributed tasks, on every store: what the dispatcher, the workers and
 * the follower rely on, asserted by counting the rows or documents the ledger leaves. One table
 * per store; each test works on versions of its own.
 */
describeEachConformanceTarget('store conformance: batch ledger', (target) => {
  let harness: StoreHarness;
  let table: string;
  let ledger: BatchLedgerCapability;
  let versions = 0;
  /** A version no other test of this block uses. */
  const nextVersion = (): string => `2026020100${String(++versions).padStart(4, '0')}`;
  const count = (where: BatchFilter): Promise<number> => harness.countBatches(table, where);

  const batch = (version: string, batchNo: number, overrides: Partial<DistributedBatch> = {}): DistributedBatch => ({
    version,
    distributionId: 'dist-a',
    batchNo,
    status: 'queued',
    after: batchNo === 1 ? null : `key-${batchNo - 1}`,
    last: `key-${batchNo}`,
    items: 10 * batchNo,
    attempts: 0,
    error: null,
    worker: null,
    updatedAt: new Date(Date.UTC(2026, 1, 1)).toISOString(),
    ...overrides,
  });

  /** Adds batches 1..n of `version` to distribution `distributionId`. */
  const addBatches = async (version: string, n: number, distributionId = 'dist-a'): Promise<void> => {
    for (let batchNo = 1; batchNo <= n; batchNo++) {
      await ledger.add(batch(version, batchNo, { distributionId }));
    }
  };

  beforeAll(async () => {
    harness = await openHarness(target);
    table = uniqueTable('ledger');
    ledger = await harness.ledger(table);
    await ledger.prepare();
    await ledger.prepare();
  });

  afterAll(async () => {
    await dropTestTables(target, table);
    await harness?.close();
  });

  it('records each batch once: adding the same batches again leaves them as they are', async () => {
    const version = nextVersion();
    await addBatches(version, 3);
    await ledger.complete(version, 'dist-a', 2, 'host-1 11');
    await addBatches(version, 3);
    await ledger.add(batch(version, 2, { items: 999 }));
    expect(await count({ version })).toBe(3);
    expect(await ledger.list(version, 'dist-a')).toEqual([
      batch(version, 1),
      { ...batch(version, 2), status: 'completed', worker: 'host-1 11', updatedAt: expect.any(String) },
      batch(version, 3),
    ]);
  });

  it('records each batch once when two connections add the same batches at the same time', async () => {
    const version = nextVersion();
    const other = await harness.ledger(table, true);
    for (const batchNo of [1, 2, 3]) {
      await Promise.all([ledger.add(batch(version, batchNo)), other.add(batch(version, batchNo, { items: 999 }))]);
    }
    expect(await count({ version })).toBe(3);
    expect((await ledger.list(version, 'dist-a')).map((b) => b.batchNo)).toEqual([1, 2, 3]);
  });

  it('lists the batches of a distribution by number, in the states asked for, every field as written', async () => {
    const version = nextVersion();
    const cursor = { id: 42, at: ['2026-02-01T00:00:00.000Z', 'ü'] };
    for (const batchNo of [3, 1, 2]) {
      await ledger.add(batch(version, batchNo, { last: batchNo === 2 ? cursor : `key-${batchNo}` }));
    }
    await ledger.complete(version, 'dist-a', 1, 'host-1 11');
    await ledger.fail(version, 'dist-a', 3, 'boom', 2);
    expect((await ledger.list(version, 'dist-a')).map((b) => [b.batchNo, b.status])).toEqual([
      [1, 'completed'],
      [2, 'queued'],
      [3, 'failed'],
    ]);
    expect(await ledger.list(version, 'dist-a', ['queued'])).toEqual([batch(version, 2, { last: cursor })]);
    expect((await ledger.list(version, 'dist-a', ['queued', 'failed'])).map((b) => b.batchNo)).toEqual([2, 3]);
    expect(await ledger.list(version, 'dist-b')).toEqual([]);
  });

  it('completes a batch once: a repeated completion is refused and changes nothing', async () => {
    const version = nextVersion();
    await addBatches(version, 2);
    expect(await ledger.complete(version, 'dist-a', 1, 'host-1 11')).toBe(true);
    expect(await ledger.complete(version, 'dist-a', 1, 'host-2 22')).toBe(false);
    expect(await count({ version, status: 'completed' })).toBe(1);
    expect(await ledger.state(version, 'dist-a', 1)).toBe('completed');
    expect(await ledger.list(version, 'dist-a', ['completed'])).toMatchObject([{ batchNo: 1, worker: 'host-1 11' }]);
  });

  it('completes a batch exactly once when two connections complete it at the same time', async () => {
    const version = nextVersion();
    await addBatches(version, 8);
    const other = await harness.ledger(table, true);
    for (const batchNo of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const outcomes = await Promise.all([ledger.complete(version, 'dist-a', batchNo, 'host-1 11'), other.complete(version, 'dist-a', batchNo, 'host-2 22')]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    }
    expect(await count({ version, status: 'completed' })).toBe(8);
    expect(await count({ version })).toBe(8);
  });

  // Workers of tasks with `batch.transaction` complete the batch inside the batch's transaction.
  const serverSql = target.sql && target.db !== 'sqlite' ? it : null;
  serverSql?.("completes a batch once when one completion commits in a worker's transaction while another arrives: the other is refused, or counts after a rollback", async () => {
    const version = nextVersion();
    await addBatches(version, 2);
    const other = await harness.ledger(table, true);
    const transactions = harness.store(table).capabilities.transactions!;
    for (const [batchNo, end] of [
      [1, 'commit'],
      [2, 'rollback'],
    ] as const) {
      const transaction = await transactions.begin();
      expect(await transaction.completeBatch(version, 'dist-a', batchNo, 'host-1 11')).toBe(true);
      // Waits for the transaction's row lock: decided by how the transaction ends.
      const meanwhile = other.complete(version, 'dist-a', batchNo, 'host-2 22');
      await (end === 'commit' ? transaction.commit() : transaction.rollback());
      expect(await meanwhile).toBe(end === 'rollback');
      const completedBy = end === 'commit' ? 'host-1 11' : 'host-2 22';
      expect((await ledger.list(version, 'dist-a')).find((b) => b.batchNo === batchNo)).toMatchObject({ status: 'completed', worker: completedBy });
    }
    expect(await count({ version, status: 'completed' })).toBe(2);
  });

  it('refuses to complete a batch it does not hold: another number, another distribution, another version', async () => {
    const version = nextVersion();
    await addBatches(version, 1);
    expect(await ledger.complete(version, 'dist-a', 2, 'host-1 11')).toBe(false);
    expect(await ledger.complete(version, 'dist-b', 1, 'host-1 11')).toBe(false);
    expect(await ledger.complete(nextVersion(), 'dist-a', 1, 'host-1 11')).toBe(false);
    expect(await count({ version, status: 'queued' })).toBe(1);
    expect(await ledger.state(version, 'dist-b', 1)).toBeNull();
    expect(await ledger.state(version, 'dist-a', 2)).toBeNull();
  });

  it('counts a failed batch with its error and tries, and requeues it; a completion after the requeue counts', async () => {
    const version = nextVersion();
    await addBatches(version, 3);
    await ledger.fail(version, 'dist-a', 2, 'no such row', 3);
    expect(await count({ version, status: 'failed' })).toBe(1);
    expect(await ledger.state(version, 'dist-a', 2)).toBe('failed');
    expect(await ledger.list(version, 'dist-a', ['failed'])).toMatchObject([{ batchNo: 2, error: 'no such row', attempts: 3 }]);

    expect(await ledger.requeue(version, 'dist-a')).toBe(1);
    expect(await ledger.requeue(version, 'dist-a')).toBe(0);
    expect(await count({ version, status: 'failed' })).toBe(0);
    expect(await count({ version, status: 'queued' })).toBe(3);
    expect(await ledger.list(version, 'dist-a', ['queued'])).toMatchObject([{ batchNo: 1 }, { batchNo: 2, error: null }, { batchNo: 3 }]);

    expect(await ledger.complete(version, 'dist-a', 2, 'host-1 11')).toBe(true);
    expect(await ledger.complete(version, 'dist-a', 2, 'host-2 22')).toBe(false);
    expect(await count({ version, status: 'completed' })).toBe(1);
  });

  it('never fails or requeues a completed batch', async () => {
    const version = nextVersion();
    await addBatches(version, 1);
    await ledger.complete(version, 'dist-a', 1, 'host-1 11');
    await ledger.fail(version, 'dist-a', 1, 'a late failure of a redelivered job', 5);
    expect(await ledger.requeue(version, 'dist-a')).toBe(0);
    expect(await ledger.list(version, 'dist-a')).toMatchObject([{ status: 'completed', error: null, worker: 'host-1 11' }]);
    expect(await count({ version, status: 'completed' })).toBe(1);
  });

  it('sums up each state, the items done, the workers and the first failure', async () => {
    const version = nextVersion();
    expect(await ledger.summary(version, 'dist-a')).toEqual({
      total: 0,
      completed: 0,
      failed: 0,
      queued: 0,
      itemsDone: 0,
      workers: 0,
      firstError: null,
      firstFailedBatch: null,
    });
    await addBatches(version, 6);
    await ledger.complete(version, 'dist-a', 1, 'host-1 11');
    await ledger.complete(version, 'dist-a', 2, 'host-2 22');
    await ledger.complete(version, 'dist-a', 4, 'host-1 11');
    await ledger.fail(version, 'dist-a', 5, 'fifth', 3);
    await ledger.fail(version, 'dist-a', 3, 'third', 3);
    expect(await ledger.summary(version, 'dist-a')).toEqual({
      total: 6,
      completed: 3,
      failed: 2,
      queued: 1,
      itemsDone: 10 + 20 + 40,
      workers: 2,
      firstError: 'third',
      firstFailedBatch: 3,
    });
    expect(await count({ version, distributionId: 'dist-a' })).toBe(6);
  });

  it('keeps the ledgers of two tasks apart, and clears one without touching the other', async () => {
    const [first, second] = [nextVersion(), nextVersion()];
    await addBatches(first, 3);
    await addBatches(second, 2);
    await ledger.complete(first, 'dist-a', 1, 'host-1 11');
    await ledger.fail(second, 'dist-a', 1, 'second task', 1);
    expect(await ledger.summary(first, 'dist-a')).toMatchObject({ total: 3, completed: 1, failed: 0, queued: 2 });
    expect(await ledger.summary(second, 'dist-a')).toMatchObject({ total: 2, completed: 0, failed: 1, queued: 1, firstError: 'second task' });
    expect(await ledger.requeue(first, 'dist-a')).toBe(0);
    expect(await ledger.state(second, 'dist-a', 1)).toBe('failed');

    await ledger.clear(first);
    expect(await count({ version: first })).toBe(0);
    expect(await count({ version: second })).toBe(2);
    expect(await ledger.list(second, 'dist-a')).toHaveLength(2);
  });

  it("ignores what arrives for a distribution that ended: a new distribution's batches count, the old one's completion does not", async () => {
    const version = nextVersion();
    await addBatches(version, 2, 'dist-old');
    await ledger.clear(version);
    await addBatches(version, 2, 'dist-new');
    expect(await ledger.complete(version, 'dist-old', 1, 'host-1 11')).toBe(false);
    await ledger.fail(version, 'dist-old', 2, 'from the old distribution', 3);
    expect(await count({ version, distributionId: 'dist-new', status: 'queued' })).toBe(2);
    expect(await count({ version, distributionId: 'dist-old' })).toBe(0);
    expect(await ledger.summary(version, 'dist-old')).toMatchObject({ total: 0 });
    expect(await ledger.summary(version, 'dist-new')).toMatchObject({ total: 2, queued: 2, completed: 0, failed: 0 });
  });
});
