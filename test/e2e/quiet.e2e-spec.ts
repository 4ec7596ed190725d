import { Queue } from 'bullmq';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithRedis, REDIS } from '../support/redis';

const MAIN = join(__dirname, '..', 'fixtures', 'quiet-app', 'dist', 'main.js');

/**
 * The quiet fixture app (test/fixtures/quiet-app): @nestjs/schedule jobs firing every 10 ms
 * and every second, a @nestjs/bullmq worker, and a deploy task taking 3 s. Each firing and
 * each job taken is a line in its effects file.
 */
class QuietApp {
  readonly dir = mkdtempSync(join(tmpdir(), 'after-party-quiet-'));
  readonly prefix = `ap-quiet-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  readonly queue = new Queue('emails', { connection: REDIS.connection, prefix: this.prefix });

  run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NO_COLOR: '1',
        AP_DB_URL: join(this.dir, 'app.sqlite'),
        AP_EFFECTS_FILE: join(this.dir, 'effects.txt'),
        AP_REDIS_URL: REDIS.url,
        AP_BULL_PREFIX: this.prefix,
        ...env,
      },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    // A process that hangs fails its test instead of outliving it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    return new Promise((resolve) =>
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      }),
    );
  }

  /** How many times each effect happened. */
  effects(): Record<string, number> {
    const file = join(this.dir, 'effects.txt');
    const counts: Record<string, number> = {};
    for (const line of existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []) {
      counts[line] = (counts[line] ?? 0) + 1;
    }
    return counts;
  }

  async cleanup(): Promise<void> {
    try {
      await this.queue.obliterate({ force: true });
    } finally {
      await this.queue.close();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

const HELD_BACK =
  'Held back during after-party:run: 6 scheduled jobs (cron every-second, cron delayed, interval dynamic, interval heartbeat, ' +
  'interval (unnamed), timeout warmup), 1 queue worker (emails). Set holdBackAppJobs: false to keep them running.';

// Jobs firing every 10 ms or every second: in 3 s they fire at least this often.
const TICKING: Record<string, number> = {
  'interval heartbeat': 10,
  'interval unnamed': 10,
  'interval dynamic': 10,
  'cron every-second': 1,
  'cron delayed': 1,
};

/** `true` for each ticking job that fired often enough, its count for one that did not. */
function ticks(effects: Record<string, number>): Record<string, true | number> {
  return Object.fromEntries(
    Object.entries(TICKING).map(([name, least]) => [name, (effects[name] ?? 0) >= least || (effects[name] ?? 0)]),
  );
}
const EVERY_JOB_TICKED = Object.fromEntries(Object.keys(TICKING).map((name) => [name, true]));

describeWithRedis('the deploy hook is quiet', () => {
  let app: QuietApp;
  beforeEach(() => (app = new QuietApp()));
  afterEach(() => app.cleanup());

  it.each([
    ['ScheduleModule and BullModule', undefined],
    ['AfterPartyModule', 'after-party-first'],
  ])('holds back every scheduled job and queue worker during a 3 s task (%s imported first)', async (_first, order) => {
    const job = await app.queue.add('welcome', {});

    const run = await app.run(['after-party:run'], order ? { AP_ORDER: order } : {});

    expect(run).toMatchObject({ code: 0, output: expect.stringContaining('Completed 20260101000001 slow-import') });
    expect(app.effects()).toEqual({ 'command true': 1, task: 1 });
    expect(await app.queue.getJobState(job.id!)).toBe('waiting');
    expect(run.output.split('\n').filter((line) => line.includes('Held back'))).toEqual([
      expect.stringContaining(HELD_BACK),
    ]);
  });

  it('lets them run with holdBackAppJobs: false', async () => {
    const job = await app.queue.add('welcome', {});

    const run = await app.run(['after-party:run'], { AP_HOLD_BACK: 'false' });

    expect(run).toMatchObject({ code: 0, output: expect.stringContaining('Completed 20260101000001 slow-import') });
    const effects = app.effects();
    expect(effects).toMatchObject({ 'command true': 1, task: 1, 'timeout warmup': 1, [`job ${job.id}`]: 1 });
    expect(ticks(effects)).toEqual(EVERY_JOB_TICKED);
    expect(await app.queue.getJobState(job.id!)).toBe('completed');
    expect(run.output).not.toContain('Held back');
  });

  it('leaves the web app alone', async () => {
    const job = await app.queue.add('welcome', {});

    const web = await app.run([], { AP_WEB_MS: '3000' });

    expect(web).toMatchObject({ code: 0 });
    const effects = app.effects();
    expect(effects).toMatchObject({ 'command false': 1, 'timeout warmup': 1, [`job ${job.id}`]: 1 });
    expect(ticks(effects)).toEqual(EVERY_JOB_TICKED);
    expect(await app.queue.getJobState(job.id!)).toBe('completed');
    expect(web.output).not.toContain('Held back');
  });
});
