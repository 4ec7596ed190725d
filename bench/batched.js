'use strict';
/**
 * `npm run bench -- batched`: a batched task over BENCH_ROWS rows (`derived = value * 2` in
 * batches of 1,000) against a hand-written keyset loop doing the same batches in the same kind of
 * process, with and without a transaction per batch, on SQLite and PostgreSQL; peak RSS at a tenth
 * of the rows and at all of them; and a crash check (SIGKILL at random points, then resume). See
 * bench/README.md, section "Batched tasks". Environment overrides:
 *
 *   BENCH_ROWS=1000000          rows of the timed runs (RSS is also measured at a tenth of them)
 *   BENCH_BATCHED_RUNS=3        timed runs per case and size (medians)
 *   BENCH_CRASH_KILLS=3         SIGKILLs per mode in the crash check (then a run to the end)
 *   BENCH_HEAP_CAP_MB=64        old-generation limit of the bounded RSS runs (0: no bounded runs)
 *   BENCH_SEMI_SPACE_MB=2       young-generation semi-space of the bounded RSS runs
 *   BENCH_SQLITE_CACHE_KB=2000  SQLite page cache of the bounded RSS runs (SQLite's own default)
 *   BENCH_DBS=sqlite,postgres   databases (mongo is not part of this benchmark)
 *   BENCH_POSTGRES_URL, BENCH_SQLITE_DIR, BENCH_JSON   as for the other cases
 */
const { spawn } = require('node:child_process');
const { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { cpus, loadavg, tmpdir, totalmem } = require('node:os');
const { join, resolve } = require('node:path');
const { PostgresDb, SqliteDb } = require('./db');
const { int, log, median, started } = require('./common');
const { fsyncLatencyMs } = require('./fsync-probe');

const ROOT = resolve(__dirname, '..');
const APP = join(__dirname, 'batched-app.js');

const ROWS = Math.max(10, int('BENCH_ROWS', 1_000_000));
const SMALL_ROWS = Math.round(ROWS / 10);
const RUNS = Math.max(1, int('BENCH_BATCHED_RUNS', 3));
const KILLS = Math.max(1, int('BENCH_CRASH_KILLS', 3));
/**
 * The bounded runs: the same processes with the memory that fills with the length of a run, not
 * with its rows, held to a fixed size: V8's old generation (`--max-old-space-size`, so V8 collects
 * garbage instead of letting the heap grow), its young generation (`--max-semi-space-size`: a
 * longer run touches more of the up to 3 × 16 MB it may use) and SQLite's page cache
 * (better-sqlite3 is built with 16,000 KiB, which a 1,000,000-row file fills and a 100,000-row one
 * does not). A process whose memory grew with the rows would run out of heap there.
 */
const HEAP_CAP_MB = Math.max(0, int('BENCH_HEAP_CAP_MB', 64));
const SEMI_SPACE_MB = Math.max(1, int('BENCH_SEMI_SPACE_MB', 2));
const SQLITE_CACHE_KB = Math.max(100, int('BENCH_SQLITE_CACHE_KB', 2000));
const BOUNDED_CASES = ['plain-tx', 'peer-tx', 'plain-autocommit', 'peer-autocommit'];
const SIZE = 1000;
const DBS = (process.env.BENCH_DBS ?? 'sqlite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s && s !== 'mongo');
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.AFTER_PARTY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const TARGETS = { throughputRatio: 0.95, rssRatio: 1.1 };
const RECORDS = 'bench_batched_runs';
/** The one-row table where the resumable loop keeps its cursor (created by the app). */
const LOOP_CURSOR = 'bench_loop_cursor';
const ITEMS = 'bench_items';
const OURS_VERSION = '20260101000001';

const thousands = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');

let workDir;

/**
 * Runs the app once as a child process. With `killAfterMs`, sends SIGKILL that long after the
 * task started (the app prints `bench:started`); resolves the app's figures (or null when killed).
 */
function runApp(env, { killAfterMs, nodeFlags = [] } = {}) {
  const resultFile = join(workDir, `result-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  return new Promise((resolvePromise, reject) => {
    // --expose-gc only lets the app measure its live heap at exit, after the timing.
    const child = spawn(process.execPath, ['--expose-gc', ...nodeFlags, APP, 'after-party:run'], {
      cwd: workDir,
      env: { ...process.env, ...env, NODE_ENV: 'development', FORCE_COLOR: '0', BENCH_RESULT_FILE: resultFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    let killTimer;
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => {
      err.push(chunk);
      if (killAfterMs !== undefined && killTimer === undefined && Buffer.concat(err).includes('bench:started')) {
        killTimer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killTimer);
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (signal === 'SIGKILL' && killAfterMs !== undefined) {
        resolvePromise({ killed: true, stdout });
        return;
      }
      if (code !== 0) {
        reject(new Error(`batched-app.js (${JSON.stringify(env)}) exited ${code ?? signal}:\n${stderr.slice(-2000)}${stdout.slice(-2000)}`));
        return;
      }
      const result = JSON.parse(readFileSync(resultFile, 'utf8'));
      rmSync(resultFile, { force: true });
      resolvePromise({ killed: false, stdout, ...result });
    });
  });
}

/** A database of the benchmark: how to reach it, and how to give a run fresh items. */
async function openStore(name) {
  if (name === 'sqlite') {
    const dir = process.env.BENCH_SQLITE_DIR ? resolve(process.env.BENCH_SQLITE_DIR) : workDir;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'bench_batched.sqlite');
    const templates = new Map();
    const removeFiles = () => {
      for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    };
    return {
      name,
      url: file,
      version: await withSqlite(join(dir, 'probe.sqlite'), (db) => db.version()),
      /** A copy of a template seeded once per size: the same file, page for page, for every run. */
      async fresh(rows) {
        if (!templates.has(rows)) {
          const template = join(dir, `template-${rows}.sqlite`);
          rmSync(template, { force: true });
          await withSqlite(template, (db) => db.seedItems(ITEMS, rows));
          templates.set(rows, template);
        }
        removeFiles();
        copyFileSync(templates.get(rows), file);
      },
      use: (work) => withSqlite(file, work),
      async cleanup() {
        removeFiles();
        for (const template of templates.values()) rmSync(template, { force: true });
        rmSync(join(dir, 'probe.sqlite'), { force: true });
      },
    };
  }
  const db = new PostgresDb(POSTGRES_URL);
  await db.open();
  return {
    name,
    url: POSTGRES_URL,
    version: await db.version(),
    async fresh(rows) {
      await db.drop(RECORDS);
      await db.drop(LOOP_CURSOR);
      await db.seedItems(ITEMS, rows);
    },
    use: (work) => work(db),
    async cleanup() {
      await db.drop(ITEMS);
      await db.drop(RECORDS);
      await db.drop(LOOP_CURSOR);
      await db.close();
    },
  };
}

async function withSqlite(file, work) {
  const db = new SqliteDb(file);
  await db.open();
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/**
 * The cases: the batched task over `typeormKeyset` (entities, and `plain: true` rows), the
 * hand-written loop, and that loop saving its cursor after every batch (the same guarantees as
 * the batched task). `raw-*` (on demand): the batched task over a KeysetCollection running the
 * loop's own SELECT.
 */
const ALL_CASES = [
  { id: 'ours-tx', side: 'ours', tx: true, label: 'batched task, entities' },
  { id: 'plain-tx', side: 'ours', tx: true, collection: 'plain', label: 'batched task, plain rows' },
  { id: 'peer-tx', side: 'peer', tx: true, label: 'hand-written loop' },
  { id: 'resumable-tx', side: 'resumable', tx: true, label: 'hand-written loop saving its cursor' },
  { id: 'raw-tx', side: 'ours', tx: true, collection: 'raw', label: 'batched task, raw collection' },
  { id: 'ours-autocommit', side: 'ours', tx: false, label: 'batched task, entities' },
  { id: 'plain-autocommit', side: 'ours', tx: false, collection: 'plain', label: 'batched task, plain rows' },
  { id: 'peer-autocommit', side: 'peer', tx: false, label: 'hand-written loop' },
  { id: 'resumable-autocommit', side: 'resumable', tx: false, label: 'hand-written loop saving its cursor' },
  { id: 'raw-autocommit', side: 'ours', tx: false, collection: 'raw', label: 'batched task, raw collection' },
];
const DEFAULT_CASES = 'ours-tx,plain-tx,peer-tx,resumable-tx,ours-autocommit,plain-autocommit,peer-autocommit,resumable-autocommit';
const CASE_IDS = (process.env.BENCH_BATCHED_CASES ?? DEFAULT_CASES).split(',').map((s) => s.trim());
const CASES = ALL_CASES.filter((c) => CASE_IDS.includes(c.id));
for (const id of DEFAULT_CASES.split(',')) {
  if (!CASE_IDS.includes(id)) throw new Error(`BENCH_BATCHED_CASES must include ${id}`);
}
const envOf = (store, c) => ({
  BENCH_DB: store.name,
  BENCH_URL: store.url,
  BENCH_TABLE: RECORDS,
  BENCH_ITEMS: ITEMS,
  BENCH_SIDE: c.side,
  BENCH_BATCH_TX: c.tx ? '1' : '0',
  BENCH_BATCH_SIZE: String(SIZE),
  BENCH_COLLECTION: c.collection ?? 'typeorm',
});

/** Every row right and applied exactly once, or an error that says what is not. */
async function verifyRun(store, rows, label) {
  const stats = await store.use((db) => db.itemStats(ITEMS));
  if (stats.rows !== rows || stats.right !== rows || stats.unapplied !== 0 || stats.redone !== 0) {
    throw new Error(`${store.name} ${label}: expected ${rows} rows right and applied once, found ${JSON.stringify(stats)}`);
  }
}

/**
 * The timed runs of one size: RUNS rounds of every case, each run on freshly seeded items, the
 * order rotating every round so that a change in machine load hits every case alike.
 */
async function timeSize(store, rows, { cases = CASES, nodeFlags = [], env = {}, label = '' } = {}) {
  const samples = Object.fromEntries(cases.map((c) => [c.id, { ms: [], cpuMs: [], maxRssKb: [], rssStartKb: [], liveHeapKb: [] }]));
  for (let round = 0; round < RUNS; round++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + round) % cases.length];
      await store.fresh(rows);
      const result = await runApp({ ...envOf(store, c), ...env }, { nodeFlags });
      await verifyRun(store, rows, c.id);
      for (const key of Object.keys(samples[c.id])) samples[c.id][key].push(result[key]);
    }
    log(`${store.name}: ${thousands(rows)} rows${label}: round ${round + 1}/${RUNS} done`);
  }
  return samples;
}

/**
 * The crash check of one mode: a run killed with SIGKILL at a random point of its processing,
 * KILLS times (each resumed run killed again), then a run to the end. After every kill, the rows
 * applied past the checkpoint are what the resumed run does again.
 */
async function crashCheck(store, tx, expectedMs) {
  await store.fresh(ROWS);
  const env = envOf(store, { side: 'ours', tx, collection: 'plain' });
  const kills = [];
  let cursor = 0;
  for (let i = 0; i < KILLS; i++) {
    // A random point in the first 5% to 60% of what is left.
    const killAfterMs = Math.round(expectedMs * (1 - cursor / ROWS) * (0.05 + Math.random() * 0.55));
    const run = await runApp(env, { killAfterMs });
    const checkpoint = await store.use((db) => db.lastCheckpoint(RECORDS, OURS_VERSION));
    cursor = Number(checkpoint?.cursor ?? 0);
    const { past, skipped } = await store.use((db) => db.pastCursor(ITEMS, cursor));
    kills.push({ killAfterMs, killed: run.killed, cursor, past, skipped });
    log(
      `${store.name}: crash check (${tx ? 'transaction per batch' : 'no transaction'}): ` +
        `${run.killed ? 'killed' : 'not killed (the run completed first)'} ${killAfterMs} ms after the start, checkpoint ${cursor}, ${past} rows applied past it`,
    );
  }
  await runApp(env);
  const stats = await store.use((db) => db.itemStats(ITEMS));
  return { tx, kills, stats };
}

async function benchStore(name) {
  let store;
  try {
    store = await openStore(name);
  } catch (error) {
    log(`${name}: not reachable (${error.message.split('\n')[0]}): skipped`);
    return { name, skipped: true };
  }
  try {
    log(`${name}: ${store.version}`);
    const small = await timeSize(store, SMALL_ROWS);
    const full = await timeSize(store, ROWS);
    const bounded = {};
    if (HEAP_CAP_MB > 0) {
      const options = {
        cases: CASES.filter((c) => BOUNDED_CASES.includes(c.id)),
        nodeFlags: [`--max-old-space-size=${HEAP_CAP_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`],
        env: name === 'sqlite' ? { BENCH_SQLITE_CACHE_KB: String(SQLITE_CACHE_KB) } : {},
        label: ', bounded',
      };
      bounded.small = await timeSize(store, SMALL_ROWS, options);
      bounded.full = await timeSize(store, ROWS, options);
    }
    const crashes = [];
    for (const tx of [true, false]) crashes.push(await crashCheck(store, tx, median(full[tx ? 'plain-tx' : 'plain-autocommit'].ms)));
    return { name, version: store.version, small, full, bounded, crashes };
  } finally {
    await store.cleanup().catch((error) => log(`${name}: cleanup failed: ${error.message}`));
  }
}

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const MODES = [
  ['transaction per batch', 'tx'],
  ['no transaction', 'autocommit'],
];
const rate = (rows, ms) => (rows * 1000) / ms;
const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;
const spread = (rows, ms) => `${thousands(rate(rows, Math.max(...ms)))}–${thousands(rate(rows, Math.min(...ms)))}`;

function report(results) {
  const detail = [];
  const targets = [];
  const memory = [];
  const boundedMemory = [];
  const crash = [];
  const batches = Math.ceil(ROWS / SIZE);
  for (const r of results) {
    if (r.skipped) continue;
    for (const [mode, suffix] of MODES) {
      const peer = r.full[`peer-${suffix}`];
      const resumable = r.full[`resumable-${suffix}`];
      for (const c of CASES.filter((x) => x.id.endsWith(`-${suffix}`))) {
        const k = r.full[c.id];
        detail.push([
          r.name,
          mode,
          c.label,
          `${thousands(rate(ROWS, median(k.ms)))} (${spread(ROWS, k.ms)})`,
          (median(k.ms) / batches).toFixed(2),
          (median(k.cpuMs) / batches).toFixed(2),
          c.side === 'peer' ? '' : `${(median(peer.ms) / median(k.ms)).toFixed(2)}`,
          c.side === 'ours' ? `${(median(resumable.ms) / median(k.ms)).toFixed(2)}` : '',
        ]);
      }
      // The targets: each batched task against the bare loop, and the plain-rows task against the
      // loop that saves its cursor too (like for like: the same guarantee after a crash).
      const comparisons = [
        ['plain', 'peer', 'plain rows / loop'],
        ['ours', 'peer', 'entities / loop'],
        ['plain', 'resumable', 'plain rows / loop saving its cursor'],
      ];
      for (const [oursId, peerId, label] of comparisons) {
        const ours = r.full[`${oursId}-${suffix}`];
        const theirs = r.full[`${peerId}-${suffix}`];
        const ratio = median(theirs.ms) / median(ours.ms);
        // Same round, same machine state: the median of per-round ratios resists drift better.
        const paired = median(ours.ms.map((ms, i) => theirs.ms[i] / ms));
        targets.push([
          r.name,
          mode,
          label,
          `${thousands(rate(ROWS, median(ours.ms)))} / ${thousands(rate(ROWS, median(theirs.ms)))}`,
          `${ratio.toFixed(2)} (per round ${paired.toFixed(2)})`,
          `≥ ${TARGETS.throughputRatio}`,
          ratio >= TARGETS.throughputRatio ? 'met' : 'MISSED',
        ]);
      }
      for (const side of ['plain', 'ours', 'peer']) {
        const id = `${side}-${suffix}`;
        const smallKb = median(r.small[id].maxRssKb);
        const fullKb = median(r.full[id].maxRssKb);
        const growth = fullKb / smallKb;
        memory.push([
          r.name,
          `${CASES.find((c) => c.id === id).label}, ${mode}`,
          mb(median(r.full[id].rssStartKb)),
          mb(smallKb),
          mb(fullKb),
          `${growth.toFixed(2)}×`,
          `${mb(median(r.small[id].liveHeapKb))} → ${mb(median(r.full[id].liveHeapKb))}`,
          side === 'peer' ? 'info' : growth <= TARGETS.rssRatio ? 'met' : 'MISSED',
        ]);
      }
      for (const side of ['plain', 'peer']) {
        const id = `${side}-${suffix}`;
        if (!r.bounded?.full?.[id]) continue;
        const smallKb = median(r.bounded.small[id].maxRssKb);
        const fullKb = median(r.bounded.full[id].maxRssKb);
        const growth = fullKb / smallKb;
        boundedMemory.push([
          r.name,
          `${CASES.find((c) => c.id === id).label}, ${mode}`,
          mb(smallKb),
          mb(fullKb),
          `${growth.toFixed(2)}×`,
          thousands(rate(ROWS, median(r.bounded.full[id].ms))),
          side === 'peer' ? 'info' : growth <= TARGETS.rssRatio ? 'met' : 'MISSED',
        ]);
      }
    }
    for (const c of r.crashes) {
      const bound = c.tx ? 0 : SIZE;
      const right = c.stats.rows === ROWS && c.stats.right === ROWS && c.stats.unapplied === 0;
      // Nothing skipped; every application beyond a row's first was past a checkpoint at a kill
      // (a row left past two kills in a row counts twice there but may be redone once).
      const consistent = c.kills.every((k) => k.skipped === 0) && c.stats.extra <= c.kills.reduce((sum, k) => sum + k.past, 0);
      const ok = right && consistent && c.kills.every((k) => k.past <= bound);
      crash.push([
        r.name,
        c.tx ? 'transaction per batch' : 'no transaction',
        c.kills.map((k) => (k.killed ? `${k.killAfterMs} ms → ${k.cursor}, ${k.past}` : `${k.killAfterMs} ms: not killed`)).join('; '),
        `${thousands(c.stats.right)}/${thousands(ROWS)}`,
        `${thousands(c.stats.redone)} (${thousands(c.stats.extra)} applications)`,
        `≤ ${bound} per kill`,
        ok ? 'met' : 'MISSED',
      ]);
    }
  }
  return [
    `${thousands(ROWS)} rows in batches of ${SIZE}, timed from after-party's task.started to task.completed in the same kind of process; rows/s: median (slowest–fastest) of ${RUNS} runs; per batch: median wall and CPU time of the process; last columns: the loop's time / this case's (throughput ratio), for the bare loop and the loop saving its cursor after every batch.`,
    '',
    table(['db', 'mode', 'case', 'rows/s', 'ms per batch', 'CPU ms per batch', 'vs loop', 'vs loop saving its cursor'], detail),
    '',
    table(['db', 'mode', 'batched task / hand-written loop', 'rows/s', 'throughput ratio', 'target', 'result'], targets),
    '',
    `Peak RSS (maxRSS at exit, median of ${RUNS}) at ${thousands(SMALL_ROWS)} and ${thousands(ROWS)} rows; RSS when the task started and the live heap after a full GC at exit, for reference.`,
    '',
    table(['db', 'process', 'RSS at start', `peak, ${thousands(SMALL_ROWS)}`, `peak, ${thousands(ROWS)}`, 'growth', 'live heap', `≤ ${TARGETS.rssRatio}×`], memory),
    '',
    ...(boundedMemory.length === 0
      ? []
      : [
          `The same processes with the caches that fill as a run goes on held to a fixed size (median of ${RUNS}): V8's old generation at ${HEAP_CAP_MB} MB (\`--max-old-space-size=${HEAP_CAP_MB}\`), its young generation's semi-space at ${SEMI_SPACE_MB} MB (\`--max-semi-space-size=${SEMI_SPACE_MB}\`) and, on SQLite, the page cache at ${thousands(SQLITE_CACHE_KB)} KiB (\`PRAGMA cache_size = -${SQLITE_CACHE_KB}\`, SQLite's own default; better-sqlite3 is built with 16,000). The peak then shows the memory the run needs; a process whose memory grew with the rows would run out of heap. Rows/s at ${thousands(ROWS)} rows for reference (more collections cost some throughput).`,
          '',
          table(['db', 'process', `peak, ${thousands(SMALL_ROWS)}`, `peak, ${thousands(ROWS)}`, 'growth', 'rows/s', `≤ ${TARGETS.rssRatio}×`], boundedMemory),
          '',
        ]),
    `Crash check over ${thousands(ROWS)} rows: ${KILLS} SIGKILLs at random points (each resumed run killed again), then a run to the end. Per kill: when (after the task started) → the checkpoint the next run resumes from, and the rows already applied past it (what that run does again). Redone: rows applied more than once at the end (applications beyond one per row).`,
    '',
    table(['db', 'mode', 'kills: after → checkpoint, rows past it', 'rows right', 'redone', 'bound', 'result'], crash),
  ].join('\n');
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) {
    process.stderr.write('bench: dist/ is missing: run `npm run build` first.\n');
    process.exit(2);
  }
  workDir = mkdtempSync(join(tmpdir(), 'after-party-bench-batched-'));
  const loadBefore = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  log(`batched: ${thousands(ROWS)} rows (RSS also at ${thousands(SMALL_ROWS)}), ${RUNS} runs per case, ${KILLS} kills per mode; databases ${DBS.join(', ')}`);
  const sqliteDir = process.env.BENCH_SQLITE_DIR ? resolve(process.env.BENCH_SQLITE_DIR) : workDir;
  mkdirSync(sqliteDir, { recursive: true });
  const fsyncMs = fsyncLatencyMs(sqliteDir);
  log(`fsync latency in ${sqliteDir}: ${fsyncMs.toFixed(2)} ms (median of 100 × 4 KiB write + fdatasync)`);
  const results = [];
  try {
    for (const name of DBS) {
      if (name !== 'sqlite' && name !== 'postgres') throw new Error(`unknown database ${name} in BENCH_DBS (sqlite, postgres)`);
      results.push(await benchStore(name));
      log(`${name} done:\n${report(results.slice(-1))}`);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  process.stdout.write(
    `\nafter-party batched benchmark (${thousands(ROWS)} rows, batches of ${SIZE}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB)\n`,
  );
  for (const r of results) process.stdout.write(`${r.name}: ${r.skipped ? 'skipped (not reachable)' : r.version}\n`);
  process.stdout.write(
    `disk: ${fsyncMs.toFixed(2)} ms per 4 KiB write + fdatasync (median of 100) in the SQLite directory; ` +
      `load average before the run ${loadBefore}, after ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}\n\n`,
  );
  process.stdout.write(`${report(results)}\n\nTotal bench time ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify({ ROWS, SMALL_ROWS, RUNS, KILLS, results }, null, 2));
}

module.exports = { main };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`bench: ${error.stack ?? error}\n`);
    process.exitCode = 1;
  });
}
