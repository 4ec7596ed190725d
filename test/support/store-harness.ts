import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mongoose';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AfterPartyStore, BatchLedgerCapability, DistributedBatch } from '../../lib/interfaces/store.interface';
import { MemoryBatchLedger } from '../../lib/stores/memory/memory.batch-ledger';
import { MemoryStore } from '../../lib/stores/memory/memory.store';
import { MongooseStore } from '../../lib/stores/mongoose/mongoose.store';
import { TypeOrmStore } from '../../lib/stores/typeorm/typeorm.store';
import { lockTiming } from '../../lib/stores/watched-lock';
import type { StoreTarget } from './stores';

/** A live connection to one target's database, making stores over it. */
export interface StoreHarness {
  store(table: string, options?: { leaseMs?: number }): AfterPartyStore;
  /** A second, independent connection's store (another "process" for lock tests). */
  otherStore(table: string, options?: { leaseMs?: number; url?: string; extra?: Partial<DataSourceOptions> }): Promise<AfterPartyStore>;
  /**
   * The batch ledger of `table`'s store; with `other`, that of a store on a second connection.
   * The memory store offers none (it refuses distributed tasks): its target gets the in-process
   * reference ledger, one per table.
   */
  ledger(table: string, other?: boolean): Promise<BatchLedgerCapability>;
  /** How many batch rows or documents of `version` `table`'s ledger holds, read from the database itself. */
  countBatches(table: string, where: BatchFilter): Promise<number>;
  /** Runs raw SQL (SQL targets) for assertions. */
  sql?: (query: string, params?: unknown[]) => Promise<any[]>;
  mongo?: Connection;
  /** The main TypeORM data source (SQL targets). */
  dataSource?: DataSource;
  /** The SQLite database file (SQLite target). */
  file?: string;
  close(): Promise<void>;
}

const DEFAULT_LEASE_MS = 30_000;

/** Which batches to count: always of one version, optionally of one distribution and state. */
export interface BatchFilter {
  version: string;
  distributionId?: string;
  status?: DistributedBatch['status'];
}

/** The ledger of a store made by `make` (on another connection when `other`). */
async function ledgerOf(make: () => AfterPartyStore | Promise<AfterPartyStore>): Promise<BatchLedgerCapability> {
  const ledger = (await make()).capabilities.batchLedger;
  if (!ledger) {
    throw new Error('this store offers no batch ledger');
  }
  return ledger;
}

/** The filter as SQL conditions and parameters, placeholders made by `param`. */
function sqlFilter(where: BatchFilter, param: (index: number) => string): { sql: string; params: unknown[] } {
  const pairs = Object.entries({ version: where.version, distribution_id: where.distributionId, status: where.status }).filter(([, value]) => value !== undefined);
  return { sql: pairs.map(([column], index) => `${column} = ${param(index + 1)}`).join(' AND '), params: pairs.map(([, value]) => value) };
}

/** The conformance targets: the four databases, and the memory store users' specs run on. */
export type HarnessTarget = StoreTarget | { name: 'memory'; db: 'memory'; sql: false; available: true; url?: undefined };

/**
 * Opens a harness on `target`. SQLite gets a fresh database file, or `sqliteFile` (say, a
 * fixture app's) to share its lock with the processes using that file.
 */
export async function openHarness(target: HarnessTarget, options: { sqliteFile?: string; entities?: DataSourceOptions['entities'] } = {}): Promise<StoreHarness> {
  if (target.db === 'memory') {
    const stores = new Map<string, MemoryStore>();
    const store = (table: string): MemoryStore => {
      const known = stores.get(table) ?? new MemoryStore();
      stores.set(table, known);
      return known;
    };
    const ledgers = new Map<string, MemoryBatchLedger>();
    const ledger = async (table: string): Promise<MemoryBatchLedger> => {
      const known = ledgers.get(table) ?? new MemoryBatchLedger();
      ledgers.set(table, known);
      return known;
    };
    // One process holds the records: a second "runner" shares them, and their in-process lock.
    return {
      store,
      otherStore: async (table) => store(table),
      ledger,
      countBatches: async (table, where) =>
        (await ledger(table))
          .all()
          .filter((batch) => Object.entries(where).every(([field, value]) => batch[field as keyof BatchFilter] === value)).length,
      close: async () => undefined,
    };
  }
  if (target.db === 'mongo') {
    const connections: Connection[] = [];
    const open = async (url = target.url as string): Promise<Connection> => {
      const connection = await createConnection(url, { serverSelectionTimeoutMS: 3000 }).asPromise();
      connections.push(connection);
      return connection;
    };
    const main = await open();
    return {
      store: (table, options) => new MongooseStore(() => main, table, lockTiming(options?.leaseMs ?? DEFAULT_LEASE_MS)),
      otherStore: async (table, options) => {
        const other = await open(options?.url);
        return new MongooseStore(() => other, table, lockTiming(options?.leaseMs ?? DEFAULT_LEASE_MS));
      },
      ledger: (table, other) => ledgerOf(() => (other ? open().then((connection) => new MongooseStore(() => connection, table, lockTiming(DEFAULT_LEASE_MS))) : new MongooseStore(() => main, table, lockTiming(DEFAULT_LEASE_MS)))),
      countBatches: (table, where) => main.db!.collection(`${table}_batches`).countDocuments(where),
      mongo: main,
      close: async () => {
        await Promise.all(connections.map((connection) => connection.close()));
      },
    };
  }
  const dir = target.db === 'sqlite' && !options.sqliteFile ? mkdtempSync(join(tmpdir(), 'after-party-conformance-')) : undefined;
  const sources: DataSource[] = [];
  const open = async (url = target.url, extra: Partial<DataSourceOptions> = {}): Promise<DataSource> => {
    const dataSource =
      target.db === 'sqlite'
        ? new DataSource({ type: 'better-sqlite3', database: options.sqliteFile ?? join(dir as string, 'db.sqlite'), entities: options.entities })
        : new DataSource({ type: target.db as 'postgres' | 'mysql', url, entities: options.entities, ...extra } as DataSourceOptions);
    await dataSource.initialize();
    sources.push(dataSource);
    return dataSource;
  };
  const main = await open();
  return {
    store: (table, options) => new TypeOrmStore(() => main, table, lockTiming(options?.leaseMs ?? DEFAULT_LEASE_MS)),
    otherStore: async (table, options) => {
      const other = await open(options?.url ?? target.url, options?.extra);
      return new TypeOrmStore(() => other, table, lockTiming(options?.leaseMs ?? DEFAULT_LEASE_MS));
    },
    ledger: (table, other) =>
      ledgerOf(async () => {
        const dataSource = other ? await open() : main;
        return new TypeOrmStore(() => dataSource, table, lockTiming(DEFAULT_LEASE_MS));
      }),
    countBatches: async (table, where) => {
      const filter = sqlFilter(where, (index) => (target.db === 'postgres' ? `$${index}` : '?'));
      const [row] = await main.query(`SELECT COUNT(*) AS n FROM ${table}_batches WHERE ${filter.sql}`, filter.params);
      return Number(row.n);
    },
    sql: (query, params) => main.query(query, params),
    dataSource: main,
    file: dir ? join(dir, 'db.sqlite') : undefined,
    close: async () => {
      await Promise.all(sources.filter((source) => source.isInitialized).map((source) => source.destroy()));
      if (dir) {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
