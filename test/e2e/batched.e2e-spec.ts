import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FixtureApp, IN_PROCESS, V, itOnOneStore, ranVersions, statusLine, waitUntil } from '../support/fixture-app';
import { describeEachStore } from '../support/stores';
import { useFixtureAppWithDatabase, type TestDatabase } from '../support/test-database';

const RUN = 'after-party:run';
const STATUS = 'after-party:status';
const BATCHED = '20260101000020';

/** The batched fixture task's status row as `status --json` gives it. */
async function batchedRow(app: FixtureApp, env: Record<string, string>): Promise<any> {
  const status = JSON.parse((await app.run([STATUS, '--json'], env)).stdout);
  return status.tasks.find((row: { version: string }) => row.version === BATCHED);
}

/** Counts of items applied 0, 1, 2... times. */
function tally(hits: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const hit of hits) {
    counts[hit] = (counts[hit] ?? 0) + 1;
  }
  return counts;
}

// Every store where the store's part is under test (the keyset, checkpoints and cursors, pause
// and cancel requests, transactions around a kill); the runner's own paths (an empty collection,
// the progress total, the throttle, --max-duration) on SQLite only, as their titles say.
describeEachStore(`batched tasks ${IN_PROCESS}`, (target) => {
  const onOneStore = itOnOneStore(target);
  const fixture = useFixtureAppWithDatabase(target, { inProcess: true });
  let app: FixtureApp;
  let db: TestDatabase;
  // A short lease: after a SIGKILL on MongoDB the next runner takes the lease over soon.
  const env = (extra: Record<string, string> = {}) => ({ AP_EXTRA: 'batched', AP_BATCH_SIZE: '10', AP_LEASE_MS: '2000', ...extra });
  beforeEach(() => ([app, db] = [fixture.app(), fixture.db()]));
  /**
   * Batch `at` waits, after its writes, until the gate is opened: a pause or cancel asked from
   * another process is recorded while the task is certainly still running, however slow the
   * machine (a timed bet on the task outlasting the command's boot failed under load).
   */
  const gate = (at: number) => {
    const file = join(app.dir, `gate-${at}`);
    rmSync(file, { force: true });
    return { env: { AP_BATCH_GATE_AT: String(at), AP_BATCH_GATE_FILE: file }, open: () => writeFileSync(file, 'open') };
  };

  /** Runs the batched task by name over 50 items whose first two batches are done: it goes on at batch 3, each item applied once. */
  async function expectResumedAtBatch3(): Promise<void> {
    const resumed = await app.run([RUN, BATCHED], env());
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`Resuming ${BATCHED} batched-items`);
    expect(resumed.stdout.match(/batch (\d+) applied/g)).toEqual(['batch 3 applied', 'batch 4 applied', 'batch 5 applied']);
    expect(tally(await db.hits())).toEqual({ 1: 50 });
  }

  it('works through every item once, in batches, with progress, cursor and the later tasks after it', async () => {
    await db.seedItems(95);
    const run = await app.run([RUN], env());
    expect(run.code).toBe(0);
    expect(ranVersions(run.stdout)).toEqual([V.seed, V.backfill, V.warm, BATCHED]);
    expect(run.stdout.match(/batch \d+ applied/g)).toHaveLength(10);
    expect(tally(await db.hits())).toEqual({ 1: 95 });
    const row = await batchedRow(app, env());
    expect(row.state).toBe('completed');
    expect(await db.statuses(BATCHED)).toEqual(['completed']);
  });

  onOneStore('completes at once on an empty collection', async () => {
    await db.seedItems(0);
    const run = await app.run([RUN, BATCHED], env());
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/batch \d+ applied/);
    expect(await db.statuses(BATCHED)).toEqual(['completed']);
  });

  it('refuses a key that is not unique with a clear error, recording the task failed', async () => {
    await db.seedItems(30, { repeatedValues: true });
    const run = await app.run([RUN, BATCHED], env({ AP_ITEMS_KEY: 'value' }));
    expect(run.code).toBe(1);
    // Refused before the first batch, by the keyset helper's verify().
    expect(run.stdout + run.stderr).toMatch(/(typeormKeyset: the key "value" repeats in the collection's query \(\d+ in \d+ rows|mongooseKeyset: the key "value" of Item is not unique)/);
    expect(tally(await db.hits())).toEqual({ 0: 30 });
    expect((await batchedRow(app, env())).state).toBe('failed');
  });

  it('fails the task at a batch that throws, keeps the cursor of the last committed batch, and resumes there', async () => {
    await db.seedItems(50);
    const failed = await app.run([RUN, BATCHED], env({ AP_FAIL: BATCHED, AP_BATCH_FAIL_AT: '3' }));
    expect(failed.code).toBe(1);
    expect(failed.stdout + failed.stderr).toContain('batch 3 was told to fail');
    expect(tally(await db.hits())).toEqual({ 0: 30, 1: 20 });
    const row = await batchedRow(app, env());
    expect(row).toMatchObject({ state: 'failed', progress: expect.objectContaining({ done: 20, total: 50 }) });
    expect(row.progress.cursor).toBe(20);

    await expectResumedAtBatch3();
  });

  it('keeps the cursor of a failed task that is then cancelled: run by name it goes on from there, and a second cancel records nothing', async () => {
    await db.seedItems(50);
    expect((await app.run([RUN, BATCHED], env({ AP_FAIL: BATCHED, AP_BATCH_FAIL_AT: '3' }))).code).toBe(1);
    for (let i = 0; i < 2; i++) {
      const cancel = await app.run(['after-party:cancel', BATCHED], env());
      expect({ code: cancel.code, stderr: cancel.stderr }).toEqual({ code: 0, stderr: '' });
    }
    expect(await db.statuses(BATCHED)).toEqual(['failed', 'cancelled']);
    const row = await batchedRow(app, env());
    expect(row).toMatchObject({ state: 'cancelled', progress: expect.objectContaining({ done: 20, total: 50, cursor: 20 }) });
    expect(ranVersions((await app.run([RUN], env())).stdout)).not.toContain(BATCHED);

    await expectResumedAtBatch3();
  });

  it('starts a failed task over after after-party:reset (status drops the old progress), instead of resuming its cursor', async () => {
    await db.seedItems(50);
    expect((await app.run([RUN, BATCHED], env({ AP_FAIL: BATCHED, AP_BATCH_FAIL_AT: '3' }))).code).toBe(1);
    const reset = await app.run(['after-party:reset', BATCHED, '--yes'], env());
    expect(reset.code).toBe(0);
    expect(reset.stdout).toBe(`Reset ${BATCHED} batched-items (1 run): it is pending again and starts over.\n`);
    // Pending again, without the progress of the run that was reset.
    expect(await batchedRow(app, env())).toMatchObject({ state: 'pending', progress: null });
    const again = await app.run([RUN, BATCHED], env());
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('Resuming');
    expect(again.stdout.match(/batch (\d+) applied/g)).toEqual(['batch 1 applied', 'batch 2 applied', 'batch 3 applied', 'batch 4 applied', 'batch 5 applied']);
    // The first two batches ran before the reset and again after it.
    expect(tally(await db.hits())).toEqual({ 1: 30, 2: 20 });
  });

  onOneStore('keeps the total of a collection that shrinks as it is processed when a run resumes it (done never passes total)', async () => {
    await db.seedItems(50);
    const shrinking = (extra: Record<string, string> = {}) => env({ AP_ONLY_UNAPPLIED: '1', ...extra });
    const failed = await app.run([RUN, BATCHED], shrinking({ AP_FAIL: BATCHED, AP_BATCH_FAIL_AT: '3' }));
    expect(failed.code).toBe(1);
    expect((await batchedRow(app, shrinking())).progress).toMatchObject({ done: 20, total: 50 });
    const resumed = await app.run([RUN, BATCHED], shrinking());
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/Progress 50\/50 \(100%\)/);
    // Every progress line of the resumed run counts out of the whole collection, the first from what earlier runs did.
    const lines = [...resumed.stdout.matchAll(/Progress (\d+)\/(\d+)/g)].map((match) => [Number(match[1]), Number(match[2])]);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toEqual([20, 50]);
    expect(lines.every(([, total]) => total === 50)).toBe(true);
    expect(tally(await db.hits())).toEqual({ 1: 50 });
  });

  it('still resumes at the cursor after a resumed run stopped before its first checkpoint', async () => {
    await db.seedItems(50);
    // Batch numbers go on across resumes: the resumed run fails on its very first batch.
    const fail = env({ AP_FAIL: BATCHED, AP_BATCH_FAIL_AT: '3' });
    expect((await app.run([RUN, BATCHED], fail)).code).toBe(1);
    const again = await app.run([RUN, BATCHED], fail);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`Resuming ${BATCHED} batched-items`);
    expect(tally(await db.hits())).toEqual({ 0: 30, 1: 20 });

    const resumed = await app.run([RUN, BATCHED], env());
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.match(/batch (\d+) applied/g)).toEqual(['batch 3 applied', 'batch 4 applied', 'batch 5 applied']);
    expect(tally(await db.hits())).toEqual({ 1: 50 });
  });

  it('pauses after the current batch when asked from another process (exit 5), then resumes from its cursor', async () => {
    await db.seedItems(100);
    const held = gate(2);
    const slow = env({ AP_BATCH_DELAY_MS: '200', ...held.env });
    const runner = app.start([RUN, BATCHED], slow);
    await runner.waitFor('batch 2 applied');
    const pause = await app.run(['after-party:pause', 'batched-items'], slow);
    expect({ code: pause.code, stderr: pause.stderr }).toEqual({ code: 0, stderr: '' });
    expect(pause.stdout).toContain(`Asked the runner of ${BATCHED} batched-items to pause it after its current batch`);
    held.open();
    const paused = await runner.result;
    expect(paused.code).toBe(5);
    expect(paused.stdout + paused.stderr).toMatch(/Paused 20260101000020 batched-items after \d+ ms: Paused on an operator's request/);
    const applied = (paused.stdout.match(/batch \d+ applied/g) ?? []).length;
    expect(applied).toBeLessThan(10);
    expect(tally(await db.hits())).toEqual({ 0: 100 - applied * 10, 1: applied * 10 });
    expect((await batchedRow(app, slow)).state).toBe('paused');
    expect((await app.run([STATUS, '--check'], slow)).code).toBe(4);

    const resumed = await app.run([RUN, BATCHED], env());
    expect(resumed.code).toBe(0);
    expect(tally(await db.hits())).toEqual({ 1: 100 });
  });

  it('pauses, from another process, a task whose batches hold their transaction (on SQLite: the write lock) nearly all the time', async () => {
    await db.seedItems(100);
    // MongoDB has no batch transaction here: its batches hold the same work without one.
    // Batch 2 holds its transaction until the pause is recorded: the pause command writes while
    // the runner holds the write lock (SQLite) and its batch's transaction is open.
    const held = gate(2);
    const holding = env({ AP_BATCH_TX: target.sql ? '1' : '0', AP_BATCH_HOLD_MS: '400', ...held.env });
    const runner = app.start([RUN, BATCHED], holding);
    await runner.waitFor('batch 2 applied');
    const pause = await app.run(['after-party:pause', BATCHED], holding);
    expect({ code: pause.code, stderr: pause.stderr }).toEqual({ code: 0, stderr: '' });
    held.open();
    const paused = await runner.result;
    expect(paused.code).toBe(5);
    expect((await batchedRow(app, holding)).state).toBe('paused');
    const done = (await db.hits()).filter((hit) => hit === 1).length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(100);

    const resumed = await app.run([RUN, BATCHED], env());
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`Resuming ${BATCHED} batched-items`);
    expect(tally(await db.hits())).toEqual({ 1: 100 });
  });

  it('stops after the batch in progress on SIGTERM, recorded interrupted (exit 1), even where no query waits for I/O, and resumes there', async () => {
    // No delay: on SQLite no batch gives the event loop a turn unless the runner does. Enough
    // batches that the signal lands long before the last (FerretDB is slower per batch).
    const items = target.sql ? 2000 : 300;
    await db.seedItems(items);
    const runner = app.start([RUN, BATCHED], env());
    await runner.waitFor('batch 3 applied');
    runner.child.kill('SIGTERM');
    const stopped = await runner.result;
    expect(stopped.code).toBe(1);
    expect(stopped.stdout + stopped.stderr).toMatch(/Interrupted 20260101000020 batched-items after \d+ ms: Interrupted by SIGTERM/);
    const applied = (stopped.stdout.match(/batch \d+ applied/g) ?? []).length;
    expect(applied).toBeLessThan(items / 10);
    expect(tally(await db.hits())).toEqual({ 0: items - applied * 10, 1: applied * 10 });
    expect(await db.statuses(BATCHED)).toEqual(['interrupted']);

    const resumed = await app.run([RUN, BATCHED], env());
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`batch ${applied + 1} applied`);
    expect(tally(await db.hits())).toEqual({ 1: items });
  });

  it('keeps a cancel asked of a run whose runner was killed: the next run records it cancelled and leaves it alone; run by name it goes on', async () => {
    await db.seedItems(50);
    // Batch 2 hangs after its writes (inside its transaction on SQL stores) until the runner is killed.
    const transaction = target.sql ? '1' : '0';
    const killed = app.start([RUN, BATCHED], env({ AP_BATCH_TX: transaction, AP_BATCH_HANG_AT: '2' }));
    await killed.waitFor('batch 2 applied');
    killed.child.kill('SIGKILL');
    expect((await killed.result).signal).toBe('SIGKILL');
    // The record still says running: the request is taken, though no runner will read it.
    const cancel = await app.run(['after-party:cancel', BATCHED], env());
    expect({ code: cancel.code, stderr: cancel.stderr }).toEqual({ code: 0, stderr: '' });

    const next = await app.run([RUN], env());
    expect(next.code).toBe(0);
    expect(next.stdout + next.stderr).toContain(`${BATCHED} batched-items was asked to cancel while its runner was gone: recorded as cancelled.`);
    expect(ranVersions(next.stdout)).not.toContain(BATCHED);
    expect(await db.statuses(BATCHED)).toEqual(['interrupted', 'cancelled']);
    expect((await batchedRow(app, env())).state).toBe('cancelled');
    const applied = (await db.hits()).filter((hit) => hit > 0).length;
    expect(applied).toBeLessThan(50);

    const byName = await app.run([RUN, BATCHED], env());
    expect(byName.code).toBe(0);
    expect(byName.stdout).toContain(`Resuming ${BATCHED} batched-items`);
    // Batch 2's writes died with their transaction on SQL stores; without one they are applied again.
    expect(tally(await db.hits())).toEqual(target.sql ? { 1: 50 } : { 1: 40, 2: 10 });
  });

  it('cancels a running task after its batch: later runs leave it alone until it is run by name', async () => {
    await db.seedItems(100);
    const held = gate(2);
    const slow = env({ AP_BATCH_DELAY_MS: '200', ...held.env });
    const runner = app.start([RUN], slow);
    await runner.waitFor('batch 2 applied');
    const cancel = await app.run(['after-party:cancel', BATCHED], slow);
    expect({ code: cancel.code, stderr: cancel.stderr }).toEqual({ code: 0, stderr: '' });
    held.open();
    const cancelled = await runner.result;
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout + cancelled.stderr).toMatch(/Cancelled 20260101000020 batched-items after \d+ ms: Cancelled on an operator's request/);
    expect((await batchedRow(app, slow)).state).toBe('cancelled');
    expect((await app.run([STATUS, '--check'], slow)).code).toBe(0);

    const later = await app.run([RUN], slow);
    expect(ranVersions(later.stdout)).toEqual([V.warm]);
    expect(later.stdout).toContain(`${BATCHED} batched-items was cancelled: left alone (after-party:run batched-items goes on with it`);
    const applied = (await db.hits()).filter((hit) => hit === 1).length;
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBeLessThan(100);
    expect(await db.hits()).not.toContain(2);

    // Run by name, a cancelled task goes on from where it stopped.
    const byName = await app.run([RUN, BATCHED], env());
    expect(byName.code).toBe(0);
    expect(byName.stdout).toContain(`Resuming ${BATCHED} batched-items`);
    expect(tally(await db.hits())).toEqual({ 1: 100 });
  });

  onOneStore('backs off while the throttle check says so, shows it in status (kept fresh while it waits), and goes on when it clears', async () => {
    await db.seedItems(30);
    const throttleFile = join(app.dir, 'throttle');
    writeFileSync(throttleFile, 'lagging');
    const runner = app.start([RUN, BATCHED], env({ AP_THROTTLE_FILE: throttleFile }));
    await runner.waitFor('Throttled (the throttle file exists): backing off');
    // The record says so once the runner has written it.
    const row = await waitUntil(() => batchedRow(app, env()), (read) => read?.progress?.state === 'throttled', 30_000, 0);
    expect(row).toMatchObject({ state: 'running', progress: expect.objectContaining({ state: 'throttled', throttledBecause: 'the throttle file exists', done: 0 }) });
    expect(tally(await db.hits())).toEqual({ 0: 30 });
    // While it backs off, the record is still written every 2 s: another host sees the runner there.
    const later = await waitUntil(
      () => batchedRow(app, env()),
      (read) => Date.parse(read.progress.updatedAt) > Date.parse(row.progress.updatedAt),
      30_000,
      0,
    );
    expect(later.progress.state).toBe('throttled');
    expect(Date.parse(later.progress.updatedAt)).toBeGreaterThan(Date.parse(row.progress.updatedAt));
    rmSync(throttleFile);
    const done = await runner.result;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('Throttle cleared: going on');
    expect(tally(await db.hits())).toEqual({ 1: 30 });
  });

  onOneStore('slices a long task across runs with --max-duration, exiting 5 until it completes', async () => {
    await db.seedItems(60);
    const slow = env({ AP_BATCH_DELAY_MS: '400' });
    const codes: number[] = [];
    for (let slice = 0; slice < 10; slice++) {
      const run = await app.run([RUN, BATCHED, '--max-duration', '1s'], slow);
      codes.push(run.code as number);
      if (run.code === 0) {
        break;
      }
      expect(run.stdout + run.stderr).toMatch(/Time budget spent \(--max-duration 1\.0 s\)/);
    }
    expect(codes.length).toBeGreaterThan(1);
    expect(codes.slice(0, -1).every((code) => code === 5)).toBe(true);
    expect(codes[codes.length - 1]).toBe(0);
    expect(tally(await db.hits())).toEqual({ 1: 60 });
  });

  const killTitle = target.sql
    ? 'redoes nothing with a transaction per batch, and at most one batch without (items read as plain rows),'
    : 'redoes at most one batch';
  it(`${killTitle} after SIGKILL between a batch's writes and its checkpoint`, async () => {
    await db.seedItems(60);
    const modes = target.sql ? ['1', '0'] : ['0'];
    for (const [index, transaction] of modes.entries()) {
      if (index > 0) {
        // Start the second mode afresh: no applied item, no record to resume.
        await db.sql(`UPDATE ${app.table}_items SET hits = 0`);
        await db.sql(`DELETE FROM ${app.table}`);
      }
      const killed = app.start([RUN, BATCHED], env({ AP_BATCH_TX: transaction, AP_BATCH_HANG_AT: '3', AP_PLAIN: '1' }));
      // Batch 3's writes are done; its checkpoint is not: the worst moment.
      await killed.waitFor('batch 3 applied');
      killed.child.kill('SIGKILL');
      await killed.result;
      const resumed = await app.run([RUN, BATCHED], env({ AP_BATCH_TX: transaction, AP_PLAIN: '1' }));
      expect(resumed.code).toBe(0);
      const counts = tally(await db.hits());
      if (transaction === '1') {
        expect({ transaction, counts }).toEqual({ transaction, counts: { 1: 60 } });
      } else {
        expect({ transaction, counts }).toEqual({ transaction, counts: { 1: 50, 2: 10 } });
      }
    }
    expect(statusLine((await app.run([STATUS], env())).stdout, BATCHED)).toMatch(/^completed\s/);
  });
});
