import { setTimeout as sleep } from 'node:timers/promises';
import { advisoryKeys, lockDigest } from '../../lib/stores/typeorm/locks/lock-key';
import { FixtureApp, IN_PROCESS, ONE_STORE, V, ranVersions, statusLine, useFixtureApp } from '../support/fixture-app';
import { openDatabase, useFixtureAppWithDatabase, type TestDatabase } from '../support/test-database';
import { describeEachStore } from '../support/stores';

const RUN = 'after-party:run';
const STATUS = 'after-party:status';
const TX = '20260101000010';
const TX_HANG = '20260101000011';
const TX_CHECKPOINT = '20260101000012';
const BAD_ERROR = '20260101000013';
const BLOCKING = '20251231000001';

describeEachStore(
  `transactional tasks under failure ${IN_PROCESS}`,
  (target) => {
    const fixture = useFixtureAppWithDatabase(target, { inProcess: true });
    let app: FixtureApp;
    let db: TestDatabase;

    beforeEach(async () => {
      [app, db] = [fixture.app(), fixture.db()];
      await db.sql(`CREATE TABLE ${app.table}_effects (id integer PRIMARY KEY)`);
    });

    const rows = async (): Promise<number[]> => (await db.sql(`SELECT id FROM ${app.table}_effects ORDER BY id`)).map((row) => Number(row.id));

    it('records a transactional task abandoned after its timeout as failed, where other connections see it, with its writes gone', async () => {
      // A run that abandoned a task ends its process: a child process.
      const result = await app.start([RUN, TX_HANG], { AP_EXTRA: 'tx-hang', AP_GRACE_MS: '300' }).result;
      expect(result.code).toBe(1);
      expect(await rows()).toEqual([]);
      const status = await app.run([STATUS], { AP_EXTRA: 'tx-hang' });
      expect(statusLine(status.stdout, TX_HANG)).toMatch(/^failed\s+20260101000011/);
      expect(status.stdout).toContain(`${TX_HANG} failed: Timed out after 300 ms (the task's timeout option)`);
      expect(await db.statuses(TX_HANG)).toEqual(['failed']);
    });

    it('rolls a checkpoint back with the work of a transactional task that throws: the next run does not resume past it', async () => {
      const env = { AP_EXTRA: 'tx-checkpoint' };
      expect((await app.run([RUN, TX_CHECKPOINT], { ...env, AP_FAIL: TX_CHECKPOINT })).code).toBe(1);
      expect(await rows()).toEqual([]);
      expect((await app.run([RUN, TX_CHECKPOINT], env)).code).toBe(0);
      expect(app.effects()).toEqual({ 'resume:none': 2 });
      expect(await rows()).toEqual([12]);
    });

    it('leaves nothing of a transactional task killed after its write, and the re-run writes once', async () => {
      const victim = app.start([RUN, TX], { AP_EXTRA: 'tx', AP_TX_WAIT_MS: '30000' });
      await victim.waitFor('row written');
      victim.child.kill('SIGKILL');
      await victim.result;
      expect(await rows()).toEqual([]);
      const rerun = await app.run([RUN, TX], { AP_EXTRA: 'tx' });
      expect(rerun.code).toBe(0);
      expect(await rows()).toEqual([1]);
      expect(await db.statuses(TX)).toEqual(['interrupted', 'completed']);
    });
  },
  (target) => target.sql,
);

// How run, --dry-run, status and --check read the records is the same code on every store: SQLite only.
describeEachStore(`one meaning of "needs attention" for run, --dry-run, status and --check (store-independent: SQLite only) ${IN_PROCESS}`, (target) => {
  const fixture = useFixtureApp(target, undefined, { inProcess: true });
  let app: FixtureApp;
  beforeEach(() => (app = fixture()));

  it('keeps a task completed after a failed manual re-run: run has nothing to do and --check is green', async () => {
    const deploy = ['--deploy-id', 'release-1'];
    expect((await app.run([RUN, ...deploy])).code).toBe(0);
    const manual = await app.run([RUN, 'seed-users'], { AP_FAIL: V.seed });
    expect(manual.code).toBe(1);

    const check = await app.run([STATUS, '--check']);
    expect(check.code).toBe(0);
    expect(statusLine(check.stdout, V.seed)).toMatch(/^completed\s+20260101000001/);
    expect(check.stdout).toContain(`${V.seed} last run failed: task ${V.seed} was told to fail`);
    expect((await app.run([RUN, '--dry-run', ...deploy])).stdout).toBe('Dry run: nothing would run.\n');
    const run = await app.run([RUN, ...deploy]);
    expect(run.code).toBe(0);
    expect(ranVersions(run.stdout)).toEqual([]);
    expect(app.effects()).toEqual({ [V.seed]: 1, [V.backfill]: 1, [V.warm]: 1 });
  });

  it('fails --check while a task is running', async () => {
    const env = { AP_EXTRA: 'long', AP_LONG_MS: '30000' };
    expect((await app.run([RUN])).code).toBe(0);
    const holder = app.start([RUN, V.long], env);
    await holder.waitFor(`Running ${V.long}`);
    const check = await app.run([STATUS, '--check'], env);
    holder.child.kill('SIGTERM');
    await holder.result;
    expect(check.code).toBe(4);
    expect(check.stdout).toContain(`Check failed: ${V.long} long-import is running`);
  });
}, (target) => target.name === ONE_STORE);

describeEachStore(`shutdown between tasks ${IN_PROCESS}`, (target) => {
  const fixture = useFixtureApp(target, undefined, { inProcess: true });
  let app: FixtureApp;
  beforeEach(() => (app = fixture()));

  it('starts no further task after a SIGTERM that arrives while a completion is recorded', async () => {
    const stopped = await app.run([RUN], { AP_SIGTERM_AFTER: V.seed });
    expect(stopped.code).toBe(1);
    expect(ranVersions(stopped.stdout)).toEqual([V.seed]);
    const notRun = target.sql ? `${V.warm} warm-cache` : `${V.backfill} backfill-slugs, ${V.warm} warm-cache`;
    expect(stopped.stdout + stopped.stderr).toContain(`Not run after SIGTERM arrived: ${notRun}`);
    expect(app.effects()).toEqual({ [V.seed]: 1 });
    const status = await app.run([STATUS]);
    expect(statusLine(status.stdout, V.seed)).toMatch(/^completed\s/);
    // Stores that start the next record in the completion's commit record it as not run; others never started it.
    expect(statusLine(status.stdout, V.backfill)).toMatch(target.sql ? /^interrupted\s/ : /^pending\s/);
    if (target.sql) {
      expect(status.stdout).toContain(`${V.backfill} interrupted: SIGTERM arrived before the task started; it did not run`);
    }

    expect((await app.run([RUN])).code).toBe(0);
    expect(app.effects()).toEqual({ [V.seed]: 1, [V.backfill]: 1, [V.warm]: 1 });
  });
});

describeEachStore(`an outcome that is hard to record ${IN_PROCESS}`, (target) => {
  const fixture = useFixtureApp(target, undefined, { inProcess: true });
  let app: FixtureApp;
  beforeEach(() => (app = fixture()));

  const kinds = target.db === 'mysql' ? ['huge', '70k', 'nul', 'unprintable'] : ['huge', 'nul', 'unprintable'];
  it(`still records the run failed and exits 1 for errors that are ${kinds.join(', ')}`, async () => {
    for (const kind of kinds) {
      const result = await app.run([RUN, BAD_ERROR], { AP_EXTRA: 'bad-error', AP_ERROR_KIND: kind });
      expect({ kind, code: result.code }).toEqual({ kind, code: 1 });
      const [task] = JSON.parse((await app.run([STATUS, '--json'], { AP_EXTRA: 'bad-error' })).stdout).tasks.filter(
        (row: { version: string }) => row.version === BAD_ERROR,
      );
      expect({ kind, state: task.state }).toEqual({ kind, state: 'failed' });
      const expected: Record<string, RegExp> = {
        huge: /^huge x+ \[cut: 5242885 characters in all; the full error is in the runner's log\]$/,
        '70k': /^big é+ \[cut: 71684 characters in all; the full error is in the runner's log\]$/,
        nul: /^before\uFFFDafter$/,
        unprintable: /^A non-Error value was thrown: \[object Object\]\. Throw an Error/,
      };
      expect(task.error).toMatch(expected[kind]);
    }
  });
});

describeEachStore(
  `a lost lock is final ${IN_PROCESS}`,
  (target) => {
    const fixture = useFixtureAppWithDatabase(target, { inProcess: true });
    let app: FixtureApp;
    let db: TestDatabase;
    beforeEach(() => ([app, db] = [fixture.app(), fixture.db()]));

    it('stops the task when the lock connection is killed: recorded interrupted, exit 1, and the next runner runs it once', async () => {
      const first = app.start([RUN], { AP_EXTRA: 'long', AP_LONG_MS: '8000' });
      await first.waitFor(`Running ${V.long}`);
      const [{ id }] =
        target.db === 'postgres'
          ? await db.sql(`SELECT pid AS id FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid = $2 AND objsubid = 2`, advisoryKeys(`public.${app.table}`))
          : await db.sql('SELECT IS_USED_LOCK(?) AS id', [`after-party:${lockDigest(`test.${app.table}`).toString('hex').slice(0, 40)}`]);
      await db.sql(target.db === 'postgres' ? 'SELECT pg_terminate_backend($1)' : `KILL ${Number(id)}`, target.db === 'postgres' ? [id] : []);
      // The next runner starts once the first has seen its lock go.
      await first.waitFor('The run lock was lost');
      const second = await app.run([RUN], { AP_EXTRA: 'long', AP_LONG_MS: '300' });
      const stopped = await first.result;

      expect(stopped.code).toBe(1);
      expect(stopped.stdout + stopped.stderr).toMatch(/The run lock was lost \(.*its database connection (closed|failed)\)/);
      expect(stopped.stdout + stopped.stderr).not.toContain(`Completed ${V.long}`);
      expect(second.code).toBe(0);
      expect(app.effects()[V.long]).toBe(1);
      expect(await db.statuses(V.long)).toEqual(['interrupted', 'completed']);
    });
  },
  (target) => target.db === 'postgres' || target.db === 'mysql',
);

describeEachStore(
  `a lost lease is final ${IN_PROCESS}`,
  (target) => {
    const fixture = useFixtureApp(target, undefined, { inProcess: true });
    let app: FixtureApp;
    beforeEach(() => (app = fixture()));

    it('a runner stalled past its lease records no completion over the runner that took over, and starts no further task', async () => {
      const lease = { AP_EXTRA: 'blocking', AP_LEASE_MS: '2000' };
      const stalled = app.start([RUN], { ...lease, AP_BLOCK_MS: '9000' });
      await stalled.waitFor(`Running ${BLOCKING}`);
      // What the test waits for is time itself: the stalled runner's lease of 2 s running out (a
      // runner started earlier plans without the stalled task, still running under its lease).
      await sleep(2500);
      const takeover = await app.run([RUN], { ...lease, AP_BLOCK_MS: '0' });
      const late = await stalled.result;

      expect(takeover.code).toBe(0);
      expect(ranVersions(takeover.stdout)).toEqual([BLOCKING, V.seed, V.backfill, V.warm]);
      expect(late.code).toBe(1);
      expect(ranVersions(late.stdout)).toEqual([BLOCKING]);
      // The stalled runner's task did its work (nothing can take that back), and nothing more.
      expect(app.effects()).toEqual({ [BLOCKING]: 2, [V.seed]: 1, [V.backfill]: 1, [V.warm]: 1 });
      const db = await openDatabase(target, app);
      try {
        expect(await db.statuses(BLOCKING)).toEqual(['interrupted', 'completed']);
      } finally {
        await db.close();
      }
    });
  },
  (target) => target.db === 'mongo',
);
