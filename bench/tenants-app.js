'use strict';
/**
 * The tenant fan-out benchmark app: an ordinary Nest app using after-party through
 * `require('after-party')` (dist/), over BENCH_TENANTS PostgreSQL schemas `bench_tn_<n>` that each
 * hold a small `accounts` table. BENCH_SIDE chooses what `after-party:run` runs:
 *
 *   ours   one per-tenant task (`perTenant: true, transaction: true`) on `schemaPerTenant()`:
 *          `UPDATE accounts SET visits = visits + 1` through `ctx.manager`, recorded per tenant
 *   peer   one global task whose `run()` is the hand-written loop people write today over the same
 *          schemas: the same schema list, then per schema a transaction with `SET LOCAL search_path`
 *          and the same UPDATE, BENCH_CONCURRENCY schemas at a time, recording nothing per tenant
 *
 * Both run as `node bench/tenants-app.js after-party:run [--concurrency n]`: the same boot, pool
 * and run lock. The time is taken in the process from `run.started` to `run.finished`.
 * BENCH_RESULT_FILE receives `{ ms, maxRssKb }` at exit.
 */
require('reflect-metadata');
const { writeFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const { Injectable, Module } = require('@nestjs/common');
const { TypeOrmModule } = require('@nestjs/typeorm');
const { DataSource } = require('typeorm');
const { AfterPartyEvents, AfterPartyModule, AfterPartyTask, runAfterPartyCommand } = require('after-party');
const { schemaPerTenant } = require('after-party/typeorm');

const PREFIX = 'bench_tn_';
const side = process.env.BENCH_SIDE ?? 'ours';
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 1);

class OursTask {
  async run(ctx) {
    await ctx.manager.query('UPDATE accounts SET visits = visits + 1');
  }
}
AfterPartyTask({ version: '20261204000001', name: 'bench-visit-tenants', perTenant: true, transaction: true })(OursTask);
Injectable()(OursTask);

class PeerTask {
  constructor(dataSource) {
    this.dataSource = dataSource;
  }

  async run() {
    const rows = await this.dataSource.query('SELECT nspname AS name FROM pg_namespace WHERE left(nspname, length($1)) = $1 ORDER BY nspname', [PREFIX]);
    const schemas = rows.map((row) => row.name);
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < schemas.length; index = next++) {
        await this.dataSource.transaction(async (manager) => {
          await manager.query(`SET LOCAL search_path TO "${schemas[index]}", public`);
          await manager.query('UPDATE accounts SET visits = visits + 1');
        });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
}
AfterPartyTask({ version: '20261204000002', name: 'bench-visit-loop' })(PeerTask);
Injectable()(PeerTask);
Reflect.defineMetadata('design:paramtypes', [DataSource], PeerTask);

class Timing {
  constructor(events) {
    events.on('run.started', () => (this.start = performance.now()));
    events.on('run.finished', () => {
      const ms = performance.now() - this.start;
      if (process.env.BENCH_RESULT_FILE) {
        writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS }));
      }
    });
  }
}
Injectable()(Timing);
Reflect.defineMetadata('design:paramtypes', [AfterPartyEvents], Timing);

class AppModule {}
Module({
  imports: [
    TypeOrmModule.forRoot({ type: 'postgres', url: process.env.BENCH_URL, poolSize: 10 }),
    AfterPartyModule.forRoot({
      store: 'typeorm',
      tableName: 'bench_tn_runs',
      tenants: { useFactory: (dataSource) => schemaPerTenant(dataSource, { prefix: PREFIX }), inject: [DataSource] },
    }),
  ],
  providers: [side === 'ours' ? OursTask : PeerTask, Timing],
})(AppModule);

void runAfterPartyCommand(AppModule, { logger: ['error'] });
