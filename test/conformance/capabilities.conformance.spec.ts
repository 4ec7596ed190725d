import type { AfterPartyStore, StoreTransaction } from '../../lib/interfaces/store.interface';
import { dropTestTables } from '../support/drop-tables';
import { ended, runRecord } from '../support/run-records';
import { openHarness, type StoreHarness } from '../support/store-harness';
import { describeEachConformanceTarget, uniqueTable } from '../support/stores';

type Manager = { query(sql: string, params?: unknown[]): Promise<unknown> };

describeEachConformanceTarget('store conformance: capabilities', (target) => {
  let harness: StoreHarness;
  let table: string;
  let store: AfterPartyStore;

  beforeAll(async () => {
    harness = await openHarness(target);
  });

  afterAll(async () => {
    await harness?.close();
  });

  beforeEach(async () => {
    table = uniqueTable('cap');
    store = harness.store(table);
    await store.prepare();
  });

  afterEach(async () => {
    await dropTestTables(target, table);
  });

  const offered = target.sql ? ['batchLedger', 'finishAndStart', 'migrations', 'transactions'] : target.db === 'mongo' ? ['batchLedger'] : [];
  it(`offers ${offered.length > 0 ? offered.join(', ') : 'no optional capability'}`, () => {
    expect(Object.keys(store.capabilities).sort()).toEqual(offered);
  });

  if (!target.sql) {
    return;
  }

  const effects = () => `${table}_effects`;
  const effectIds = async (): Promise<number[]> => (await harness.sql!(`SELECT id FROM ${effects()} ORDER BY id`)).map((row) => Number(row.id));
  const begin = (): Promise<StoreTransaction> => store.capabilities.transactions!.begin();

  beforeEach(async () => {
    await harness.sql!(`CREATE TABLE ${effects()} (id integer PRIMARY KEY)`);
  });

  it(
    target.db === 'sqlite'
      ? 'never opens a batch transaction while a page is read (one connection: its first statement would be a read)'
      : 'lets a batch transaction open while a page is read only while the pool has two connections to spare',
    async () => {
      const transactions = store.capabilities.transactions!;
      expect(transactions.canOpenWhileReading!()).toBe(target.db !== 'sqlite');
      if (target.db === 'sqlite') {
        return;
      }
      // The pool holds 10 (the drivers' default): with 9 taken, a transaction and a read at once would wait on each other.
      const held = await Promise.all(
        Array.from({ length: 9 }, async () => {
          const runner = harness.dataSource!.createQueryRunner();
          await runner.connect();
          await runner.query('SELECT 1');
          return runner;
        }),
      );
      try {
        expect(transactions.canOpenWhileReading!()).toBe(false);
        await held.pop()!.release();
        expect(transactions.canOpenWhileReading!()).toBe(true);
      } finally {
        await Promise.all(held.map((runner) => runner.release()));
      }
    },
  );

  it('finish-and-start records a completion and the next start in one commit, or neither for a taken-over run', async () => {
    const first = runRecord('20260101000001');
    await store.insertRun(first);
    const next = runRecord('20260101000002');
    expect(await store.capabilities.finishAndStart!.finishAndStart(first.id, ended('completed'), next)).toBe(true);
    expect(await store.lastRun(first.version)).toMatchObject({ status: 'completed' });
    expect(await store.lastRun(next.version)).toEqual(next);

    await store.interruptOrphans(new Date().toISOString());
    const third = runRecord('20260101000003');
    expect(await store.capabilities.finishAndStart!.finishAndStart(next.id, ended('completed'), third)).toBe(false);
    expect(await store.lastRun(next.version)).toMatchObject({ status: 'interrupted' });
    expect(await store.lastRun(third.version)).toBeNull();
  });

  it('commits work, checkpoint and completion together', async () => {
    const record = runRecord('20260101000004');
    await store.insertRun(record);
    const tx = await begin();
    await (tx.manager as Manager).query(`INSERT INTO ${effects()} (id) VALUES (1)`);
    await tx.updateRun(record.id, { checkpoint: { lastId: 1 } });
    expect(await tx.finishRun(record.id, ended('completed'))).toBe(true);
    await tx.commit();
    expect(await effectIds()).toEqual([1]);
    expect(await store.lastRun(record.version)).toMatchObject({ status: 'completed', checkpoint: { lastId: 1 } });
  });

  it('rolls back work and checkpoint together: a checkpoint is never ahead of committed work', async () => {
    const record = runRecord('20260101000005');
    await store.insertRun(record);
    await store.updateRun(record.id, { checkpoint: { lastId: 0 } });
    const tx = await begin();
    await (tx.manager as Manager).query(`INSERT INTO ${effects()} (id) VALUES (2)`);
    await tx.updateRun(record.id, { checkpoint: { lastId: 2 } });
    if (target.db !== 'sqlite') {
      // Another connection sees neither before the commit (SQLite has a single connection).
      expect((await (await harness.otherStore(table)).lastRun(record.version))?.checkpoint).toEqual({ lastId: 0 });
    }
    await tx.rollback();
    expect(await effectIds()).toEqual([]);
    expect(await store.lastRun(record.version)).toMatchObject({ status: 'running', checkpoint: { lastId: 0 } });
    expect(await store.finishRun(record.id, ended('failed', 'half way'))).toBe(true);
    expect(await store.lastRun(record.version)).toMatchObject({ status: 'failed', error: 'half way' });
  });

  it(`keeps transactions begun at once apart: one rolled back takes none of the other's work with it${target.db === 'sqlite' ? ' (SQLite: the second waits for the first to end)' : ''}`, async () => {
    expect(store.capabilities.transactions!.oneAtATime).toBe(target.db === 'sqlite');
    const first = await begin();
    let secondBegun = false;
    const pending = begin().then((tx) => ((secondBegun = true), tx));
    await (first.manager as Manager).query(`INSERT INTO ${effects()} (id) VALUES (10)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // On SQLite both would otherwise share the one connection's single transaction.
    expect(secondBegun).toBe(target.db !== 'sqlite');
    if (target.db === 'sqlite') {
      await first.rollback();
    }
    const second = await pending;
    await (second.manager as Manager).query(`INSERT INTO ${effects()} (id) VALUES (11)`);
    await second.commit();
    await first.rollback();
    expect(await effectIds()).toEqual([11]);
  });

  it('writes no completion inside a transaction over a taken-over run', async () => {
    const record = runRecord('20260101000006');
    await store.insertRun(record);
    await store.interruptOrphans(new Date().toISOString());
    const tx = await begin();
    await (tx.manager as Manager).query(`INSERT INTO ${effects()} (id) VALUES (3)`);
    expect(await tx.finishRun(record.id, ended('completed'))).toBe(false);
    await tx.rollback();
    expect(await effectIds()).toEqual([]);
    expect(await store.lastRun(record.version)).toMatchObject({ status: 'interrupted' });
  });

  it('force-rolls back a transaction whose work is still in flight, and refuses its later writes', async () => {
    const tx = await begin();
    const manager = tx.manager as Manager;
    await manager.query(`INSERT INTO ${effects()} (id) VALUES (4)`);
    const sleep = target.db === 'postgres' ? 'SELECT pg_sleep(30)' : target.db === 'mysql' ? 'SELECT SLEEP(30)' : null;
    const inFlight = sleep ? manager.query(sleep).then(() => 'finished', () => 'stopped') : Promise.resolve('none');
    const started = Date.now();
    await tx.rollback(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await effectIds()).toEqual([]);
    if (sleep) {
      // The abandoned work's connection is gone: its query stopped, and nothing it writes can land.
      expect(await inFlight).toBe('stopped');
      await expect(manager.query(`INSERT INTO ${effects()} (id) VALUES (5)`)).rejects.toThrow();
      expect(await effectIds()).toEqual([]);
    }
  });

  it('lists and applies no schema migrations when the data source has none', async () => {
    expect(await store.capabilities.migrations!.pending()).toEqual([]);
    expect(await store.capabilities.migrations!.run()).toEqual([]);
  });
});
