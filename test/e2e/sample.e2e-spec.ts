import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mongoose';
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

    beforeAll(() => {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'sample', 'tsconfig.json')]);
    });

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
