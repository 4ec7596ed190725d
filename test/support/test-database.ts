import { createConnection, type Connection } from 'mongoose';
import { DataSource } from 'typeorm';
import { useFixtureApp, type FixtureApp } from './fixture-app';
import type { StoreTarget } from './stores';

/** The fixture app's database, opened by the test to count what is really there. */
export interface TestDatabase {
  /** Raw SQL on SQL targets (PostgreSQL placeholders are `$1`, the others `?`). */
  sql(query: string, params?: unknown[]): Promise<any[]>;
  /** The statuses of every recorded run of `version`, oldest first. */
  statuses(version: string): Promise<string[]>;
  /** Whether a table (a collection on MongoDB) of that name exists. */
  hasTable(name: string): Promise<boolean>;
  /** The rows (documents) of a table whose columns equal `where`. */
  rows(table: string, where?: Record<string, string>): Promise<Array<Record<string, unknown>>>;
  /** Creates the batched fixture's items 1..count with `hits` 0; `value` is `id`, or `floor(id / 2)` with repeated values. */
  seedItems(count: number, options?: { repeatedValues?: boolean }): Promise<void>;
  /** How many times each item was applied, by id. */
  hits(): Promise<number[]>;
  close(): Promise<void>;
}

/**
 * A fresh fixture app and its database, open, for every test of the enclosing describe:
 * returns getters for the current test's app and database.
 */
export function useFixtureAppWithDatabase(target: StoreTarget, options: { inProcess?: boolean } = {}): { app: () => FixtureApp; db: () => TestDatabase } {
  const fixture = useFixtureApp(target, undefined, options);
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openDatabase(target, fixture());
  });
  afterEach(async () => {
    await db.close();
  });
  return { app: fixture, db: () => db };
}

/** Opens the fixture app's database, runs `body`, closes it. */
export async function withFixtureDatabase<T>(app: FixtureApp, body: (db: TestDatabase) => Promise<T>): Promise<T> {
  const db = await openDatabase(app.target, app);
  try {
    return await body(db);
  } finally {
    await db.close();
  }
}

export async function openDatabase(target: StoreTarget, app: FixtureApp): Promise<TestDatabase> {
  if (target.db === 'mongo') {
    const connection: Connection = await createConnection(target.url as string, { serverSelectionTimeoutMS: 3000 }).asPromise();
    const db = connection.db!;
    return {
      sql: () => Promise.reject(new Error('no SQL on the MongoDB-wire server')),
      statuses: async (version) => (await db.collection(app.table).find({ version }).sort({ startedAt: 1 }).toArray()).map((doc) => doc.status),
      hasTable: async (name) => (await db.listCollections({ name }).toArray()).length > 0,
      rows: (table, where = {}) => db.collection(table).find(where).toArray(),
      seedItems: async (count, options) => {
        const items = Array.from({ length: count }, (_, i) => ({ _id: i + 1, value: valueOf(i + 1, options), hits: 0 }));
        for (let start = 0; start < items.length; start += 1000) {
          await db.collection(`${app.table}_items`).insertMany(items.slice(start, start + 1000) as never[]);
        }
      },
      hits: async () => (await db.collection(`${app.table}_items`).find({}).sort({ _id: 1 }).toArray()).map((doc) => Number(doc.hits)),
      close: () => connection.close(),
    };
  }
  const dataSource =
    target.db === 'sqlite'
      ? new DataSource({ type: 'better-sqlite3', database: app.env().AP_DB_URL as string })
      : new DataSource({ type: target.db as 'postgres' | 'mysql', url: target.url });
  await dataSource.initialize();
  const p = target.db === 'postgres' ? '$1' : '?';
  return {
    sql: (query, params) => dataSource.query(query, params),
    statuses: async (version) =>
      (await dataSource.query(`SELECT status FROM ${app.table} WHERE version = ${p} ORDER BY started_at`, [version])).map(
        (row: { status: string }) => row.status,
      ),
    hasTable: async (name) => {
      const runner = dataSource.createQueryRunner();
      try {
        return await runner.hasTable(name);
      } finally {
        await runner.release();
      }
    },
    rows: (table, where = {}) => {
      const query = dataSource.createQueryBuilder().select('*').from(table, 't');
      for (const [column, value] of Object.entries(where)) {
        query.andWhere(`t.${column} = :${column}`, { [column]: value });
      }
      return query.getRawMany();
    },
    seedItems: async (count, options) => {
      await dataSource.query(`CREATE TABLE ${app.table}_items (id integer PRIMARY KEY, value integer NOT NULL, hits integer NOT NULL)`);
      for (let start = 1; start <= count; start += 500) {
        const rows = Array.from({ length: Math.min(500, count - start + 1) }, (_, i) => `(${start + i}, ${valueOf(start + i, options)}, 0)`);
        await dataSource.query(`INSERT INTO ${app.table}_items (id, value, hits) VALUES ${rows.join(', ')}`);
      }
    },
    hits: async () => (await dataSource.query(`SELECT hits FROM ${app.table}_items ORDER BY id`)).map((row: { hits: unknown }) => Number(row.hits)),
    close: () => dataSource.destroy(),
  };
}

function valueOf(id: number, options?: { repeatedValues?: boolean }): number {
  return options?.repeatedValues ? Math.floor(id / 2) : id;
}
