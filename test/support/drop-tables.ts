import { createConnection } from 'mongoose';
import { DataSource } from 'typeorm';
import type { StoreTarget } from './stores';

/** Drops what a test created on a shared server (records, lock, migrations, widgets). */
export async function dropTestTables(target: StoreTarget | { db: 'memory'; url?: undefined; available: true }, table: string): Promise<void> {
  if (!target.url || !target.available) {
    return;
  }
  if (target.db === 'mongo') {
    const connection = await createConnection(target.url, { serverSelectionTimeoutMS: 3000 }).asPromise();
    try {
      for (const name of [table, `${table}_lock`, `${table}_control`, `${table}_batches`, `${table}_batch_claims`, `${table}_run_ends`, `${table}_effects`, `${table}_items`]) {
        await connection.db?.dropCollection(name).catch(() => undefined);
      }
    } finally {
      await connection.close();
    }
    return;
  }
  const dataSource = new DataSource({ type: target.db as 'postgres' | 'mysql', url: target.url });
  await dataSource.initialize();
  try {
    for (const name of [`${table}_batches`, table, `${table}_migrations`, `${table}_widgets`, `${table}_effects`, `${table}_items`]) {
      await dataSource.query(`DROP TABLE IF EXISTS ${name}`);
    }
  } finally {
    await dataSource.destroy();
  }
}
