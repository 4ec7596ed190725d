import { createConnection, type Connection } from 'mongoose';
import { DataSource } from 'typeorm';
import type { FixtureApp } from './fixture-app';
import type { StoreTarget } from './stores';

/** The fixture app's database, opened by the test to count what is really there. */
export interface TestDatabase {
  /** Raw SQL on SQL targets (PostgreSQL placeholders are `$1`, the others `?`). */
  sql(query: string, params?: unknown[]): Promise<any[]>;
  /** The statuses of every recorded run of `version`, oldest first. */
  statuses(version: string): Promise<string[]>;
  /** Whether the records table (or collection) exists. */
  hasRecords(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openDatabase(target: StoreTarget, app: FixtureApp): Promise<TestDatabase> {
  if (target.db === 'mongo') {
    const connection: Connection = await createConnection(target.url as string, { serverSelectionTimeoutMS: 3000 }).asPromise();
    const db = connection.db!;
    return {
      sql: () => Promise.reject(new Error('no SQL on the MongoDB-wire server')),
      statuses: async (version) => (await db.collection(app.table).find({ version }).sort({ startedAt: 1 }).toArray()).map((doc) => doc.status),
      hasRecords: async () => (await db.listCollections({ name: app.table }).toArray()).length > 0,
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
    hasRecords: async () => {
      const runner = dataSource.createQueryRunner();
      try {
        return await runner.hasTable(app.table);
      } finally {
        await runner.release();
      }
    },
    close: () => dataSource.destroy(),
  };
}
