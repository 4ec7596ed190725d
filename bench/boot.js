'use strict';
/**
 * `npm run bench -- boot`: the deploy hook's fixed cost. With every task completed, how much does
 * `after-party:run` add to the app's own boot, and where does that time go?
 *
 * Three cases, run interleaved on the same SQLite file with BOOT_N completed tasks:
 *
 *   boot       the app booted as a bare Nest application context and closed (the floor)
 *   commander  the same, after `require('nest-commander')`: the peer's own load, which any
 *              nest-commander CLI pays (its prompt library loads eagerly)
 *   idle       `after-party:run` with nothing pending
 *
 * after-party's own share is idle − commander; the target is ≤ 25 ms. Each case is measured as
 * wall time (spawn to exit) and as CPU time of the process (user + system, which a busy machine
 * inflates less), as medians of per-round differences. One more run of the idle case under
 * `--cpu-prof` attributes the share: the inclusive time of each of after-party's phases.
 *
 * Environment: BOOT_RUNS (31), BOOT_N (1000 tasks), BENCH_JSON (also write the samples there).
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir, cpus, loadavg } = require('node:os');
const { join } = require('node:path');
const { SqliteDb, completedRecord } = require('./db');
const { int, log, median } = require('./common');
const { versionOf } = require('./versions');

const APP = join(__dirname, 'app.js');
const CPU_PRELOAD = join(__dirname, 'cpu-preload.js');
const RUNS = Math.max(3, int('BOOT_RUNS', 31));
const N = int('BOOT_N', 1000);
const TARGET_MS = 25;
const TABLE = 'bench_ap_boot';

/** The phases of a nothing-pending `after-party:run`, as functions to find in a CPU profile. */
const PHASES = [
  ['load nest-commander (peer)', /^\(anonymous\) nest-commander:1$/],
  ['load after-party commands', /^\(anonymous\) after-party dist\/commands\/[a-z-]+\.command\.js:1$/],
  ['quiet app jobs (command process only)', /^forCommand after-party dist\/quiet\//],
  ['hold app jobs at bootstrap', /after-party dist\/quiet\/.*(beforeLifecycleHooks|onApplicationBootstrap|appProcessors)/],
  ['build and parse the command (nest-commander, handed it)', /^runCommand after-party dist\/commands\/run-after-party-command\.js/],
  ['nest-commander searching the providers (none now)', /^(discover|providersWithMetaAtKey|providers) @golevelup\/nestjs-discovery/],
  ['discover and validate tasks', /^onModuleInit after-party dist\/discovery\/task\.explorer\.js/],
  ['connect the store', /^useFactory after-party dist\/stores\/store\.provider\.js/],
  ['the command: lock, plan, record', /^run after-party dist\/operator\/operator\.core\.js/],
  ['close the app', /^close @nestjs\/core/],
];

function spawnCase(args, env, cpuProfDir) {
  const cpuFile = join(env.BOOT_DIR, `cpu-${Math.random().toString(36).slice(2)}`);
  const nodeArgs = [...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), '-r', CPU_PRELOAD, APP, ...args];
  return new Promise((resolvePromise, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, nodeArgs, {
      cwd: env.BOOT_DIR,
      env: { ...process.env, ...env, NODE_ENV: 'development', BENCH_CPU_FILE: cpuFile, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => out.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      const output = Buffer.concat(out).toString();
      if (code !== 0) {
        reject(new Error(`node bench/app.js ${args.join(' ')} exited ${code}:\n${output.slice(-2000)}`));
        return;
      }
      const cpuMs = Number(readFileSync(cpuFile, 'utf8'));
      rmSync(cpuFile, { force: true });
      resolvePromise({ wallMs, cpuMs, output });
    });
  });
}

/** Inclusive milliseconds of each phase in one CPU profile (a sample counts once per phase). */
function phasesOf(profileFile) {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (frame) => {
    const url = frame.url || '';
    const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    const where = pkg ? pkg[1] : url.includes('/dist/') ? `after-party ${url.slice(url.indexOf('/dist/') + 1)}` : url;
    return `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
  };
  const totals = new Map(PHASES.map(([name]) => [name, 0]));
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const hit = new Set();
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const key = label(nodes.get(id).callFrame);
      for (const [name, pattern] of PHASES) if (pattern.test(key)) hit.add(name);
    }
    for (const name of hit) totals.set(name, totals.get(name) + ms);
  }
  return totals;
}

const fmt = (ms) => `${ms.toFixed(1)} ms`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'after-party-boot-'));
  const env = { BOOT_DIR: dir, BENCH_DB: 'sqlite', BENCH_URL: join(dir, 'boot.sqlite'), BENCH_TABLE: TABLE, BENCH_N: String(N) };
  try {
    log(`seeding ${N} completed tasks in ${env.BENCH_URL}`);
    await spawnCase(['after-party:run'], { ...env, BENCH_N: '0' });
    const db = new SqliteDb(env.BENCH_URL);
    await db.open();
    await db.clear(TABLE);
    const startedAt = new Date(Date.UTC(2026, 0, 1)).toISOString();
    const records = [];
    for (let i = 1; i <= N; i++) records.push(completedRecord(versionOf(i), `bench-noop${String(i).padStart(5, '0')}`, startedAt));
    if (records.length > 0) await db.seedRecords(TABLE, records);
    await db.close();

    const cases = [
      { id: 'boot', args: ['bench:boot'] },
      { id: 'commander', args: ['bench:boot'], env: { BENCH_PRELOAD_COMMANDER: '1' } },
      { id: 'idle', args: ['after-party:run'] },
    ].map((c) => ({ ...c, wall: [], cpu: [] }));
    for (let round = 0; round <= RUNS; round++) {
      for (let k = 0; k < cases.length; k++) {
        const c = cases[(k + round) % cases.length];
        const result = await spawnCase(c.args, { ...env, ...c.env });
        if (c.id === 'idle' && !/No pending tasks/.test(result.output)) throw new Error(`the idle run did not say "No pending tasks":\n${result.output}`);
        if (round > 0) {
          c.wall.push(result.wallMs);
          c.cpu.push(result.cpuMs);
        }
      }
      if (round % 5 === 0) log(`round ${round === 0 ? 'warm-up' : `${round}/${RUNS}`} done`);
    }
    const byId = Object.fromEntries(cases.map((c) => [c.id, c]));
    const paired = (a, b, key) => median(byId[a][key].map((ms, i) => ms - byId[b][key][i]));

    const profDir = join(dir, 'prof');
    const phaseRuns = [];
    for (let i = 0; i < 5; i++) {
      await spawnCase(['after-party:run'], env, profDir);
    }
    for (const file of readdirSync(profDir)) phaseRuns.push(phasesOf(join(profDir, file)));

    const out = [];
    out.push(`after-party boot benchmark (N=${N} completed tasks, ${RUNS} rounds, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()})`);
    out.push(`load average before the run: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    out.push('');
    out.push('| case | wall (median) | CPU time (median) |');
    out.push('| --- | --- | --- |');
    for (const c of cases) out.push(`| ${c.id} | ${fmt(median(c.wall))} | ${fmt(median(c.cpu))} |`);
    out.push('');
    out.push('| comparison (medians of per-round differences) | wall | CPU time | target |');
    out.push('| --- | --- | --- | --- |');
    out.push(`| nest-commander's load: commander − boot | ${fmt(paired('commander', 'boot', 'wall'))} | ${fmt(paired('commander', 'boot', 'cpu'))} | info |`);
    out.push(`| after-party:run, nothing pending − boot | ${fmt(paired('idle', 'boot', 'wall'))} | ${fmt(paired('idle', 'boot', 'cpu'))} | info |`);
    const share = paired('idle', 'commander', 'cpu');
    out.push(
      `| **after-party's own share: idle − commander** | ${fmt(paired('idle', 'commander', 'wall'))} | ${fmt(share)} | ≤ ${TARGET_MS} ms CPU: ${share <= TARGET_MS ? 'met' : 'MISSED'} |`,
    );
    out.push('');
    out.push(`Where a nothing-pending after-party:run spends its time (inclusive, median of ${phaseRuns.length} CPU profiles):`);
    out.push('');
    out.push('| phase | time |');
    out.push('| --- | --- |');
    for (const [name] of PHASES) out.push(`| ${name} | ${fmt(median(phaseRuns.map((p) => p.get(name))))} |`);
    process.stdout.write(`${out.join('\n')}\n`);
    if (process.env.BENCH_JSON) {
      writeFileSync(process.env.BENCH_JSON, JSON.stringify({ N, runs: RUNS, cases, phases: phaseRuns.map((p) => Object.fromEntries(p)) }, null, 2));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { main };
