'use strict';
/**
 * The batched-task benchmark app: an ordinary Nest app using after-party through
 * `require('after-party')` (dist/), with one task over the `bench_items` table, chosen by BENCH_SIDE:
 *
 *   ours       a batched task: `collection()` is `typeormKeyset(repository, { key: 'id' })` (entities;
 *              BENCH_COLLECTION=plain adds `plain: true`, =raw uses the loop's own SELECT), and
 *              `processBatch` sets `derived = value * 2, applied = applied + 1` for its batch
 *              (through `ctx.manager` with BENCH_BATCH_TX=1, else through the DataSource)
 *   peer       a plain task whose `run()` is the hand-written keyset loop doing the same batches:
 *              `SELECT id, value ... WHERE id > $cursor ORDER BY id LIMIT n`, then the same UPDATE
 *              (in `dataSource.transaction()` with BENCH_BATCH_TX=1, else on its own)
 *   resumable  the same loop saving its cursor after every batch (in the batch's transaction with
 *              BENCH_BATCH_TX=1), as a loop that can resume must
 *
 * Both run as `node bench/batched-app.js after-party:run`: the same boot, the same DataSource and
 * pool, the same run lock and records; the only difference is who drives the loop. The time of a
 * task is taken from after-party's `task.started` to its `task.completed` event (the run record
 * is inserted before the first and its completion written before the second, alike for both).
 *
 * Environment: BENCH_DB (sqlite | postgres), BENCH_URL, BENCH_TABLE (records table),
 * BENCH_ITEMS (items table), BENCH_SIDE, BENCH_BATCH_TX, BENCH_BATCH_SIZE (default 1000),
 * BENCH_RESULT_FILE (JSON written at exit: ms, cpuMs (this process's CPU time over the same span),
 * rssStartKb, maxRssKb, liveHeapKb (heap in use after a full GC at exit, with --expose-gc)).
 * Prints `bench:started` on stderr when the task starts (the crash check waits for it).
 */
require('reflect-metadata');
const { writeFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const { Inject, Injectable, Module } = require('@nestjs/common');
const { TypeOrmModule } = require('@nestjs/typeorm');
const { DataSource, EntitySchema } = require('typeorm');
const { AfterPartyEvents, AfterPartyModule, AfterPartyTask, runAfterPartyCommand } = require('after-party');
const { typeormKeyset } = require('after-party/typeorm');

const db = process.env.BENCH_DB ?? 'sqlite';
const url = process.env.BENCH_URL ?? 'bench.sqlite';
const table = process.env.BENCH_TABLE ?? 'bench_batched_runs';
const items = process.env.BENCH_ITEMS ?? 'bench_items';
const side = process.env.BENCH_SIDE ?? 'ours';
const transaction = process.env.BENCH_BATCH_TX === '1';
const size = Number(process.env.BENCH_BATCH_SIZE ?? 1000);
if (!/^bench_[a-z0-9_]+$/.test(items)) throw new Error(`BENCH_ITEMS must start with bench_, not ${items}`);

// Only the columns a backfill reads: both sides select id and value.
const BenchItem = new EntitySchema({
  name: 'BenchItem',
  tableName: items,
  columns: { id: { type: Number, primary: true }, value: { type: Number } },
});

const p = (index) => (db === 'postgres' ? `$${index}` : '?');
/** The batch's work, the same statement on both sides: the batch is the key range first..last. */
const UPDATE = `UPDATE ${items} SET derived = value * 2, applied = applied + 1 WHERE id BETWEEN ${p(1)} AND ${p(2)}`;
const FIRST_PAGE = `SELECT id, value FROM ${items} ORDER BY id LIMIT ${p(1)}`;
const NEXT_PAGE = `SELECT id, value FROM ${items} WHERE id > ${p(1)} ORDER BY id LIMIT ${p(2)}`;

/**
 * BENCH_COLLECTION=raw: the same pages as a hand-written `KeysetCollection` (the peer's SELECT,
 * plain rows instead of entities), to tell the runner's own cost from typeormKeyset's reading.
 */
function rawKeyset(dataSource) {
  return {
    page: (cursor, limit) => dataSource.query(cursor === undefined ? FIRST_PAGE : NEXT_PAGE, cursor === undefined ? [limit] : [cursor, limit]),
    cursorOf: (row) => row.id,
    count: async () => Number((await dataSource.query(`SELECT COUNT(*) AS n FROM ${items}`))[0].n),
  };
}

class BackfillDerivedTask {
  constructor(dataSource) {
    this.dataSource = dataSource;
  }

  collection() {
    if (process.env.BENCH_COLLECTION === 'raw') {
      return rawKeyset(this.dataSource);
    }
    const plain = process.env.BENCH_COLLECTION === 'plain';
    return typeormKeyset(this.dataSource.getRepository(BenchItem), { key: 'id', plain });
  }

  async processBatch(batch, ctx) {
    await (ctx.manager ?? this.dataSource).query(UPDATE, [batch[0].id, batch[batch.length - 1].id]);
  }
}
Inject(DataSource)(BackfillDerivedTask, undefined, 0);
AfterPartyTask({ version: '20260101000001', name: 'bench-batched', batch: { size, transaction } })(BackfillDerivedTask);

const CURSOR_TABLE = 'bench_loop_cursor';
const SAVE_CURSOR = `UPDATE ${CURSOR_TABLE} SET cursor = ${p(1)} WHERE id = 1`;

/**
 * The hand-written keyset loop a developer would write in a plain task, doing the same batches.
 * `resumable`: the same loop made resumable the way a developer would without batched tasks: it
 * saves its cursor after every batch (in the batch's transaction with BENCH_BATCH_TX=1, else right
 * after the batch) in a one-row table, and starts from the saved cursor (the batched task's
 * guarantees: exactly once, or at most one batch redone).
 */
async function handWrittenLoop(dataSource, resumable) {
  let cursor;
  if (resumable) {
    await dataSource.query(`CREATE TABLE IF NOT EXISTS ${CURSOR_TABLE} (id integer PRIMARY KEY, cursor integer)`);
    const [saved] = await dataSource.query(`SELECT cursor FROM ${CURSOR_TABLE} WHERE id = 1`);
    if (!saved) {
      await dataSource.query(`INSERT INTO ${CURSOR_TABLE} (id, cursor) VALUES (1, NULL)`);
    }
    cursor = saved?.cursor ?? undefined;
  }
  for (;;) {
    const page = await dataSource.query(cursor === undefined ? FIRST_PAGE : NEXT_PAGE, cursor === undefined ? [size] : [cursor, size]);
    if (page.length === 0) {
      return;
    }
    const range = [page[0].id, page[page.length - 1].id];
    if (transaction) {
      await dataSource.transaction(async (manager) => {
        await manager.query(UPDATE, range);
        if (resumable) await manager.query(SAVE_CURSOR, [range[1]]);
      });
    } else {
      await dataSource.query(UPDATE, range);
      if (resumable) await dataSource.query(SAVE_CURSOR, [range[1]]);
    }
    cursor = range[1];
    if (page.length < size) {
      return;
    }
  }
}

class HandWrittenKeysetTask {
  constructor(dataSource) {
    this.dataSource = dataSource;
  }

  run() {
    return handWrittenLoop(this.dataSource, false);
  }
}
Inject(DataSource)(HandWrittenKeysetTask, undefined, 0);
AfterPartyTask({ version: '20260101000002', name: 'bench-keyset' })(HandWrittenKeysetTask);

// Injected as its parent is (constructor parameter metadata is inherited).
class ResumableKeysetTask extends HandWrittenKeysetTask {
  run() {
    return handWrittenLoop(this.dataSource, true);
  }
}
AfterPartyTask({ version: '20260101000003', name: 'bench-resumable-keyset' })(ResumableKeysetTask);

/** Times the task from `task.started` to `task.completed` and keeps the figures for the harness. */
class BenchClock {
  constructor(events) {
    this.result = { side, transaction, ms: null, cpuMs: null, rssStartKb: null, maxRssKb: null, liveHeapKb: null };
    events.on('task.started', () => {
      this.result.rssStartKb = Math.round(process.memoryUsage.rss() / 1024);
      this.cpu = process.cpuUsage();
      this.started = performance.now();
      process.stderr.write('bench:started\n');
    });
    events.on('task.completed', () => {
      this.result.ms = performance.now() - this.started;
      const cpu = process.cpuUsage(this.cpu);
      this.result.cpuMs = (cpu.user + cpu.system) / 1000;
    });
    process.on('exit', () => {
      this.result.maxRssKb = process.resourceUsage().maxRSS;
      if (typeof global.gc === 'function') {
        // With --expose-gc: what the process still holds once the garbage is gone.
        global.gc();
        this.result.liveHeapKb = Math.round(process.memoryUsage().heapUsed / 1024);
      }
      if (process.env.BENCH_RESULT_FILE) writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify(this.result));
    });
  }
}
Inject(AfterPartyEvents)(BenchClock, undefined, 0);
Injectable()(BenchClock);

// BENCH_SQLITE_CACHE_KB: SQLite's page cache for this connection (better-sqlite3 is built with 16,000 KiB,
// SQLite itself defaults to 2,000), so that a bounded run's peak does not count the cache filling.
const sqliteCacheKb = Number(process.env.BENCH_SQLITE_CACHE_KB ?? 0);
const connection =
  db === 'sqlite'
    ? { type: 'better-sqlite3', database: url, ...(sqliteCacheKb > 0 && { prepareDatabase: (sqlite) => sqlite.pragma(`cache_size = -${sqliteCacheKb}`) }) }
    : { type: 'postgres', url };

class BenchBatchedModule {}
Module({
  imports: [
    TypeOrmModule.forRoot({ ...connection, entities: [BenchItem], retryAttempts: 0 }),
    AfterPartyModule.forRoot({ store: 'typeorm', tableName: table }),
  ],
  providers: [{ ours: BackfillDerivedTask, peer: HandWrittenKeysetTask, resumable: ResumableKeysetTask }[side], BenchClock],
})(BenchBatchedModule);

async function main() {
  if (await runAfterPartyCommand(BenchBatchedModule)) {
    return;
  }
  process.stderr.write('batched bench app: give after-party:run\n');
  process.exitCode = 64;
}

void main();
