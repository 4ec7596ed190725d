import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FixtureApp, V, itOnOneStore, ranVersions, statusLine, useFixtureApp } from '../support/fixture-app';
import { ALL_STORES, describeEachVariant } from '../support/fixture-variants';
import { withFixtureDatabase } from '../support/test-database';

const RUN = 'after-party:run';
const STATUS = 'after-party:status';
const BATCHED = '20260101000007';
const PRODUCTION_ONLY = '20260101000008';

// Nest 12 on SQLite: the commands' parsing and output do not depend on the store (Mongoose on
// Nest 12 runs in the run-and-status suite). Within a set, the tests of what a store records
// (mark-done, reset, a checkpoint) run on each of its stores; the plan, the documents, --check,
// environments and events on SQLite only.
const plan = { nest11: ALL_STORES, nest12: { sqlite: 'full' } } as const;

describeEachVariant(
  'operator experience',
  plan,
  (target, variant, _coverage, inProcess) => {
    const fixture = useFixtureApp(target, variant, { inProcess });
    const onOneStore = itOnOneStore(target);
    let app: FixtureApp;
    beforeEach(() => (app = fixture()));

    onOneStore('--dry-run lists what would run, in order, and runs and records nothing', async () => {
      const dry = await app.run([RUN, '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toBe(
        'Dry run: 3 tasks would run, in this order:\n' +
          '  20260101000001  seed-users  Seed users\n' +
          '  20260101000002  backfill-slugs  Backfill slugs\n' +
          '  20260101000003  warm-cache (every deploy)  Warm caches\n',
      );
      const json = JSON.parse((await app.run([RUN, '--dry-run', '--json'])).stdout);
      expect(json).toEqual({ dryRun: true, deployId: null, pendingMigrations: [], migrate: false, tasks: expect.any(Array) });
      expect(json.tasks.map((t: { version: string }) => t.version)).toEqual([V.seed, V.backfill, V.warm]);
      expect(app.effects()).toEqual({});
      expect((await app.run([STATUS])).stdout).toContain('0 completed, 3 pending');
    });

    onOneStore('--json prints one document on stdout with the run and the status', async () => {
      const run = await app.run([RUN, '--json'], { AP_FAIL: V.backfill });
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout);
      expect(report).toMatchObject({ ok: false, exitCode: 1, deployId: null, notRun: [`${V.warm} warm-cache`] });
      expect(report.tasks).toEqual([
        { version: V.seed, name: 'seed-users', runId: expect.any(String), status: 'completed', durationMs: expect.any(Number), error: null },
        { version: V.backfill, name: 'backfill-slugs', runId: expect.any(String), status: 'failed', durationMs: expect.any(Number), error: `task ${V.backfill} was told to fail` },
      ]);
      expect(run.stderr).toContain(`Running ${V.seed}`);

      const status = JSON.parse((await app.run([STATUS, '--json'])).stdout);
      expect(status.environment).toBe('test');
      expect(status.summary).toMatchObject({ completed: 1, failed: 1, pending: 1 });
      expect(status.tasks[1]).toMatchObject({ state: 'failed', version: V.backfill, name: 'backfill-slugs', error: `task ${V.backfill} was told to fail` });
    });

    onOneStore('status --check exits 4 while tasks are pending or failed and 0 once all completed', async () => {
      expect((await app.run([STATUS, '--check'])).code).toBe(4);
      await app.run([RUN], { AP_FAIL: V.warm });
      const failed = await app.run([STATUS, '--check']);
      expect(failed.code).toBe(4);
      expect(failed.stdout).toContain(`Check failed: ${V.warm} warm-cache is failed`);
      expect((await app.run([RUN])).code).toBe(0);
      expect((await app.run([STATUS, '--check'])).code).toBe(0);
    });

    it('mark-done records a baseline without running, shown as marked; usage errors exit 2', async () => {
      expect((await app.run(['after-party:mark-done'])).code).toBe(2);
      const before = await app.run(['after-party:mark-done', '--before', V.warm]);
      expect(before.code).toBe(0);
      expect(before.stdout).toBe(`Marked 2 tasks as done without running: ${V.seed} seed-users, ${V.backfill} backfill-slugs\n`);
      const status = await app.run([STATUS]);
      expect(statusLine(status.stdout, V.seed)).toMatch(/^marked\s+20260101000001/);
      expect(status.stdout).toContain('2 marked');
      const run = await app.run([RUN]);
      expect(ranVersions(run.stdout)).toEqual([V.warm]);
      expect(app.effects()).toEqual({ [V.warm]: 1 });
      expect((await app.run(['after-party:mark-done', '--all'])).stdout).toBe('Nothing to mark: those tasks are already completed.\n');
    });

    it('reset makes a completed task pending again, keeping history; it needs --yes without a terminal, and exactly one task', async () => {
      await app.run([RUN]);
      const refused = await app.run(['after-party:reset', 'seed-users']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('pass --yes');
      const two = await app.run(['after-party:reset', 'seed-users', 'warm-cache', '--yes']);
      expect({ code: two.code, stderr: two.stderr }).toEqual({ code: 2, stderr: 'after-party: Name exactly one task, by version or name: after-party:reset <task>.\n' });
      const reset = await app.run(['after-party:reset', 'seed-users', '--yes']);
      expect(reset.stdout).toBe(`Reset ${V.seed} seed-users (1 run): it is pending again and starts over.\n`);
      expect(statusLine((await app.run([STATUS])).stdout, V.seed)).toMatch(/^pending\s+20260101000001/);
      const rerun = await app.run([RUN]);
      expect(ranVersions(rerun.stdout)).toEqual([V.seed, V.warm]);
      expect(app.effects()[V.seed]).toBe(2);
      // History: the first run is kept, marked reset, beside the new completed one.
      const runs = await withFixtureDatabase(app, (db) => db.rows(app.table, { version: V.seed }));
      expect(runs.map((run) => run.status).sort()).toEqual(['completed', 'reset']);

      const json = await app.run(['after-party:reset', 'seed-users', '--yes', '--json']);
      const task = { version: V.seed, name: 'seed-users' };
      expect(JSON.parse(json.stdout)).toEqual({ task, action: 'reset', result: 'reset', resetRuns: 1 });
      const again = await app.run(['after-party:reset', 'seed-users', '--yes', '--json']);
      expect(JSON.parse(again.stdout)).toEqual({ task, action: 'reset', result: 'not-completed', resetRuns: 0 });
    });

    onOneStore('runs environment-limited tasks only in their environment and shows them as excluded elsewhere', async () => {
      const env = { AP_EXTRA: 'env' };
      const here = await app.run([RUN, '--json'], env);
      expect(ranVersions(here.stderr)).not.toContain(PRODUCTION_ONLY);
      expect(JSON.parse(here.stdout)).toMatchObject({ ok: true, notRun: [] });
      const status = await app.run([STATUS], env);
      expect(statusLine(status.stdout, PRODUCTION_ONLY)).toMatch(/^excluded\s+20260101000008/);
      expect(status.stdout).toMatch(/, 1 excluded\n$/);
      const json = JSON.parse((await app.run([STATUS, '--json'], env)).stdout);
      expect(json.tasks.find((row: { version: string }) => row.version === PRODUCTION_ONLY).state).toBe('excluded');
      expect(json.summary).toMatchObject({ excluded: 1 });
      expect(json.summary).not.toHaveProperty('skipped');
      const named = await app.run([RUN, PRODUCTION_ONLY], env);
      expect(named.code).toBe(2);
      expect(named.stderr).toContain('only runs in production, and this environment is "test"');
      const production = await app.run([RUN], { ...env, AP_ENV: 'production' });
      expect(ranVersions(production.stdout)).toContain(PRODUCTION_ONLY);
      expect(app.effects()[PRODUCTION_ONLY]).toBe(1);
    });

    it('reports progress, keeps the checkpoint of a failed run, and resumes from it', async () => {
      const env = { AP_EXTRA: 'progress' };
      const failed = await app.run([RUN, BATCHED], { ...env, AP_FAIL: BATCHED });
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain('[batched-backfill] Progress 0/3 (0%)');
      const status = await app.run([STATUS], env);
      expect(status.stdout).toMatch(/20260101000007 progress 2\/3 \(66%\) item 2 \(at \d{4}-/);

      const resumed = await app.run([RUN, BATCHED], env);
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toMatch(new RegExp(`Resuming ${BATCHED} batched-backfill from the checkpoint of run `));
      expect(app.effects()).toEqual({ 'item-1': 1, 'item-2': 1, 'item-3': 1 });
    });

    onOneStore('emits run and task events to listeners in order', async () => {
      const eventsFile = join(app.dir, 'events.txt');
      await app.run([RUN], { AP_EVENTS_FILE: eventsFile, AP_FAIL: V.warm });
      expect(readFileSync(eventsFile, 'utf8').trim().split('\n')).toEqual([
        'run.started',
        `task.started ${V.seed}`,
        `task.completed ${V.seed}`,
        `task.started ${V.backfill}`,
        `task.completed ${V.backfill}`,
        `task.started ${V.warm}`,
        `task.failed ${V.warm}`,
        'run.finished',
      ]);
    });
  },
  { inProcess: true },
);
