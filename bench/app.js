'use strict';
/**
 * The benchmark app: an ordinary Nest app that uses after-party through `require('after-party')`
 * (the package's self-reference, i.e. dist/), with BENCH_N generated no-op tasks.
 *
 *   node bench/app.js after-party:run | after-party:status   the deploy hook, as in a real main.ts
 *   node bench/app.js bench:boot                             the floor: the same module graph booted as a
 *                                                            plain application context, then closed
 *
 * Environment: BENCH_DB (sqlite | postgres | mongo), BENCH_URL (file, URL), BENCH_TABLE (records
 * table or collection), BENCH_N (number of tasks).
 */
require('reflect-metadata');
// bench/boot.js: the floor plus nest-commander's own load, which every nest-commander CLI pays.
if (process.env.BENCH_PRELOAD_COMMANDER === '1') require('nest-commander');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { AfterPartyModule, AfterPartyTask, runAfterPartyCommand } = require('after-party');
// The commands' own logger, internal to the package: the bare boot logs as they do.
const { AfterPartyCliLogger } = require('../dist/cli/after-party-cli.logger');
const { versionOf } = require('./versions');

const db = process.env.BENCH_DB ?? 'sqlite';
const url = process.env.BENCH_URL ?? 'bench.sqlite';
const table = process.env.BENCH_TABLE ?? 'bench_after_party_runs';
const n = Number(process.env.BENCH_N ?? 1000);

/** N classes as a developer would write them, decorated the way the decorator would be applied by tsc. */
function taskClasses(count) {
  const classes = [];
  for (let i = 1; i <= count; i++) {
    const className = `BenchNoop${String(i).padStart(5, '0')}Task`;
    const cls = {
      [className]: class {
        async run() {}
      },
    }[className];
    AfterPartyTask({ version: versionOf(i), description: `No-op task ${i}` })(cls);
    classes.push(cls);
  }
  return classes;
}

function databaseModule() {
  if (db === 'mongo') {
    const { MongooseModule } = require('@nestjs/mongoose');
    return MongooseModule.forRoot(url, { serverSelectionTimeoutMS: 5000 });
  }
  const { TypeOrmModule } = require('@nestjs/typeorm');
  if (db === 'sqlite') {
    return TypeOrmModule.forRoot({ type: 'better-sqlite3', database: url, retryAttempts: 0 });
  }
  return TypeOrmModule.forRoot({ type: 'postgres', url, retryAttempts: 0 });
}

/**
 * The tasks, in modules of at most BENCH_TASKS_PER_MODULE (1,000) providers, as an app with
 * thousands of tasks would group them (by year, say). Nest 11 cannot boot a single module with
 * about 6,000 or more providers: `getTransientInstances` (@nestjs/core/injector/helpers/
 * transient-instances.js) flattens one empty iterable per provider through iterare, whose
 * FlattenIterator recurses once per empty iterable, and the stack overflows.
 */
function taskModules(classes) {
  const size = Math.max(1, Number(process.env.BENCH_TASKS_PER_MODULE ?? 1000));
  const modules = [];
  for (let start = 0; start < classes.length; start += size) {
    const moduleClass = { [`BenchTasks${modules.length + 1}Module`]: class {} }[`BenchTasks${modules.length + 1}Module`];
    Module({ providers: classes.slice(start, start + size) })(moduleClass);
    modules.push(moduleClass);
  }
  return modules;
}

class BenchAppModule {}
Module({
  imports: [
    databaseModule(),
    AfterPartyModule.forRoot({ store: db === 'mongo' ? 'mongoose' : 'typeorm', tableName: table }),
    ...taskModules(taskClasses(n)),
  ],
})(BenchAppModule);

async function main() {
  if (await runAfterPartyCommand(BenchAppModule)) {
    return;
  }
  if (process.argv[2] === 'bench:boot') {
    const app = await NestFactory.createApplicationContext(BenchAppModule, { logger: new AfterPartyCliLogger() });
    await app.close();
    return;
  }
  process.stderr.write('bench app: give after-party:run, after-party:status or bench:boot\n');
  process.exitCode = 64;
}

void main();
