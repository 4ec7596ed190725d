import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mongoose';
import { DataSource } from 'typeorm';
import type { StressTarget } from './targets';

/** The tables (collections) of one stress round, and where its SQLite file lives. */
export interface RoundTables {
  /** after-party's records table, `stress_<id>` (the Mongoose store adds `stress_<id>_lock`). */
  records: string;
  /** One row `(version, pid)` per task execution: `stress_effects_<id>`. */
  effects: string;
  /** The round's scratch directory: the runners' cwd, and the SQLite database file. */
  dir: string;
  /** STRESS_DB_URL for the app: the server URL, or the SQLite file. */
  url: string;
}

/** What the database holds after a round. */
export interface RoundContents {
  /** Effect rows per task version. */
  effects: Map<string, number>;
  /** Completed run records per task version. */
  completed: Map<string, number>;
  /** Run records of any other status (running, failed, interrupted). */
  notCompleted: number;
}

/** Fresh, empty tables for one round: the effects table is created, the records table is left to after-party. */
export async function createRoundTables(target: StressTarget): Promise<RoundTables> {
  const id = `${Date.now().toString(36)}_${process.pid}_${Math.random().toString(36).slice(2, 7)}`;
  const dir = mkdtempSync(join(tmpdir(), 'after-party-stress-'));
  const tables: RoundTables = { records: `stress_${id}`, effects: `stress_effects_${id}`, dir, url: target.url ?? join(dir, 'stress.sqlite') };
  await withDatabase(target, tables, async (db) => {
    if (db.kind === 'mongo') {
      await db.connection.createCollection(tables.effects);
    } else {
      await db.dataSource.query(`CREATE TABLE ${tables.effects} (version varchar(14) NOT NULL, pid integer NOT NULL)`);
    }
  });
  return tables;
}

/** Counts effects and run records, straight from the database. */
export async function readRoundContents(target: StressTarget, tables: RoundTables): Promise<RoundContents> {
  return withDatabase(target, tables, async (db) => {
    let effects: Array<{ version: string }>;
    let records: Array<{ version: string; status: string }>;
    if (db.kind === 'mongo') {
      effects = await db.connection.collection(tables.effects).find({}, { projection: { version: 1 } }).toArray() as unknown as typeof effects;
      const exists = (await db.connection.db?.listCollections({ name: tables.records }).toArray())?.length;
      records = exists
        ? ((await db.connection.collection(tables.records).find({}, { projection: { version: 1, status: 1 } }).toArray()) as unknown as typeof records)
        : [];
    } else {
      effects = await db.dataSource.query(`SELECT version FROM ${tables.effects}`);
      records = (await db.dataSource.createQueryRunner().hasTable(tables.records))
        ? await db.dataSource.query(`SELECT version, status FROM ${tables.records}`)
        : [];
    }
    const contents: RoundContents = { effects: new Map(), completed: new Map(), notCompleted: 0 };
    for (const { version } of effects) {
      contents.effects.set(String(version), (contents.effects.get(String(version)) ?? 0) + 1);
    }
    for (const { version, status } of records) {
      if (status === 'completed') {
        contents.completed.set(String(version), (contents.completed.get(String(version)) ?? 0) + 1);
      } else {
        contents.notCompleted += 1;
      }
    }
    return contents;
  });
}

/** Drops the round's tables (records, lock, effects) and removes its scratch directory. */
export async function dropRoundTables(target: StressTarget, tables: RoundTables): Promise<void> {
  try {
    if (target.db !== 'sqlite') {
      await withDatabase(target, tables, async (db) => {
        for (const name of [tables.records, `${tables.records}_lock`, tables.effects]) {
          if (db.kind === 'mongo') {
            await db.connection.db?.dropCollection(name).catch(() => undefined);
          } else if (!name.endsWith('_lock')) {
            await db.dataSource.query(`DROP TABLE IF EXISTS ${name}`);
          }
        }
      });
    }
  } finally {
    rmSync(tables.dir, { recursive: true, force: true });
  }
}

type OpenDatabase = { kind: 'mongo'; connection: import('mongoose').Connection } | { kind: 'sql'; dataSource: DataSource };

async function withDatabase<T>(target: StressTarget, tables: RoundTables, body: (db: OpenDatabase) => Promise<T>): Promise<T> {
  if (target.db === 'mongo') {
    const connection = await createConnection(tables.url, { serverSelectionTimeoutMS: 5000 }).asPromise();
    try {
      return await body({ kind: 'mongo', connection });
    } finally {
      await connection.close();
    }
  }
  const dataSource =
    target.db === 'sqlite'
      ? new DataSource({ type: 'better-sqlite3', database: tables.url })
      : new DataSource({ type: target.db, url: tables.url, connectTimeout: 5000 });
  await dataSource.initialize();
  try {
    return await body({ kind: 'sql', dataSource });
  } finally {
    await dataSource.destroy();
  }
}
