'use strict';
/**
 * Direct database access for the harness (outside the measured processes): reachability,
 * resetting tables between runs, seeding records for the status benchmark and items for the
 * batched one, checking the items after a run, cleanup.
 * Only tables and collections whose name starts with `bench_` are ever touched.
 */
const { randomUUID } = require('node:crypto');
const { hostname } = require('node:os');

function assertBenchName(name) {
  if (!/^bench_[a-z0-9_]+$/.test(name)) {
    throw new Error(`refusing to touch ${name}: bench tables start with bench_`);
  }
  return name;
}

/** One record row per completed task, as after-party writes them. */
function completedRecord(version, name, startedAt) {
  return {
    id: randomUUID(),
    version,
    name,
    status: 'completed',
    kind: 'deploy',
    deploy_id: null,
    environment: 'development',
    started_at: startedAt,
    finished_at: startedAt,
    duration_ms: 1,
    host: hostname(),
    pid: process.pid,
    error: null,
  };
}

/** The items table of the batched benchmark: `derived` and `applied` are what a run writes. */
const itemsDdl = (table) =>
  `CREATE TABLE "${assertBenchName(table)}" (id integer primary key, value integer not null, derived integer null, applied integer not null default 0)`;
/** Spread-out values (not the id itself), so that `derived = value * 2` is checked against data; 32-bit safe. */
const VALUE_OF_ID = '((i % 65536) * 7919 + i) % 1000003';
/**
 * What runs left in the items: how many rows, right, never applied, applied more than once, and
 * the applications beyond one per row (`extra`, what crashes made runs redo).
 */
const itemStatsSql = (table) => `SELECT COUNT(*) AS rows,
    SUM(CASE WHEN derived = value * 2 THEN 1 ELSE 0 END) AS "right",
    SUM(CASE WHEN applied = 0 THEN 1 ELSE 0 END) AS unapplied,
    SUM(CASE WHEN applied > 1 THEN 1 ELSE 0 END) AS redone,
    SUM(applied) - COUNT(*) AS extra,
    MAX(applied) AS "maxApplied"
  FROM "${assertBenchName(table)}"`;
/** Rows applied past a checkpoint's cursor (what the resumed run does again), and rows up to it never applied (skipped). */
const pastCursorSql = (table, p) => `SELECT
    SUM(CASE WHEN id > ${p} AND applied > 0 THEN 1 ELSE 0 END) AS past,
    SUM(CASE WHEN id <= ${p} AND applied = 0 THEN 1 ELSE 0 END) AS skipped
  FROM "${assertBenchName(table)}"`;
const numbers = (row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v ?? 0)]));

class SqliteDb {
  constructor(file) {
    this.file = file;
    this.kind = 'sqlite';
  }

  async open() {
    const Database = require('better-sqlite3');
    this.db = new Database(this.file);
  }

  async tableExists(table) {
    return Boolean(this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(assertBenchName(table)));
  }

  async countCompleted(table) {
    return this.db.prepare(`SELECT COUNT(*) AS n FROM "${assertBenchName(table)}" WHERE status = 'completed'`).get().n;
  }

  async clear(table) {
    if (await this.tableExists(table)) {
      this.db.exec(`DELETE FROM "${assertBenchName(table)}"`);
    }
  }

  async drop(table) {
    this.db.exec(`DROP TABLE IF EXISTS "${assertBenchName(table)}"`);
  }

  async seedRecords(table, rows) {
    const columns = Object.keys(rows[0]);
    const insert = this.db.prepare(
      `INSERT INTO "${assertBenchName(table)}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    this.db.transaction(() => rows.forEach((row) => insert.run(...columns.map((c) => row[c]))))();
  }

  /** A fresh items table of ids 1..n, in one transaction (a recursive CTE: no rows cross into JS). */
  async seedItems(table, n) {
    this.db.exec(`DROP TABLE IF EXISTS "${assertBenchName(table)}"`);
    this.db.exec(itemsDdl(table));
    this.db
      .prepare(
        `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?) INSERT INTO "${table}" (id, value) SELECT i, ${VALUE_OF_ID} FROM s`,
      )
      .run(n);
  }

  async itemStats(table) {
    return numbers(this.db.prepare(itemStatsSql(table)).get());
  }

  async pastCursor(table, cursor) {
    return numbers(this.db.prepare(pastCursorSql(table, '?')).get(cursor, cursor));
  }

  /** The checkpoint of the latest run of `version` (a run killed mid-way stays `running`). */
  async lastCheckpoint(table, version) {
    const row = this.db.prepare(`SELECT checkpoint FROM "${assertBenchName(table)}" WHERE version = ? ORDER BY started_at DESC LIMIT 1`).get(version);
    return row?.checkpoint ? JSON.parse(row.checkpoint) : null;
  }

  async version() {
    return `SQLite ${this.db.prepare('SELECT sqlite_version() AS v').get().v} (better-sqlite3 ${require('better-sqlite3/package.json').version}, journal_mode=${this.db.pragma('journal_mode', { simple: true })}, synchronous=${this.db.pragma('synchronous', { simple: true })})`;
  }

  async close() {
    this.db?.close();
  }
}

class PostgresDb {
  constructor(url) {
    this.url = url;
    this.kind = 'postgres';
  }

  async open() {
    const { Client } = require('pg');
    this.client = new Client({ connectionString: this.url, connectionTimeoutMillis: 3000 });
    await this.client.connect();
  }

  async tableExists(table) {
    const { rows } = await this.client.query('SELECT to_regclass($1) AS t', [`public."${assertBenchName(table)}"`]);
    return rows[0].t !== null;
  }

  async countCompleted(table) {
    const { rows } = await this.client.query(`SELECT COUNT(*)::int AS n FROM "${assertBenchName(table)}" WHERE status = 'completed'`);
    return rows[0].n;
  }

  async clear(table) {
    if (await this.tableExists(table)) {
      await this.client.query(`DELETE FROM "${assertBenchName(table)}"`);
    }
  }

  async drop(table) {
    await this.client.query(`DROP TABLE IF EXISTS "${assertBenchName(table)}"`);
  }

  async seedRecords(table, rows) {
    const columns = Object.keys(rows[0]);
    await this.client.query('BEGIN');
    for (let start = 0; start < rows.length; start += 1000) {
      const chunk = rows.slice(start, start + 1000);
      const values = [];
      const tuples = chunk.map((row, r) => `(${columns.map((c, i) => (values.push(row[c]), `$${r * columns.length + i + 1}`)).join(', ')})`);
      await this.client.query(
        `INSERT INTO "${assertBenchName(table)}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`,
        values,
      );
    }
    await this.client.query('COMMIT');
  }

  /**
   * A fresh items table of ids 1..n (generate_series), vacuumed and analysed, then a CHECKPOINT
   * when allowed: every run starts with the same table, statistics and WAL position.
   */
  async seedItems(table, n) {
    await this.client.query(`DROP TABLE IF EXISTS "${assertBenchName(table)}"`);
    await this.client.query(itemsDdl(table));
    await this.client.query(`INSERT INTO "${table}" (id, value) SELECT i, ${VALUE_OF_ID} FROM generate_series(1, $1::int) AS i`, [n]);
    await this.client.query(`VACUUM (ANALYZE) "${table}"`);
    await this.client.query('CHECKPOINT').catch(() => undefined); // needs superuser or pg_checkpoint
  }

  async itemStats(table) {
    return numbers((await this.client.query(itemStatsSql(table))).rows[0]);
  }

  async pastCursor(table, cursor) {
    return numbers((await this.client.query(pastCursorSql(table, '$1::int'), [cursor])).rows[0]);
  }

  /** The checkpoint of the latest run of `version` (a run killed mid-way stays `running`). */
  async lastCheckpoint(table, version) {
    const { rows } = await this.client.query(
      `SELECT checkpoint FROM "${assertBenchName(table)}" WHERE version = $1 ORDER BY started_at DESC LIMIT 1`,
      [version],
    );
    const value = rows[0]?.checkpoint;
    return value ? (typeof value === 'string' ? JSON.parse(value) : value) : null;
  }

  async version() {
    const { rows } = await this.client.query('SHOW server_version');
    const { rows: sync } = await this.client.query('SHOW synchronous_commit');
    return `PostgreSQL ${rows[0].server_version} (pg ${require('pg/package.json').version}, synchronous_commit=${sync[0].synchronous_commit})`;
  }

  async close() {
    await this.client?.end();
  }
}

class MongoDb {
  constructor(url) {
    this.url = url;
    this.kind = 'mongo';
  }

  async open() {
    const { MongoClient } = require('mongoose').mongo; // the driver Mongoose ships
    this.client = new MongoClient(this.url, { serverSelectionTimeoutMS: 3000 });
    await this.client.connect();
    this.db = this.client.db();
  }

  async tableExists(name) {
    return (await this.db.listCollections({ name: assertBenchName(name) }).toArray()).length > 0;
  }

  async countCompleted(name) {
    return this.db.collection(assertBenchName(name)).countDocuments({ status: 'completed' });
  }

  async clear(name) {
    await this.db.collection(assertBenchName(name)).deleteMany({});
  }

  async drop(name) {
    if (await this.tableExists(name)) {
      await this.db.collection(assertBenchName(name)).drop();
    }
  }

  async seedRecords(name, rows) {
    const docs = rows.map((row) => ({
      _id: row.id,
      version: row.version,
      name: row.name,
      status: row.status,
      kind: row.kind,
      deployId: row.deploy_id,
      environment: row.environment,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      durationMs: row.duration_ms,
      host: row.host,
      pid: row.pid,
      error: row.error,
    }));
    for (let start = 0; start < docs.length; start += 1000) {
      await this.db.collection(assertBenchName(name)).insertMany(docs.slice(start, start + 1000));
    }
  }

  async version() {
    const info = await this.db.admin().command({ buildInfo: 1 });
    const ferret = info.ferretdbVersion ? `, FerretDB ${info.ferretdbVersion}` : '';
    return `MongoDB wire ${info.version}${ferret} (mongoose ${require('mongoose/package.json').version})`;
  }

  async close() {
    await this.client?.close();
  }
}

module.exports = { SqliteDb, PostgresDb, MongoDb, completedRecord };
