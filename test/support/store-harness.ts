import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mongoose';
import { DataSource } from 'typeorm';
import type { AfterPartyStore } from '../../lib/interfaces/store.interface';
import { MongooseStore } from '../../lib/stores/mongoose/mongoose.store';
import { TypeOrmStore } from '../../lib/stores/typeorm/typeorm.store';
import type { StoreTarget } from './stores';

/** A live connection to one target's database, making stores over it. */
export interface StoreHarness {
  store(table: string, options?: { leaseMs?: number }): AfterPartyStore;
  /** A second, independent connection's store (another "process" for lock tests). */
  otherStore(table: string): Promise<AfterPartyStore>;
  /** Runs raw SQL (SQL targets) for assertions. */
  sql?: (query: string) => Promise<any[]>;
  mongo?: Connection;
  close(): Promise<void>;
}

/**
 * Opens a harness on `target`. SQLite gets a fresh database file, or `sqliteFile` (say, a
 * fixture app's) to share its lock with the processes using that file.
 */
export async function openHarness(target: StoreTarget, options: { sqliteFile?: string } = {}): Promise<StoreHarness> {
  if (target.db === 'mongo') {
    const connections: Connection[] = [];
    const open = async (): Promise<Connection> => {
      const connection = await createConnection(target.url as string, { serverSelectionTimeoutMS: 3000 }).asPromise();
      connections.push(connection);
      return connection;
    };
    const main = await open();
    return {
      store: (table, options) => new MongooseStore(() => main, table, options?.leaseMs ?? 30_000),
      otherStore: async (table) => {
        const other = await open();
        return new MongooseStore(() => other, table, 30_000);
      },
      mongo: main,
      close: async () => {
        await Promise.all(connections.map((connection) => connection.close()));
      },
    };
  }
  const dir = target.db === 'sqlite' && !options.sqliteFile ? mkdtempSync(join(tmpdir(), 'after-party-conformance-')) : undefined;
  const sources: DataSource[] = [];
  const open = async (): Promise<DataSource> => {
    const dataSource =
      target.db === 'sqlite'
        ? new DataSource({ type: 'better-sqlite3', database: options.sqliteFile ?? join(dir as string, 'db.sqlite') })
        : new DataSource({ type: target.db as 'postgres' | 'mysql', url: target.url });
    await dataSource.initialize();
    sources.push(dataSource);
    return dataSource;
  };
  const main = await open();
  return {
    store: (table) => new TypeOrmStore(() => main, table),
    otherStore: async (table) => {
      const other = await open();
      return new TypeOrmStore(() => other, table);
    },
    sql: (query) => main.query(query),
    close: async () => {
      await Promise.all(sources.filter((source) => source.isInitialized).map((source) => source.destroy()));
      if (dir) {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
