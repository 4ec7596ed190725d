'use strict';
/**
 * `npm run bench -- tenants`: one small per-tenant task over BENCH_TENANTS PostgreSQL schemas
 * (`schemaPerTenant()`, `--concurrency 1` and `8`) against the hand-written loop over the same
 * schemas in the same kind of process (bench/tenants-app.js): wall time of the run, time per
 * (task, tenant) pair over the loop's time per schema, and peak RSS. See bench/README.md, section
 * "Tenant fan-out". Environment overrides:
 *
 *   BENCH_TENANTS=1000         schemas (each with a 5-row accounts table)
 *   BENCH_TENANT_RUNS=3        timed runs per case (medians)
 *   BENCH_POSTGRES_URL         as for the other cases
 *   BENCH_JSON=file            also write every sample as JSON
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { cpus, loadavg, tmpdir, totalmem } = require('node:os');
const { join, resolve } = require('node:path');
const { int, log, median, started } = require('./common');

const APP = join(__dirname, 'tenants-app.js');
const ROOT = resolve(__dirname, '..');
const TENANTS = Math.max(1, int('BENCH_TENANTS', 1000));
const RUNS = Math.max(1, int('BENCH_TENANT_RUNS', 3));
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.AFTER_PARTY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PREFIX = 'bench_tn_';
const CASES = [
  { side: 'ours', concurrency: 1 },
  { side: 'peer', concurrency: 1 },
  { side: 'ours', concurrency: 8 },
  { side: 'peer', concurrency: 8 },
];

/** Runs the app once; resolves the in-process time of the run and the peak RSS. */
function runOnce(workDir, side, concurrency) {
  const resultFile = join(workDir, `result-${side}-${concurrency}-${Math.random().toString(36).slice(2)}.json`);
  const args = [APP, 'after-party:run', ...(side === 'ours' ? ['--concurrency', String(concurrency)] : [])];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, BENCH_URL: POSTGRES_URL, BENCH_SIDE: side, BENCH_CONCURRENCY: String(concurrency), BENCH_RESULT_FILE: resultFile, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${side} --concurrency ${concurrency} exited ${code}:\n${stderr.slice(-2000)}`));
        return;
      }
      resolvePromise(JSON.parse(readFileSync(resultFile, 'utf8')));
    });
  });
}

async function createTenants(db) {
  log(`creating ${TENANTS} schemas ${PREFIX}*`);
  await dropTenants(db);
  for (let start = 0; start < TENANTS; start += 100) {
    const statements = [];
    for (let n = start; n < Math.min(TENANTS, start + 100); n += 1) {
      const schema = `${PREFIX}${String(n).padStart(5, '0')}`;
      statements.push(
        `CREATE SCHEMA ${schema}`,
        `CREATE TABLE ${schema}.accounts (id int PRIMARY KEY, visits int NOT NULL DEFAULT 0)`,
        `INSERT INTO ${schema}.accounts (id) VALUES (1), (2), (3), (4), (5)`,
      );
    }
    await db.exec(statements.join(';\n'));
  }
}

async function dropTenants(db) {
  const rows = await db.query(`SELECT nspname AS name FROM pg_namespace WHERE left(nspname, length($1)) = $1`, [PREFIX]);
  for (let start = 0; start < rows.length; start += 200) {
    await db.exec(rows.slice(start, start + 200).map((row) => `DROP SCHEMA "${row.name}" CASCADE`).join(';\n'));
  }
}

/** A PostgreSQL client: `query` returns rows, `exec` runs statements separated by semicolons. */
async function openDb() {
  const { Client } = require('pg');
  const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  return {
    query: async (sql, params) => (await client.query(sql, params)).rows,
    exec: async (sql) => void (await client.query(sql)),
    close: () => client.end(),
  };
}

async function main() {
  const db = await openDb();
  const workDir = mkdtempSync(join(tmpdir(), 'after-party-bench-tenants-'));
  const samples = {};
  try {
    await createTenants(db);
    for (const { side, concurrency } of CASES) {
      const key = `${side} ${concurrency}`;
      samples[key] = [];
      for (let run = 0; run <= RUNS; run += 1) {
        await db.exec('DROP TABLE IF EXISTS bench_tn_runs');
        const result = await runOnce(workDir, side, concurrency);
        // The first run warms the database's caches and the OS's file cache: not counted.
        if (run > 0) {
          samples[key].push(result);
          log(`${key}: ${result.ms.toFixed(0)} ms, peak RSS ${(result.maxRssKb / 1024).toFixed(0)} MB`);
        }
      }
    }
    const visits = await db.query(`SELECT count(*) AS n FROM ${PREFIX}00000.accounts WHERE visits = ${(RUNS + 1) * CASES.length}`);
    if (Number(visits[0].n) !== 5) {
      throw new Error('a run did not visit every account of the first tenant once per run');
    }
    report(samples);
    if (process.env.BENCH_JSON) {
      writeFileSync(process.env.BENCH_JSON, JSON.stringify(samples, null, 2));
    }
  } finally {
    await db.exec('DROP TABLE IF EXISTS bench_tn_runs').catch(() => undefined);
    await dropTenants(db).catch(() => undefined);
    await db.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function report(samples) {
  const ms = (key) => median(samples[key].map((sample) => sample.ms));
  const rss = (key) => median(samples[key].map((sample) => sample.maxRssKb)) / 1024;
  const lines = [
    '',
    `Tenant fan-out: one small per-tenant task over ${TENANTS} PostgreSQL schemas, medians of ${RUNS} runs (${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GB, load ${loadavg()[0].toFixed(1)})`,
    '',
    '| concurrency | after-party (per pair) | hand-written loop (per schema) | ratio | per-pair overhead | peak RSS ours / loop |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const concurrency of [1, 8]) {
    const ours = ms(`ours ${concurrency}`);
    const peer = ms(`peer ${concurrency}`);
    lines.push(
      `| ${concurrency} | ${ours.toFixed(0)} ms (${(ours / TENANTS).toFixed(2)} ms) | ${peer.toFixed(0)} ms (${(peer / TENANTS).toFixed(2)} ms) | ${(ours / peer).toFixed(2)} × | ${((ours - peer) / TENANTS).toFixed(2)} ms | ${rss(`ours ${concurrency}`).toFixed(0)} / ${rss(`peer ${concurrency}`).toFixed(0)} MB |`,
    );
  }
  lines.push('', `(${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

module.exports = { main };
