import { FixtureApp, V, itOnOneStore, ranVersions, statusLine, useFixtureApp } from '../support/fixture-app';
import { ALL_STORES, describeEachVariant } from '../support/fixture-variants';
import { withFixtureDatabase } from '../support/test-database';

const RUN = 'after-party:run';
const STATUS = 'after-party:status';

// Every store on Nest 11; Nest 12 on SQLite (TypeORM) and the lean subset on MongoDB (Mongoose),
// the peer floors on SQLite with a lean subset on the servers; on every set the commands a test
// waits for run in process, the runners it starts, kills or signals as child processes: what a
// version changes is discovery, injection, the CLI and the adapters' own packages, not the
// stores' code, which Nest 11 covers on every store. Within a set, the tests
// of paths that do not depend on the store (a manual run by name, status of a deleted task class)
// run on SQLite only.
const plan = {
  nest11: ALL_STORES,
  nest12: { sqlite: 'full', mongo: 'lean' },
  floors: { sqlite: 'full', postgres: 'lean', mysql: 'lean', mongo: 'lean' },
} as const;

describeEachVariant(
  'after-party:run and after-party:status',
  plan,
  (target, variant, coverage, inProcess) => {
    const fixture = useFixtureApp(target, variant, { inProcess });
    const onOneStore = itOnOneStore(target);
    let app: FixtureApp;
    beforeEach(() => (app = fixture()));

    it('runs every pending task once in version order; a second run repeats only the every-deploy task', async () => {
      const first = await app.run([RUN]);
      expect(first.code).toBe(0);
      expect(ranVersions(first.stdout)).toEqual([V.seed, V.backfill, V.warm]);

      const second = await app.run([RUN]);
      expect(second.code).toBe(0);
      expect(ranVersions(second.stdout)).toEqual([V.warm]);
      expect(app.effects()).toEqual({
        [V.seed]: 1,
        [V.backfill]: 1,
        [V.warm]: 2,
      });

      const status = await app.run([STATUS]);
      expect(status.code).toBe(0);
      expect(statusLine(status.stdout, V.seed)).toMatch(/^completed\s+20260101000001\s+seed-users\s+Seed users\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+ ms$/);
      expect(statusLine(status.stdout, V.warm)).toContain('warm-cache (every deploy)');
      expect(status.stdout).toContain('3 tasks: 3 completed, 0 pending, 0 failed, 0 running');
    });

    it('shows every task pending before the first run, without creating anything', async () => {
      const status = await app.run([STATUS]);
      expect(status.code).toBe(0);
      expect(statusLine(status.stdout, V.seed)).toMatch(/^pending\s+20260101000001\s+seed-users/);
      expect(status.stdout).toContain('3 tasks: 0 completed, 3 pending, 0 failed, 0 running');
      const created = await withFixtureDatabase(app, async (db) => ({
        records: await db.hasTable(app.table),
        lock: await db.hasTable(`${app.table}_lock`),
      }));
      expect(created).toEqual({ records: false, lock: false });
    });

    it('stops at a failing task with exit 1, records the error, and retries it on the next run', async () => {
      const failed = await app.run([RUN], { AP_FAIL: V.backfill });
      expect(failed.code).toBe(1);
      expect(ranVersions(failed.stdout)).toEqual([V.seed, V.backfill]);
      expect(failed.stdout + failed.stderr).toContain(`Not run after the failure: ${V.warm} warm-cache`);
      expect(app.effects()).toEqual({ [V.seed]: 1 });

      const status = await app.run([STATUS]);
      expect(statusLine(status.stdout, V.backfill)).toMatch(/^failed\s+20260101000002/);
      expect(status.stdout).toContain(`${V.backfill} failed: task ${V.backfill} was told to fail`);

      const retried = await app.run([RUN]);
      expect(retried.code).toBe(0);
      expect(ranVersions(retried.stdout)).toEqual([V.backfill, V.warm]);
      expect(app.effects()).toEqual({
        [V.seed]: 1,
        [V.backfill]: 1,
        [V.warm]: 1,
      });
    });

    if (coverage === 'lean') {
      // The lean subset: a run, a status, a failure recorded and retried.
      return;
    }

    onOneStore('re-runs completed tasks named by name or version as a manual run', async () => {
      expect((await app.run([RUN])).code).toBe(0);
      const manual = await app.run([RUN, 'seed-users', V.backfill]);
      expect(manual.code).toBe(0);
      expect(ranVersions(manual.stdout)).toEqual([V.seed, V.backfill]);
      expect(manual.stdout).toContain('(manual run)');
      expect(app.effects()).toEqual({
        [V.seed]: 2,
        [V.backfill]: 2,
        [V.warm]: 1,
      });
    });

    it('runs an every-deploy task once per deploy id (flag or AFTER_PARTY_DEPLOY_ID)', async () => {
      expect((await app.run([RUN, '--deploy-id', 'release-1'])).code).toBe(0);
      const sameDeploy = await app.run([RUN, '--deploy-id', 'release-1']);
      expect(ranVersions(sameDeploy.stdout)).toEqual([]);
      expect(sameDeploy.stdout).toContain('No pending tasks.');
      const viaEnv = await app.run([RUN], {
        AFTER_PARTY_DEPLOY_ID: 'release-2',
      });
      expect(ranVersions(viaEnv.stdout)).toEqual([V.warm]);
      const viaEnvAgain = await app.run([RUN], {
        AFTER_PARTY_DEPLOY_ID: 'release-2',
      });
      expect(ranVersions(viaEnvAgain.stdout)).toEqual([]);
      expect(app.effects()).toEqual({
        [V.seed]: 1,
        [V.backfill]: 1,
        [V.warm]: 2,
      });
    });

    it('runs each task exactly once when three runners start together', async () => {
      // Each run lasts seconds, so runners that booted at different times still overlap without a lock.
      const env = { AP_TASK_SLEEP_MS: '1000' };
      const results = await Promise.all([app.run([RUN], env), app.run([RUN], env), app.run([RUN], env)]);
      expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
      // Every-deploy tasks run on every run without a deploy id; run-once tasks exactly once.
      expect(app.effects()).toEqual({
        [V.seed]: 1,
        [V.backfill]: 1,
        [V.warm]: 3,
      });
    });

    onOneStore('keeps showing records whose task class was deleted', async () => {
      expect((await app.run([RUN, V.long], { AP_EXTRA: 'long', AP_LONG_MS: '10' })).code).toBe(0);
      const status = await app.run([STATUS]);
      expect(statusLine(status.stdout, V.long)).toMatch(/^no-task\s+20260101000004\s+long-import/);
      expect(status.stdout).toContain('1 recorded without a task class');
    });

    it('exits 3 naming the holder when --no-wait finds the lock held; SIGTERM records the run as interrupted', async () => {
      const env = { AP_EXTRA: 'long', AP_LONG_MS: '30000' };
      const holder = app.start([RUN, V.long], env);
      await holder.waitFor(`Running ${V.long}`);

      const blocked = await app.run([RUN, '--no-wait'], env);
      expect(blocked.code).toBe(3);
      expect(blocked.stderr).toMatch(/^after-party: Could not take the after-party lock .* held by .+/m);
      const waited = await app.run([RUN, '--lock-timeout', '500'], env);
      expect(waited.code).toBe(3);
      // A runner that waits says so, and for whom, before it gives up.
      expect(waited.stdout).toMatch(/Waiting up to 500 ms for the run lock, held by .+/);

      holder.child.kill('SIGTERM');
      const stopped = await holder.result;
      expect(stopped.code).toBe(1);
      expect(stopped.stdout + stopped.stderr).toContain(`Interrupted ${V.long} long-import`);

      const status = await app.run([STATUS], env);
      expect(statusLine(status.stdout, V.long)).toMatch(/^interrupted\s+20260101000004/);
      // The lock was released: the next run proceeds at once.
      expect((await app.run([RUN, '--no-wait'], { ...env, AP_LONG_MS: '10' })).code).toBe(0);
    }, 120_000); // six commands: as child processes on a busy 2-core machine, a minute

    it('recovers without help after a runner is killed mid-task: the orphan is recorded as interrupted and the task runs again', async () => {
      const env = {
        AP_EXTRA: 'long',
        AP_LONG_MS: '30000',
        AP_LEASE_MS: '1000',
      };
      const victim = app.start([RUN], env);
      await victim.waitFor(`Running ${V.long}`);
      victim.child.kill('SIGKILL');
      await victim.result;

      const next = await app.run([RUN], { ...env, AP_LONG_MS: '10' });
      expect(next.code).toBe(0);
      expect(next.stdout + next.stderr).toMatch(new RegExp(`Run \\S+ of ${V.long} long-import .* never finished: recorded as interrupted`));
      expect(ranVersions(next.stdout)).toContain(V.long);
      expect(app.effects()[V.long]).toBe(1);
    });

    if (target.sql) {
      it('refuses to run while schema migrations are pending (exit 2), a dry run names them, and --migrate applies them first', async () => {
        const env = { AP_MIGRATION: '1' };
        const refused = await app.run([RUN], env);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain('after-party: 1 schema migration is pending (CreateWidgets1764000000000)');
        expect(app.effects()).toEqual({});
        expect(await withFixtureDatabase(app, (db) => db.hasTable(`${app.table}_widgets`))).toBe(false);

        // A dry run says what the real one would do about them, and applies nothing.
        const dry = await app.run([RUN, '--dry-run'], env);
        expect({ code: dry.code, stdout: dry.stdout }).toEqual({
          code: 0,
          stdout: expect.stringContaining(
            'Dry run: 1 schema migration pending (CreateWidgets1764000000000): the real run refuses until they are applied (run them first, or pass --migrate).',
          ),
        });
        const dryJson = await app.run([RUN, '--dry-run', '--migrate', '--json'], env);
        expect(JSON.parse(dryJson.stdout)).toEqual(
          expect.objectContaining({
            dryRun: true,
            migrate: true,
            pendingMigrations: ['CreateWidgets1764000000000'],
          }),
        );
        expect(await withFixtureDatabase(app, (db) => db.hasTable(`${app.table}_widgets`))).toBe(false);

        const migrated = await app.run([RUN, '--migrate'], env);
        expect(migrated.code).toBe(0);
        expect(migrated.stdout).toContain('Applying 1 schema migration first (--migrate): CreateWidgets1764000000000');
        expect(ranVersions(migrated.stdout)).toEqual([V.seed, V.backfill, V.warm]);
        const applied = await withFixtureDatabase(app, async (db) => ({
          widgets: await db.hasTable(`${app.table}_widgets`),
          migrations: (await db.rows(`${app.table}_migrations`)).map((row) => row.name),
        }));
        expect(applied).toEqual({
          widgets: true,
          migrations: ['CreateWidgets1764000000000'],
        });
      });
    }
  },
  { inProcess: true },
);
