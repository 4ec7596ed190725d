'use strict';
/**
 * `npm run sample:workers`: the sample's backfill distributed to three worker processes of the
 * app on BullMQ (Redis at REDIS_HOST:REDIS_PORT, default 127.0.0.1:6379), on its own SQLite file
 * (sample/data/workers.sqlite, made fresh each time):
 *
 *   1. starts three workers: `node sample/dist/main.js worker` with AFTER_PARTY_WORKERS=1
 *   2. runs the deploy hook: `node sample/dist/main.js after-party:run --migrate` (it seeds the
 *      users, dispatches the backfill's batches and follows them to the end across the workers)
 *   3. shows `after-party:status`, then stops the workers (SIGTERM: batches in progress finish)
 *
 * Exits with the deploy hook's exit code.
 */
const { spawn, spawnSync } = require('node:child_process');
const { mkdirSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const SAMPLE = join(__dirname, '..');
const MAIN = join(SAMPLE, 'dist', 'main.js');
const DATABASE = join(SAMPLE, 'data', 'workers.sqlite');
const WORKERS = 3;

mkdirSync(join(SAMPLE, 'data'), { recursive: true });
rmSync(DATABASE, { force: true });
const env = { ...process.env, SAMPLE_DISTRIBUTE: '1', SAMPLE_DATABASE: DATABASE };

function startWorker(n) {
  const child = spawn(process.execPath, [MAIN, 'worker'], { env: { ...env, AFTER_PARTY_WORKERS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      // Worker lines go to the terminal with their worker's number in front.
      for (const line of String(chunk).split('\n').filter(Boolean)) process.stdout.write(`[worker ${n}] ${line}\n`);
      if (output.includes('Batch workers started')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => reject(new Error(`worker ${n} exited ${code} before it started: is Redis up at ${process.env.REDIS_HOST ?? '127.0.0.1'}:${process.env.REDIS_PORT ?? 6379}?`)));
  });
  return { child, ready };
}

async function main() {
  const workers = Array.from({ length: WORKERS }, (_, i) => startWorker(i + 1));
  let code = 1;
  try {
    await Promise.all(workers.map((worker) => worker.ready));
    code = spawnSync(process.execPath, [MAIN, 'after-party:run', '--migrate'], { env, stdio: 'inherit' }).status ?? 1;
    spawnSync(process.execPath, [MAIN, 'after-party:status'], { env, stdio: 'inherit' });
  } catch (error) {
    process.stderr.write(`sample:workers: ${error.message}\n`);
  } finally {
    await Promise.all(
      workers.map(({ child }) => (child.exitCode !== null ? undefined : new Promise((resolve) => (child.on('close', resolve), child.kill('SIGTERM'))))),
    );
  }
  process.exitCode = code;
}

void main();
