'use strict';
/**
 * `npm run bench -- distributed`: a batched task whose batches wait 50 ms each (a slow external
 * call) over BENCH_DIST_BATCHES batches, run in the deploy hook's own process against the same
 * task distributed over BullMQ to 4 worker processes; and the cost per batch of going through the
 * queue (batches that do not wait, one worker process taking one batch at a time, against the
 * same batches run locally). PostgreSQL and the local Redis. See bench/README.md, section
 * "Distributed tasks". Environment overrides:
 *
 *   BENCH_DIST_BATCHES=200      batches per run (of BENCH_DIST_SIZE=100 rows)
 *   BENCH_DIST_RUNS=3           timed runs per case (medians)
 *   BENCH_DIST_WAIT_MS=50       what each batch waits in the speedup cases
 *   BENCH_POSTGRES_URL, BENCH_JSON   as for the other cases
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { cpus, loadavg, tmpdir } = require('node:os');
const { join } = require('node:path');
const { PostgresDb } = require('./db');
const { int, log, median } = require('./common');

const APP = join(__dirname, 'distributed-app.js');

const BATCHES = Math.max(1, int('BENCH_DIST_BATCHES', 200));
const SIZE = Math.max(1, int('BENCH_DIST_SIZE', 100));
const RUNS = Math.max(1, int('BENCH_DIST_RUNS', 3));
const WAIT_MS = int('BENCH_DIST_WAIT_MS', 50);
const ROWS = BATCHES * SIZE;
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.AFTER_PARTY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TARGETS = { speedup: 3.5 };
const RECORDS = 'bench_distributed_runs';
const ITEMS = 'bench_distributed_items';
const PREFIX = `bench-after-party-${process.pid}`;


let workDir;

const appEnv = (extra) => ({
  ...process.env,
  NODE_ENV: 'development',
  FORCE_COLOR: '0',
  BENCH_URL: POSTGRES_URL,
  BENCH_TABLE: RECORDS,
  BENCH_ITEMS: ITEMS,
  BENCH_BATCH_SIZE: String(SIZE),
  BENCH_PREFIX: PREFIX,
  ...extra,
});

/** One `after-party:run` of the app; resolves the task's time (ms) as the app measured it. */
function runHook(extra) {
  const resultFile = join(workDir, `result-${Math.random().toString(36).slice(2)}.json`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [APP, 'after-party:run'], {
      cwd: workDir,
      env: appEnv({ ...extra, AFTER_PARTY_WORKERS: '0', BENCH_RESULT_FILE: resultFile }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => out.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const output = Buffer.concat(out).toString();
      if (code !== 0) {
        reject(new Error(`distributed-app.js after-party:run (${JSON.stringify(extra)}) exited ${code ?? signal}:\n${output.slice(-3000)}`));
        return;
      }
      const result = JSON.parse(readFileSync(resultFile, 'utf8'));
      rmSync(resultFile, { force: true });
      if (result.ms === null) {
        reject(new Error(`the task did not complete:\n${output.slice(-3000)}`));
        return;
      }
      resolvePromise(result.ms);
    });
  });
}

/** Starts `count` worker processes taking `concurrency` batches at a time each; resolves once all are ready. */
async function startWorkers(count, concurrency) {
  const workers = [];
  await Promise.all(
    Array.from({ length: count }, () => {
      const child = spawn(process.execPath, [APP, 'worker'], {
        cwd: workDir,
        env: appEnv({ AFTER_PARTY_WORKERS: '1', BENCH_DISTRIBUTE: '1', BENCH_CONCURRENCY: String(concurrency), BENCH_BATCH_MS: String(currentWait) }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      workers.push(child);
      let output = '';
      return new Promise((resolvePromise, reject) => {
        child.stdout.on('data', (chunk) => (output += chunk));
        child.stderr.on('data', (chunk) => {
          output += chunk;
          if (output.includes('bench:worker-ready')) resolvePromise();
        });
        child.on('close', (code) => reject(new Error(`a worker exited ${code} before it was ready:\n${output.slice(-3000)}`)));
      });
    }),
  );
  return {
    async stop() {
      await Promise.all(
        workers.map(
          (child) =>
            new Promise((resolvePromise) => {
              if (child.exitCode !== null) return resolvePromise();
              child.on('close', resolvePromise);
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

let currentWait = WAIT_MS;

/**
 * The cases. `local` runs every batch in the deploy hook's process; `workers` distributes them
 * to worker processes (the hook only dispatches and follows). Times are the task's, start to end.
 */
const CASES = [
  { id: 'local-wait', label: `in the hook's process, ${WAIT_MS} ms per batch`, wait: WAIT_MS, workers: 0 },
  { id: 'workers4-wait', label: `4 worker processes x 1 batch at a time, ${WAIT_MS} ms per batch`, wait: WAIT_MS, workers: 4, concurrency: 1 },
  { id: 'worker1c4-wait', label: `1 worker process x 4 batches at a time, ${WAIT_MS} ms per batch`, wait: WAIT_MS, workers: 1, concurrency: 4 },
  { id: 'local-nowait', label: "in the hook's process, batches that do not wait", wait: 0, workers: 0 },
  { id: 'worker1-nowait', label: '1 worker process x 1 batch at a time, batches that do not wait', wait: 0, workers: 1, concurrency: 1 },
];

/** Every row right and applied exactly once, or an error that says what is not. */
async function verify(db, label) {
  const stats = await db.itemStats(ITEMS);
  if (stats.rows !== ROWS || stats.right !== ROWS || stats.unapplied !== 0 || stats.redone !== 0) {
    throw new Error(`${label}: expected ${ROWS} rows right and applied once, found ${JSON.stringify(stats)}`);
  }
}

async function fresh(db) {
  await db.seedItems(ITEMS, ROWS);
  await db.clear(RECORDS);
  await db.clear(`${RECORDS}_batches`);
}

async function removeQueueKeys() {
  const Redis = require('ioredis');
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`${PREFIX}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

async function main() {
  workDir = mkdtempSync(join(tmpdir(), 'after-party-bench-distributed-'));
  const db = new PostgresDb(POSTGRES_URL);
  await db.open();
  const samples = {};
  try {
    log(`PostgreSQL: ${await db.version()}; ${BATCHES} batches of ${SIZE} rows; ${RUNS} runs per case`);
    for (const c of CASES) {
      currentWait = c.wait;
      const workers = c.workers > 0 ? await startWorkers(c.workers, c.concurrency) : null;
      samples[c.id] = [];
      try {
        // One warm-up run (first connections, first queue), then the timed ones.
        for (let run = 0; run <= RUNS; run += 1) {
          await fresh(db);
          const ms = await runHook({ BENCH_DISTRIBUTE: c.workers > 0 ? '1' : '0', BENCH_BATCH_MS: String(c.wait) });
          await verify(db, c.label);
          if (run > 0) samples[c.id].push(ms);
          log(`${c.id}${run === 0 ? ' (warm-up)' : ''}: ${(ms / 1000).toFixed(2)} s`);
        }
      } finally {
        await workers?.stop();
      }
    }
  } finally {
    await db.drop(ITEMS);
    await db.drop(`${RECORDS}_batches`);
    await db.drop(RECORDS);
    await db.close();
    await removeQueueKeys().catch((error) => log(`could not remove the benchmark's queue keys: ${error.message}`));
    rmSync(workDir, { recursive: true, force: true });
  }

  const med = Object.fromEntries(Object.entries(samples).map(([id, xs]) => [id, median(xs)]));
  const speedup = med['local-wait'] / med['workers4-wait'];
  const speedupInProcess = med['local-wait'] / med['worker1c4-wait'];
  const overheadPerBatch = (med['worker1-nowait'] - med['local-nowait']) / BATCHES;
  const ideal = (BATCHES * WAIT_MS) / 4;

  const lines = [];
  lines.push(`Distributed tasks: ${BATCHES} batches of ${SIZE} rows on PostgreSQL, BullMQ on the local Redis; medians of ${RUNS} runs`);
  lines.push(`(${cpus().length} cores, load ${loadavg()[0].toFixed(2)}; every run checked: ${ROWS} rows right, each applied once)`);
  lines.push('');
  lines.push('| case | task time | per batch | against the hook alone |');
  lines.push('|---|---:|---:|---:|');
  for (const c of CASES) {
    const ms = med[c.id];
    const base = c.wait > 0 ? med['local-wait'] : med['local-nowait'];
    lines.push(`| ${c.label} | ${(ms / 1000).toFixed(2)} s | ${(ms / BATCHES).toFixed(1)} ms | ${c.workers === 0 ? '1.00x' : `${(base / ms).toFixed(2)}x`} |`);
  }
  lines.push('');
  lines.push(`Speedup with 4 worker processes: ${speedup.toFixed(2)}x (target >= ${TARGETS.speedup}x; the ideal ${(ideal / 1000).toFixed(2)} s would be 4.00x) ${speedup >= TARGETS.speedup ? 'MET' : 'MISSED'}`);
  lines.push(`Speedup with 1 worker process taking 4 at a time: ${speedupInProcess.toFixed(2)}x`);
  lines.push(`Queue overhead per batch (1 worker, 1 at a time, against the hook alone): ${overheadPerBatch.toFixed(2)} ms`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (process.env.BENCH_JSON) {
    writeFileSync(process.env.BENCH_JSON, JSON.stringify({ batches: BATCHES, size: SIZE, runs: RUNS, samples, medians: med, speedup, speedupInProcess, overheadPerBatch }, null, 2));
  }
}

module.exports = { main };
