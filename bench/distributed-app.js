'use strict';
/**
 * The distributed-task benchmark app: an ordinary Nest app using after-party through
 * `require('after-party')` (dist/), on PostgreSQL, with one batched task over the `bench_*` items
 * table: each batch waits BENCH_BATCH_MS (a slow external call), then sets
 * `derived = value * 2, applied = applied + 1` for its rows in the batch's transaction.
 *
 *   node bench/distributed-app.js after-party:run   the deploy hook (batches run here when
 *                                                   BENCH_DISTRIBUTE=0, on the workers when 1)
 *   node bench/distributed-app.js worker            a worker process of the app
 *                                                   (AFTER_PARTY_WORKERS=1); prints
 *                                                   `bench:worker-ready` and stays up until SIGTERM
 *
 * Environment: BENCH_URL, BENCH_TABLE (records table), BENCH_ITEMS (items table),
 * BENCH_BATCH_SIZE (default 100), BENCH_BATCH_MS (default 50), BENCH_DISTRIBUTE (1 | 0),
 * BENCH_CONCURRENCY (batches per worker process, default 1), BENCH_PREFIX (BullMQ key prefix),
 * BENCH_RESULT_FILE (JSON written by the runner at exit: ms from the task's start to its end).
 */
require('reflect-metadata');
const { writeFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const { setTimeout: sleep } = require('node:timers/promises');
const { Inject, Injectable, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { TypeOrmModule } = require('@nestjs/typeorm');
const { DataSource, EntitySchema } = require('typeorm');
const { AfterPartyEvents, AfterPartyModule, AfterPartyTask, runAfterPartyCommand } = require('after-party');
const { typeormKeyset } = require('after-party/typeorm');

const url = process.env.BENCH_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const table = process.env.BENCH_TABLE ?? 'bench_distributed_runs';
const items = process.env.BENCH_ITEMS ?? 'bench_distributed_items';
const size = Number(process.env.BENCH_BATCH_SIZE ?? 100);
const waitMs = Number(process.env.BENCH_BATCH_MS ?? 50);
const distribute = process.env.BENCH_DISTRIBUTE === '1';
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 1);
if (!/^bench_[a-z0-9_]+$/.test(items)) throw new Error(`BENCH_ITEMS must start with bench_, not ${items}`);

const BenchItem = new EntitySchema({
  name: 'BenchItem',
  tableName: items,
  columns: { id: { type: Number, primary: true }, value: { type: Number } },
});

const UPDATE = `UPDATE ${items} SET derived = value * 2, applied = applied + 1 WHERE id BETWEEN $1 AND $2`;

/** The same task whether it runs here or on the workers: only `distribute` differs. */
class SlowEnrichmentTask {
  constructor(dataSource) {
    this.dataSource = dataSource;
  }

  collection() {
    return typeormKeyset(this.dataSource.getRepository(BenchItem), { key: 'id' });
  }

  async processBatch(batch, ctx) {
    if (waitMs > 0) {
      await sleep(waitMs);
    }
    await ctx.manager.query(UPDATE, [batch[0].id, batch[batch.length - 1].id]);
  }
}
Inject(DataSource)(SlowEnrichmentTask, undefined, 0);
AfterPartyTask({
  version: '20260101000001',
  name: 'bench-distributed',
  batch: { size, transaction: true, ...(distribute ? { distribute: { concurrency } } : {}) },
})(SlowEnrichmentTask);

/** Times the task from `task.started` to `task.completed` in the runner. */
class BenchClock {
  constructor(events) {
    this.result = { ms: null };
    events.on('task.started', () => {
      this.started = performance.now();
    });
    events.on('task.completed', () => {
      this.result.ms = performance.now() - this.started;
    });
    process.on('exit', () => {
      if (process.env.BENCH_RESULT_FILE) writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify(this.result));
    });
  }
}
Inject(AfterPartyEvents)(BenchClock, undefined, 0);
Injectable()(BenchClock);

class BenchDistributedModule {}
Module({
  imports: [
    TypeOrmModule.forRoot({ type: 'postgres', url, entities: [BenchItem], retryAttempts: 0 }),
    AfterPartyModule.forRoot({
      store: 'typeorm',
      tableName: table,
      distribution: {
        connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null },
        prefix: process.env.BENCH_PREFIX ?? 'bench-after-party',
      },
    }),
  ],
  providers: [SlowEnrichmentTask, BenchClock],
})(BenchDistributedModule);

async function main() {
  if (await runAfterPartyCommand(BenchDistributedModule)) {
    return;
  }
  if (process.argv[2] === 'worker') {
    const app = await NestFactory.createApplicationContext(BenchDistributedModule, { logger: ['warn', 'error'] });
    app.enableShutdownHooks();
    process.stderr.write('bench:worker-ready\n');
    return;
  }
  process.stderr.write('distributed bench app: give after-party:run or worker\n');
  process.exitCode = 64;
}

void main();
