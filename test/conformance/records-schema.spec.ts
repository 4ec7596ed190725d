import { DataSource, type DataSourceOptions } from 'typeorm';
import { createAfterPartyMigration, createAfterPartyRecordEntity } from '../../lib/typeorm';
import { dropTestTables } from '../support/drop-tables';
import { ended, runRecord } from '../support/run-records';
import { openHarness, type StoreHarness } from '../support/store-harness';
import { describeEachStore, uniqueTable, type StoreTarget } from '../support/stores';

/** The column types the database reports for the records table, by column. */
async function columnTypes(target: StoreTarget, sql: (q: string, p?: unknown[]) => Promise<any[]>, table: string): Promise<Record<string, string>> {
  if (target.db === 'postgres') {
    const rows = await sql(`SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()`, [table]);
    return Object.fromEntries(rows.map((row) => [row.c, row.t]));
  }
  if (target.db === 'mysql') {
    const rows = await sql(
      `SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_NAME = ? AND TABLE_SCHEMA = DATABASE()`,
      [table],
    );
    return Object.fromEntries(rows.map((row) => [row.c, String(row.t)]));
  }
  const rows = await sql(`PRAGMA table_info("${table}")`);
  return Object.fromEntries(rows.map((row) => [row.name, String(row.type).toLowerCase()]));
}

const EXPECTED: Record<'postgres' | 'mysql' | 'sqlite', Record<string, RegExp>> = {
  postgres: { started_at: /^timestamp with time zone$/, finished_at: /^timestamp with time zone$/, progress: /^jsonb$/, checkpoint: /^jsonb$/ },
  // MariaDB's JSON is an alias of LONGTEXT (with a JSON_VALID check); MySQL has a native json type.
  mysql: { started_at: /^datetime\(3\)$/, finished_at: /^datetime\(3\)$/, progress: /^(json|longtext)$/, checkpoint: /^(json|longtext)$/ },
  sqlite: { started_at: /^varchar\(24\)$/, finished_at: /^varchar\(24\)$/, progress: /^text$/, checkpoint: /^text$/ },
};

/** Runs the exported migration's `up` for `table` on `dataSource`. */
async function migrateUp(dataSource: DataSource, table: string): Promise<void> {
  const Migration = createAfterPartyMigration({ tableName: table });
  const runner = dataSource.createQueryRunner();
  try {
    await new Migration().up(runner);
  } finally {
    await runner.release();
  }
}

describeEachStore(
  'records schema in the database types',
  (target) => {
    let harness: StoreHarness;
    const tables: string[] = [];
    const expected = EXPECTED[target.db as 'postgres' | 'mysql' | 'sqlite'];
    const matches = (types: Record<string, string>) => {
      for (const [column, pattern] of Object.entries(expected)) {
        expect(`${column}: ${types[column]}`).toMatch(new RegExp(`^${column}: ${pattern.source.slice(1)}`));
      }
    };

    beforeAll(async () => {
      harness = await openHarness(target);
    });

    afterAll(async () => {
      for (const table of tables) {
        await dropTestTables(target, table);
      }
      await harness?.close();
    });

    const newTable = (): string => {
      const table = uniqueTable('schema');
      tables.push(table);
      return table;
    };

    it('creates the table with timestamps and JSON columns, and round-trips times to the millisecond', async () => {
      const table = newTable();
      const store = harness.store(table);
      await store.prepare();
      matches(await columnTypes(target, harness.sql!, table));
      const record = runRecord('20260101000001', { startedAt: '2026-03-04T05:06:07.089Z' });
      await store.insertRun(record);
      await store.finishRun(record.id, { ...ended('completed'), finishedAt: '2026-03-04T05:06:08.123Z' });
      expect(await store.lastRun(record.version)).toMatchObject({ startedAt: '2026-03-04T05:06:07.089Z', finishedAt: '2026-03-04T05:06:08.123Z' });
    });

    it('makes the same table through the exported migration', async () => {
      const table = newTable();
      const dataSource = new DataSource(options(target));
      await dataSource.initialize();
      try {
        await migrateUp(dataSource, table);
        matches(await columnTypes(target, (q, p) => dataSource.query(q, p), table));
      } finally {
        await dataSource.destroy();
      }
    });

    it('makes the same table through the exported entity (synchronize), which the store then uses', async () => {
      const table = newTable();
      const dataSource = new DataSource({
        ...options(target),
        entities: [createAfterPartyRecordEntity({ type: target.db === 'sqlite' ? 'better-sqlite3' : target.db, tableName: table })],
        synchronize: true,
      } as DataSourceOptions);
      await dataSource.initialize();
      try {
        matches(await columnTypes(target, (q, p) => dataSource.query(q, p), table));
      } finally {
        await dataSource.destroy();
      }
      const store = harness.store(table);
      const record = runRecord('20260101000002');
      await store.insertRun(record);
      expect(await store.lastRun(record.version)).toEqual(record);
    });

    if (target.db === 'postgres') {
      it("finds an unqualified table in the data source's schema option, where TypeORM and the migration put it (PostgreSQL)", async () => {
        const schema = `ap_option_${process.pid}`;
        const table = newTable();
        await harness.sql!(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        const dataSource = new DataSource({ type: 'postgres', url: target.url, schema });
        await dataSource.initialize();
        try {
          await migrateUp(dataSource, table);
          const store = await harness.otherStore(table, { extra: { schema } });
          await store.prepare();
          const record = runRecord('20260101000004');
          await store.insertRun(record);
          await store.capabilities.batchLedger!.prepare();
          expect(await store.lastRun(record.version)).toEqual(record);
          const lock = await store.acquireLock({ id: 'schema-option', host: 'test', pid: 1, since: new Date().toISOString() }, 0);
          await lock.release();
          const placed = await harness.sql!(`SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_name LIKE $1 ORDER BY table_name`, [`${table}%`]);
          expect(placed).toEqual([
            { s: schema, t: table },
            { s: schema, t: `${table}_batches` },
          ]);
        } finally {
          await dataSource.destroy();
          await harness.sql!(`DROP SCHEMA ${schema} CASCADE`);
        }
      });
    }

    // The harness's own database (for SQLite, its file), so the store reads what these make.
    function options(target: StoreTarget): DataSourceOptions {
      return target.db === 'sqlite'
        ? { type: 'better-sqlite3', database: harness.file as string }
        : { type: target.db as 'postgres' | 'mysql', url: target.url };
    }
  },
  (target) => target.sql,
);

describeEachStore(
  'records schema in the database types',
  (target) => {
    it('stores times as dates', async () => {
      const harness = await openHarness(target);
      const table = uniqueTable('schema');
      try {
        const store = harness.store(table);
        const record = runRecord('20260101000003');
        await store.insertRun(record);
        const doc = await harness.mongo!.db!.collection(table).findOne({});
        expect(doc?.startedAt).toBeInstanceOf(Date);
        expect(await store.lastRun(record.version)).toEqual(record);
      } finally {
        await dropTestTables(target, table);
        await harness.close();
      }
    });
  },
  (target) => target.db === 'mongo',
);
