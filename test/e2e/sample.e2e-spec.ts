import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createConnection } from 'mongoose';
import { describeWithRedis } from '../support/redis';
import { describeEachStore } from '../support/stores';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'sample', 'dist', 'main.js');

function sample(args: string[], env: Record<string, string>): { code: number | null; output: string } {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    // A sample that hangs fails this test instead of blocking the Jest worker for good.
    timeout: 150_000,
    killSignal: 'SIGKILL',
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}${result.error ? `\n${result.error.message}` : ''}` };
}

// What `npm run sample` and `npm run sample:mongo` show a newcomer must stay true.
describeEachStore(
  'the sample app',
  (target) => {
    const dir = mkdtempSync(join(tmpdir(), 'after-party-sample-'));
    const database = `after_party_sample_${process.pid}`;
    // The MongoDB-wire server used in tests (FerretDB) scans instead of using the users' id
    // index: the sample's 20,000 users would take it minutes, so it gets 1,000.
    const users = target.db === 'mongo' ? 1000 : 20_000;
    const env: Record<string, string> =
      target.db === 'mongo'
        ? { SAMPLE_MONGO_URL: (target.url as string).replace(/\/[^/]*$/, `/${database}`), SAMPLE_USERS: String(users) }
        : { SAMPLE_DATABASE: join(dir, 'sample.sqlite') };

    // sample/dist: built once, by the global setup (test/setup/global-setup.js).
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      if (target.db === 'mongo') {
        const connection = await createConnection(env.SAMPLE_MONGO_URL).asPromise();
        await connection.db?.dropDatabase();
        await connection.close();
      }
    });

    it('runs its tasks once (after its migrations), then only the every-deploy task, and shows them completed', () => {
      const first = sample(['after-party:run', ...(target.db === 'sqlite' ? ['--migrate'] : [])], env);
      expect(first.code).toBe(0);
      expect(first.output).toContain('3 tasks to run: 20261126090000 seed-demo-users, 20261126094512 backfill-user-slugs, 20261126101500 report-user-count');
      expect(first.output).toContain(`[seed-demo-users] Added ${users} demo users`);
      // SQLite pages by id; MongoDB by _id, an ObjectId, checkpointed as { "@oid": hex }.
      const cursor = target.db === 'mongo' ? '\\{"@oid":"[0-9a-f]{24}"\\}' : String(users);
      expect(first.output).toMatch(new RegExp(`\\[backfill-user-slugs\\] Progress ${users}/${users} \\(100%\\), [\\d.]+/s, cursor ${cursor}`));
      expect(first.output).toContain(`[report-user-count] ${users} users after deploy`);
      const second = sample(['after-party:run'], env);
      expect(second.code).toBe(0);
      expect(second.output).toContain('1 task to run: 20261126101500 report-user-count');
      const status = sample(['after-party:status'], env);
      expect(status.output).toContain('3 tasks: 3 completed, 0 pending, 0 failed, 0 running');
    });
  },
  (target) => target.db === 'sqlite' || target.db === 'mongo',
);

// What `npm run sample:workers` shows: the same backfill, its batches on three worker processes.
describeWithRedis('the sample with workers (npm run sample:workers)', () => {
  const SCRIPT = join(ROOT, 'sample', 'scripts', 'workers.js');
  const DATABASE = join(ROOT, 'sample', 'data', 'workers.sqlite');

  it('runs the backfill across three worker processes, every user given a slug once, and shows all three tasks completed', async () => {
    // Its own BullMQ key prefix: another run of the suite on the same Redis (another clone) must not take its batches.
    const prefix = `after-party-sample-${process.pid}`;
    const env = { ...process.env, NO_COLOR: '1', SAMPLE_BULL_PREFIX: prefix };
    const result = spawnSync(process.execPath, [SCRIPT], { env, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
    const redis = new Redis({ host: '127.0.0.1', port: 6379 });
    const keys = await redis.keys(`${prefix}:*`);
    await (keys.length > 0 ? redis.del(...keys) : Promise.resolve(0));
    await redis.quit();
    const output = `${result.stdout}${result.stderr}`;
    expect({ code: result.status, tail: output.slice(-600) }).toEqual({ code: 0, tail: expect.any(String) });
    expect(output).toContain('Dispatched 40 batches of backfill-user-slugs to after-party-backfill-user-slugs');
    expect(output).toMatch(/\(batches 40\/40, done by 3 workers, \d+ s in\)/);
    expect(output).toContain('3 tasks: 3 completed, 0 pending, 0 failed, 0 running');
    expect(output).not.toMatch(/failed \(attempt/);
    const Database = require('better-sqlite3');
    const db = new Database(DATABASE, { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS users, COUNT(slug) AS slugged FROM users').get()).toEqual({ users: 20_000, slugged: 20_000 });
      expect(db.prepare("SELECT COUNT(*) AS n, SUM(items) AS items FROM after_party_runs_batches WHERE status = 'completed'").get()).toEqual({ n: 40, items: 20_000 });
      // Which worker processes applied the batches: all three took some.
      expect(db.prepare('SELECT COUNT(DISTINCT worker) AS n FROM after_party_runs_batches').get()).toEqual({ n: 3 });
    } finally {
      db.close();
    }
  }, 150_000);
});
