#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: after-party against TypeORM migrations, whole processes, on the same database.
 * `npm run bench -- batched`: a batched task against a hand-written keyset loop instead (bench/batched.js).
 * `npm run bench -- distributed`: a distributed task on 4 workers against one process (bench/distributed.js).
 * `npm run bench -- boot`: the deploy hook's fixed cost and where it goes (bench/boot.js).
 * `npm run bench -- tenants`: a per-tenant task over 1,000 schemas against a hand-written loop (bench/tenants.js).
 * See bench/README.md. Environment overrides:
 *
 *   BENCH_RUNS=5              measured runs per case (after one warm-up run)
 *   BENCH_IDLE_RUNS=11        runs of the nothing-pending cases (cheap, and the 25 ms target needs them)
 *   BENCH_N=1000              tasks / migrations in the run cases
 *   BENCH_STATUS_N=10000      tasks in the status case
 *   BENCH_DBS=sqlite,postgres,mongo
 *   BENCH_ONLY=idle,pending,status   which groups of cases to run
 *   BENCH_MONGO_PENDING_RUNS=3  runs of the pending case on the MongoDB-wire server (no warm-up; FerretDB is slow)
 *   BENCH_POSTGRES_URL        default $AFTER_PARTY_TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/test
 *   BENCH_MONGO_URL           default mongodb://127.0.0.1:27017/bench_after_party (database dropped at the end)
 *   BENCH_SQLITE_DIR          directory of the SQLite file (default: a fresh directory under the OS temp dir)
 *   BENCH_JSON=file           also write every sample as JSON
 */
const { spawn } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } = require('node:fs');
const { tmpdir, cpus, totalmem, loadavg } = require('node:os');
const { join, resolve } = require('node:path');
const { SqliteDb, PostgresDb, MongoDb, completedRecord } = require('./db');
const { int, log, median, started } = require('./common');
const { fsyncLatencyMs } = require('./fsync-probe');

const ROOT = resolve(__dirname, '..');
const APP = join(__dirname, 'app.js');
const TYPEORM = join(__dirname, 'typeorm-migrate.js');
const RSS_PRELOAD = join(__dirname, 'rss-preload.js');
const TIME_BIN = '/usr/bin/time';

const RUNS = Math.max(1, int('BENCH_RUNS', 5));
const N = int('BENCH_N', 1000);
const STATUS_N = int('BENCH_STATUS_N', 10000);
const DBS = (process.env.BENCH_DBS ?? 'sqlite,postgres,mongo')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const IDLE_RUNS = Math.max(RUNS, int('BENCH_IDLE_RUNS', 11));
const MONGO_PENDING_RUNS = Math.max(1, int('BENCH_MONGO_PENDING_RUNS', 3));
const ONLY = new Set((process.env.BENCH_ONLY ?? 'idle,pending,status').split(',').map((s) => s.trim()));
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.AFTER_PARTY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MONGO_URL = process.env.BENCH_MONGO_URL ?? 'mongodb://127.0.0.1:27017/bench_after_party';

const TARGETS = { overheadMs: 25, eachRatio: 0.8, statusMs: 1500, statusRssMb: 200 };

const T = {
  done: 'bench_ap_done',
  pending: 'bench_ap_pending',
  status: 'bench_ap_status',
  migDone: 'bench_mig_done',
  migEach: 'bench_mig_each',
  migAll: 'bench_mig_all',
};


/** Runs `node script args` as a child process; resolves its wall time (spawn to exit) and peak RSS. */
function timed(script, args, env) {
  const useTime = existsSync(TIME_BIN);
  const rssFile = join(workDir, `rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const nodeArgs = useTime ? [script, ...args] : ['-r', RSS_PRELOAD, script, ...args];
  const [command, argv] = useTime ? [TIME_BIN, ['-f', '%M', '-o', rssFile, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  return new Promise((resolvePromise, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, argv, {
      cwd: workDir,
      env: { ...process.env, ...env, NODE_ENV: 'development', BENCH_RSS_FILE: rssFile, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}${stdout.slice(-1000)}`));
        return;
      }
      let rssMb = NaN;
      try {
        rssMb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
        rmSync(rssFile, { force: true });
      } catch {
        // no RSS figure: reported as n/a
      }
      resolvePromise({ ms, rssMb, stdout, stderr });
    });
  });
}

/** One benchmark case: a command, an optional reset before every run, its samples. */
function benchCase(id, label, script, args, env, before) {
  return { id, label, script, args, env, before, samples: [], rss: [], last: null };
}

/**
 * Runs every case once as a warm-up, then RUNS times more, interleaved (the order rotates each
 * round) so that drift in machine load hits all cases alike. Returns the cases by id.
 */
async function measure(db, cases, { runs = RUNS, warmUp = true } = {}) {
  for (let round = warmUp ? 0 : 1; round <= runs; round++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + round) % cases.length];
      if (c.before) await c.before();
      const result = await timed(c.script, c.args, c.env);
      c.last = result;
      if (round > 0) {
        c.samples.push(result.ms);
        c.rss.push(result.rssMb);
      }
      if (c.after) await c.after(result, round);
    }
    log(`${db}: ${cases.map((c) => c.id).join(', ')}: round ${round === 0 ? 'warm-up' : `${round}/${runs}`} done`);
  }
  return Object.fromEntries(cases.map((c) => [c.id, c]));
}

async function benchDatabase(name) {
  const store = { sqlite: 'typeorm', postgres: 'typeorm', mongo: 'mongoose' }[name];
  let db;
  let url;
  if (name === 'sqlite') {
    const dir = process.env.BENCH_SQLITE_DIR ? resolve(process.env.BENCH_SQLITE_DIR) : workDir;
    mkdirSync(dir, { recursive: true });
    url = join(dir, 'bench_after_party.sqlite');
    db = new SqliteDb(url);
  } else if (name === 'postgres') {
    url = POSTGRES_URL;
    db = new PostgresDb(url);
  } else if (name === 'mongo') {
    url = MONGO_URL;
    if (!/\/bench_[a-z0-9_]+(\?|$)/.test(url)) throw new Error('BENCH_MONGO_URL must name a database starting with bench_');
    db = new MongoDb(url);
  } else {
    throw new Error(`unknown database ${name} in BENCH_DBS (sqlite, postgres, mongo)`);
  }
  try {
    await db.open();
  } catch (error) {
    log(`${name}: not reachable (${error.message.split('\n')[0]}): skipped`);
    return { name, skipped: true };
  }
  const tables = [T.done, T.pending, T.status, T.migDone, T.migEach, T.migAll];
  const allTables = name === 'mongo' ? tables.flatMap((t) => [t, `${t}_lock`]) : tables;
  const cleanup = async () => {
    for (const t of allTables) await db.drop(t);
  };
  try {
    const version = await db.version();
    log(`${name}: ${version}`);
    await cleanup();
    const base = { BENCH_DB: name, BENCH_URL: url };
    const app = (table, n) => ({ ...base, BENCH_TABLE: table, BENCH_N: String(n) });
    const mig = (table, transaction) => ({ ...base, BENCH_TABLE: table, BENCH_N: String(N), BENCH_TRANSACTION: transaction });
    const typeorm = store === 'typeorm';

    const { versionOf } = require('./versions');
    /** Creates the records table the way after-party does (a run with no tasks), then records n completed runs directly. */
    const seedCompleted = async (tableName, n) => {
      await timed(APP, ['after-party:run'], app(tableName, 0));
      await db.clear(tableName);
      const startedAt = new Date(Date.UTC(2026, 0, 1)).toISOString();
      const records = [];
      for (let i = 1; i <= n; i++) records.push(completedRecord(versionOf(i), `bench-noop${String(i).padStart(5, '0')}`, startedAt));
      if (records.length > 0) await db.seedRecords(tableName, records);
    };
    let idleResults = {};
    let pendingResults = {};
    let statusResults = {};
    // 1. A deploy with nothing to do: N completed tasks, N applied migrations.
    if (ONLY.has('idle')) {
      await seedCompleted(T.done, N);
      if (typeorm) await timed(TYPEORM, [], mig(T.migDone, 'all')); // applies the N migrations once
      const idle = [
        benchCase('boot', `bare Nest boot (N=${N})`, APP, ['bench:boot'], app(T.done, N)),
        benchCase('idle', `after-party:run, nothing pending (N=${N})`, APP, ['after-party:run'], app(T.done, N)),
      ];
      if (typeorm) idle.push(benchCase('migIdle', `TypeORM migration:run, ${N} applied`, TYPEORM, [], mig(T.migDone, 'each')));
      idleResults = await measure(name, idle, { runs: IDLE_RUNS });
      if (!/No pending tasks/.test(idleResults.idle.last.stdout))
        throw new Error(`the idle run did not say "No pending tasks":\n${idleResults.idle.last.stdout.slice(0, 2000)}`);
    }

    // 2. N pending no-op tasks (records cleared before every run) against N no-op migrations.
    if (ONLY.has('pending')) {
      const pendingCases = [
        benchCase('pending', `after-party:run, ${N} pending no-op tasks`, APP, ['after-party:run'], app(T.pending, N), () => db.clear(T.pending)),
      ];
      pendingCases[0].after = async () => {
        const completed = await db.countCompleted(T.pending);
        if (completed !== N) throw new Error(`expected ${N} completed records after the run, found ${completed}`);
      };
      if (typeorm) {
        pendingCases.push(
          benchCase('migEach', `TypeORM ${N} no-op migrations, transaction 'each'`, TYPEORM, [], mig(T.migEach, 'each'), () => db.clear(T.migEach)),
        );
        pendingCases.push(
          benchCase('migAll', `TypeORM ${N} no-op migrations, transaction 'all'`, TYPEORM, [], mig(T.migAll, 'all'), () => db.clear(T.migAll)),
        );
      }
      // FerretDB takes tens of ms per write: fewer runs there, and no warm-up (the idle cases warmed the server).
      pendingResults = await measure(name, pendingCases, typeorm ? {} : { runs: Math.min(RUNS, MONGO_PENDING_RUNS), warmUp: false });
    }

    // 3. Status with STATUS_N tasks, each completed once.
    if (ONLY.has('status')) {
      await seedCompleted(T.status, STATUS_N);
      const statusCases = [
        benchCase('status', `after-party:status (N=${STATUS_N})`, APP, ['after-party:status'], app(T.status, STATUS_N)),
        benchCase('statusBoot', `bare Nest boot (N=${STATUS_N})`, APP, ['bench:boot'], app(T.status, STATUS_N)),
      ];
      statusResults = await measure(name, statusCases);
      const summary = statusResults.status.last.stdout.trim().split('\n').pop();
      if (!summary.startsWith(`${STATUS_N} tasks: ${STATUS_N} completed`)) log(`${name}: warning: unexpected status summary line: ${summary}`);
    }

    return { name, version, store, cases: { ...idleResults, ...pendingResults, ...statusResults } };
  } finally {
    await cleanup().catch((error) => log(`${name}: cleanup failed: ${error.message}`));
    if (name === 'mongo') await db.db.dropDatabase().catch(() => undefined);
    await db.close();
  }
}

function fmtMs(ms) {
  return Number.isFinite(ms) ? `${Math.round(ms)} ms` : 'n/a';
}

function fmtMb(mb) {
  return Number.isFinite(mb) ? `${Math.round(mb)} MB` : 'n/a';
}

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function report(results) {
  const out = [];
  const detail = [];
  const targets = [];
  for (const r of results) {
    if (r.skipped) {
      out.push(`${r.name}: skipped (not reachable)`);
      continue;
    }
    const c = r.cases;
    const m = (id) => (c[id] ? median(c[id].samples) : NaN);
    for (const k of Object.values(c)) {
      detail.push([r.name, k.label, fmtMs(median(k.samples)), fmtMs(Math.min(...k.samples)), fmtMs(Math.max(...k.samples)), fmtMb(median(k.rss))]);
    }
    if (c.idle) {
      const overhead = m('idle') - m('boot');
      // Same round, same machine state: the median of per-round differences resists load drift better.
      const paired = median(c.idle.samples.map((ms, i) => ms - c.boot.samples[i]));
      targets.push([
        r.name,
        'nothing pending: after-party:run − bare boot',
        `${fmtMs(m('idle'))} − ${fmtMs(m('boot'))} = ${fmtMs(overhead)}`,
        `≤ ${TARGETS.overheadMs} ms`,
        overhead <= TARGETS.overheadMs ? 'met' : 'MISSED',
      ]);
      targets.push([
        r.name,
        '  same, median of per-round differences',
        fmtMs(paired),
        `≤ ${TARGETS.overheadMs} ms`,
        paired <= TARGETS.overheadMs ? 'met' : 'MISSED',
      ]);
      if (c.migIdle) {
        targets.push([
          r.name,
          `nothing pending: after-party:run / TypeORM (${N} applied)`,
          `${fmtMs(m('idle'))} / ${fmtMs(m('migIdle'))} = ${(m('idle') / m('migIdle')).toFixed(2)}×`,
          'info',
          '',
        ]);
      }
    }
    if (c.migEach) {
      const ratio = m('pending') / m('migEach');
      targets.push([
        r.name,
        `${N} pending: after-party:run / TypeORM 'each'`,
        `${fmtMs(m('pending'))} / ${fmtMs(m('migEach'))} = ${ratio.toFixed(2)}×`,
        `≤ ${TARGETS.eachRatio}×`,
        ratio <= TARGETS.eachRatio ? 'met' : 'MISSED',
      ]);
      if (c.idle && c.migIdle) {
        const ours = (m('pending') - m('idle')) / N;
        const theirs = (m('migEach') - m('migIdle')) / N;
        targets.push([
          r.name,
          `  per item: (pending − nothing pending) / ${N}, ours / TypeORM 'each'`,
          `${ours.toFixed(2)} ms / ${theirs.toFixed(2)} ms = ${(ours / theirs).toFixed(2)}×`,
          'info',
          '',
        ]);
      }
      targets.push([
        r.name,
        `${N} pending: after-party:run / TypeORM 'all'`,
        `${fmtMs(m('pending'))} / ${fmtMs(m('migAll'))} = ${(m('pending') / m('migAll')).toFixed(2)}×`,
        'info',
        '',
      ]);
    } else if (c.pending) {
      targets.push([r.name, `${N} pending: after-party:run (no TypeORM on this server)`, fmtMs(m('pending')), 'info', '']);
    }
    if (!c.status) continue;
    const statusMs = m('status');
    const statusRss = Math.max(...c.status.rss);
    targets.push([
      r.name,
      `after-party:status, ${STATUS_N} tasks: wall time`,
      `${fmtMs(statusMs)} (bare boot ${fmtMs(m('statusBoot'))})`,
      `≤ ${TARGETS.statusMs} ms`,
      statusMs <= TARGETS.statusMs ? 'met' : 'MISSED',
    ]);
    targets.push([
      r.name,
      `after-party:status, ${STATUS_N} tasks: peak RSS (max of runs)`,
      fmtMb(statusRss),
      `≤ ${TARGETS.statusRssMb} MB`,
      Number.isFinite(statusRss) ? (statusRss <= TARGETS.statusRssMb ? 'met' : 'MISSED') : 'n/a',
    ]);
  }
  out.push(
    `Medians of ${RUNS} runs after a warm-up (MongoDB-wire pending case: ${Math.min(RUNS, MONGO_PENDING_RUNS)} runs, no warm-up); whole processes, spawn to exit; peak RSS from ${existsSync(TIME_BIN) ? '/usr/bin/time' : 'process.resourceUsage()'}.`,
    '',
  );
  out.push(table(['db', 'case', 'median', 'min', 'max', 'peak RSS'], detail), '');
  out.push(table(['db', 'comparison', 'measured', 'target', 'result'], targets));
  return out.join('\n');
}

let workDir;
let loadBefore = '';

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) {
    process.stderr.write('bench: dist/ is missing: run `npm run build` first.\n');
    process.exit(2);
  }
  workDir = mkdtempSync(join(tmpdir(), 'after-party-bench-'));
  loadBefore = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  log(`${RUNS} runs per case after a warm-up; N=${N}, status N=${STATUS_N}; databases ${DBS.join(', ')}; work dir ${workDir}`);
  log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
  const sqliteDir = process.env.BENCH_SQLITE_DIR ? resolve(process.env.BENCH_SQLITE_DIR) : workDir;
  mkdirSync(sqliteDir, { recursive: true });
  const fsyncMs = fsyncLatencyMs(sqliteDir);
  log(`fsync latency in ${sqliteDir}: ${fsyncMs.toFixed(2)} ms (median of 100 × 4 KiB write + fdatasync)`);
  const results = [];
  try {
    for (const name of DBS) {
      results.push(await benchDatabase(name));
      log(`${name} done:\n${report(results.slice(-1))}`);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const text = report(results);
  process.stdout.write(
    `\nafter-party benchmark (N=${N}, status N=${STATUS_N}, ${RUNS} runs, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'})\n`,
  );
  for (const r of results.filter((x) => !x.skipped)) process.stdout.write(`${r.name}: ${r.version}\n`);
  process.stdout.write(
    `disk: ${fsyncMs.toFixed(2)} ms per 4 KiB write + fdatasync (median of 100) in the SQLite directory; load average before the run ${loadBefore}\n`,
  );
  process.stdout.write(`\n${text}\n\nTotal bench time ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  if (process.env.BENCH_JSON) {
    const json = results.map((r) =>
      r.skipped
        ? r
        : { ...r, cases: Object.fromEntries(Object.entries(r.cases).map(([id, k]) => [id, { label: k.label, samples: k.samples, rssMb: k.rss }])) },
    );
    writeFileSync(process.env.BENCH_JSON, JSON.stringify({ N, STATUS_N, RUNS, results: json }, null, 2));
  }
}

const which = process.argv.slice(2);
(which.includes('boot') ? require('./boot').main() : which.includes('tenants') ? require('./tenants').main() : which.includes('batched') ? require('./batched').main() : which.includes('distributed') ? require('./distributed').main() : main()).catch((error) => {
  process.stderr.write(`bench: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
