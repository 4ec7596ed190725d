import type { AfterPartyStore } from '../../lib/interfaces/store.interface';
import { MAX_RECORDED_ERROR, recordableError } from '../../lib/records/recordable-error';
import { dropTestTables } from '../support/drop-tables';
import { openHarness, type StoreHarness } from '../support/store-harness';
import { ended, runRecord } from '../support/run-records';
import { describeEachConformanceTarget, uniqueTable } from '../support/stores';

describeEachConformanceTarget('store conformance: records', (target) => {
  let harness: StoreHarness;
  let table: string;
  let store: AfterPartyStore;

  beforeAll(async () => {
    harness = await openHarness(target);
  });

  afterAll(async () => {
    await harness?.close();
  });

  beforeEach(async () => {
    table = uniqueTable('conf');
    store = harness.store(table);
  });

  afterEach(async () => {
    await dropTestTables(target, table);
  });

  it('reads an absent table as empty, then creates it (idempotently)', async () => {
    expect(await store.latestRuns()).toEqual([]);
    expect(await store.runningRuns()).toEqual([]);
    expect(await store.versionStates(null)).toEqual([]);
    await store.prepare();
    await store.prepare();
    expect(await store.versionStates(null)).toEqual([]);
  });

  it('records a run, completes it, and reports it completed and latest, every field as written', async () => {
    await store.prepare();
    const record = runRecord('20260101000001', { deployId: 'release-7', pid: 4242 });
    await store.insertRun(record);
    expect(await store.versionStates(null)).toEqual([{ version: '20260101000001', completed: false, completedInDeploy: false, cutShort: false, cancelled: false }]);
    const completion = ended('completed');
    expect(await store.finishRun(record.id, completion)).toBe(true);
    expect(await store.versionStates(null)).toEqual([{ version: '20260101000001', completed: true, completedInDeploy: false, cutShort: false, cancelled: false }]);
    expect(await store.latestRuns()).toEqual([{ ...record, ...completion }]);
  });

  it('writes a completion only over a running record: a taken-over run stays as the other runner left it', async () => {
    await store.prepare();
    const record = runRecord('20260101000002');
    await store.insertRun(record);
    expect(await store.interruptOrphans(new Date().toISOString())).toHaveLength(1);
    expect(await store.finishRun(record.id, ended('completed'))).toBe(false);
    expect(await store.lastRun(record.version)).toMatchObject({ id: record.id, status: 'interrupted' });
    expect(await store.versionStates(null)).toEqual([{ version: record.version, completed: false, completedInDeploy: false, cutShort: true, cancelled: false }]);
  });

  it('ends a run once when its runner finishes it while a runner that took the lock over interrupts it: finishRun says which', async () => {
    await store.prepare();
    const other = await harness.otherStore(table);
    for (let round = 0; round < 8; round++) {
      const record = runRecord(`2026010100004${round}`);
      await store.insertRun(record);
      const [finished] = await Promise.all([store.finishRun(record.id, ended('completed')), other.interruptOrphans(new Date().toISOString())]);
      const status = (await store.lastRun(record.version))?.status;
      expect({ round, finished, status }).toEqual({ round, finished, status: finished ? 'completed' : 'interrupted' });
    }
  });

  it('keeps failed runs out of the completed versions, with their error, and shows the latest of several runs', async () => {
    await store.prepare();
    const failed = runRecord('20260101000003');
    await store.insertRun(failed);
    await store.finishRun(failed.id, ended('failed', 'boom'));
    expect(await store.versionStates(null)).toEqual([{ version: '20260101000003', completed: false, completedInDeploy: false, cutShort: true, cancelled: false }]);
    expect((await store.latestRuns())[0]).toMatchObject({ id: failed.id, status: 'failed', error: 'boom' });

    const retry = runRecord('20260101000003');
    await store.insertRun(retry);
    await store.finishRun(retry.id, ended('completed'));
    const latest = await store.latestRuns();
    expect(latest).toHaveLength(1);
    expect(latest[0]).toMatchObject({ id: retry.id, status: 'completed' });
    expect(await store.lastRun('20260101000003')).toMatchObject({ id: retry.id });
  });

  it('tells whether a version completed under a given deploy id', async () => {
    await store.prepare();
    for (const deployId of ['release-1', 'release-2']) {
      const record = runRecord('20260101000004', { deployId });
      await store.insertRun(record);
      await store.finishRun(record.id, ended('completed'));
    }
    const once = runRecord('20260101000005');
    await store.insertRun(once);
    await store.finishRun(once.id, ended('completed'));
    const sorted = (list: Array<{ version: string }>) => [...list].sort((a, b) => a.version.localeCompare(b.version));
    expect(sorted(await store.versionStates('release-2'))).toEqual([
      { version: '20260101000004', completed: true, completedInDeploy: true, cutShort: false, cancelled: false },
      { version: '20260101000005', completed: true, completedInDeploy: false, cutShort: false, cancelled: false },
    ]);
    expect(sorted(await store.versionStates('release-3'))).toEqual([
      { version: '20260101000004', completed: true, completedInDeploy: false, cutShort: false, cancelled: false },
      { version: '20260101000005', completed: true, completedInDeploy: false, cutShort: false, cancelled: false },
    ]);
  });

  it('lists the running records, then marks them (orphans) as interrupted and returns them', async () => {
    await store.prepare();
    const orphan = runRecord('20260101000006');
    await store.insertRun(orphan);
    const finished = runRecord('20260101000007');
    await store.insertRun(finished);
    await store.finishRun(finished.id, ended('completed'));
    expect(await store.runningRuns()).toEqual([orphan]);
    const returned = await store.interruptOrphans(new Date().toISOString());
    expect(returned.map((r) => r.id)).toEqual([orphan.id]);
    expect(await store.runningRuns()).toEqual([]);
    const latest = await store.latestRuns();
    expect(latest.find((r) => r.id === orphan.id)).toMatchObject({ status: 'interrupted', error: expect.stringContaining('stopped before the task finished') });
    expect(latest.find((r) => r.id === finished.id)?.status).toBe('completed');
    expect(await store.lastRun('20260101000006')).toMatchObject({ id: orphan.id, status: 'interrupted' });
    expect(await store.lastRun('20269999999999')).toBeNull();
    expect(await store.interruptOrphans(new Date().toISOString())).toEqual([]);
  });

  it('saves progress and checkpoints as JSON and reads them back', async () => {
    await store.prepare();
    const record = runRecord('20260101000008');
    await store.insertRun(record);
    const progress = { done: 3, total: 10, message: 'users "a–z"', updatedAt: '2026-01-01T00:00:01.000Z' };
    await store.updateRun(record.id, { progress, checkpoint: { lastId: 42, keys: ['a', 'b'] } });
    expect(await store.lastRun(record.version)).toMatchObject({ progress, checkpoint: { lastId: 42, keys: ['a', 'b'] } });
    await store.updateRun(record.id, { checkpoint: 'a plain string' });
    expect((await store.lastRun(record.version))?.checkpoint).toBe('a plain string');
  });

  it('resets completed runs so the version is pending again, keeping them as history', async () => {
    await store.prepare();
    const record = runRecord('20260101000009');
    await store.insertRun(record);
    await store.finishRun(record.id, ended('completed'));
    expect(await store.resetVersion(record.version, 'reset for a test')).toBe(1);
    expect(await store.versionStates(null)).toEqual([{ version: record.version, completed: false, completedInDeploy: false, cutShort: false, cancelled: false }]);
    expect(await store.lastRun(record.version)).toMatchObject({ id: record.id, status: 'reset', error: 'reset for a test' });
    expect(await store.resetVersion(record.version, 'again')).toBe(0);
  });

  it('resets failed, interrupted and paused runs only when asked (the next run starts over), and never a running one', async () => {
    await store.prepare();
    const runs = { failed: runRecord('20260101000031'), interrupted: runRecord('20260101000032'), paused: runRecord('20260101000033') } as const;
    for (const [status, record] of Object.entries(runs)) {
      await store.insertRun(record);
      await store.finishRun(record.id, ended(status as keyof typeof runs, 'cut short'));
    }
    const running = runRecord('20260101000034');
    await store.insertRun(running);
    for (const [status, record] of Object.entries(runs)) {
      expect(await store.resetVersion(record.version, 'completions only')).toBe(0);
      expect(await store.lastRun(record.version)).toMatchObject({ status });
      expect(await store.resetVersion(record.version, 'start over', { unfinished: true })).toBe(1);
      expect(await store.lastRun(record.version)).toMatchObject({ id: record.id, status: 'reset', error: 'start over' });
    }
    expect(await store.resetVersion(running.version, 'start over', { unfinished: true })).toBe(0);
    expect(await store.lastRun(running.version)).toMatchObject({ status: 'running' });
  });

  it('stores any error the runner records: a 5 MB message is cut with a note, NUL bytes and lone surrogates replaced', async () => {
    await store.prepare();
    const huge = runRecord('20260101000010');
    await store.insertRun(huge);
    expect(await store.finishRun(huge.id, ended('failed', recordableError(new Error('x'.repeat(5 * 1024 * 1024)))))).toBe(true);
    const stored = (await store.lastRun(huge.version))?.error ?? '';
    expect(stored.length).toBeLessThanOrEqual(MAX_RECORDED_ERROR);
    expect(stored).toMatch(/^x+ \[cut: 5242880 characters in all; the full error is in the runner's log\]$/);

    const odd = runRecord('20260101000011');
    await store.insertRun(odd);
    expect(await store.finishRun(odd.id, ended('failed', recordableError(new Error('bad\u0000byte \uD800 end'))))).toBe(true);
    expect((await store.lastRun(odd.version))?.error).toBe('bad\uFFFDbyte \uFFFD end');
  });

  it('counts a paused run as cut short and a cancelled one as cancelled; reset withdraws a cancellation', async () => {
    await store.prepare();
    const paused = runRecord('20260101000012');
    await store.insertRun(paused);
    await store.finishRun(paused.id, ended('paused', 'Paused by after-party:pause'));
    const cancelled = runRecord('20260101000013');
    await store.insertRun(cancelled);
    await store.finishRun(cancelled.id, ended('cancelled', 'Cancelled by after-party:cancel'));
    const byVersion = new Map((await store.versionStates(null)).map((state) => [state.version, state]));
    expect(byVersion.get(paused.version)).toEqual({ version: paused.version, completed: false, completedInDeploy: false, cutShort: true, cancelled: false });
    expect(byVersion.get(cancelled.version)).toEqual({ version: cancelled.version, completed: false, completedInDeploy: false, cutShort: false, cancelled: true });
    expect(await store.resetVersion(cancelled.version, 'try again')).toBe(1);
    expect((await store.versionStates(null)).find((state) => state.version === cancelled.version)?.cancelled).toBe(false);
  });

  it('passes a pause or cancel request to the running run of a version, and to no other', async () => {
    await store.prepare();
    const running = runRecord('20260101000014');
    await store.insertRun(running);
    const finished = runRecord('20260101000015');
    await store.insertRun(finished);
    await store.finishRun(finished.id, ended('completed'));
    expect(await store.readControl(running.id)).toBeNull();
    expect(await store.requestControl(running.version, 'pause')).toBe(true);
    expect(await store.readControl(running.id)).toEqual({ control: 'pause', actor: null });
    expect(await store.requestControl(finished.version, 'cancel')).toBe(false);
    expect(await store.readControl(finished.id)).toBeNull();
    expect(await store.requestControl('20269999999999', 'pause')).toBe(false);
  });

  it('keeps who asked for a pause or cancel with the request, cut to 64 characters in all, in any script', async () => {
    await store.prepare();
    const running = runRecord('20260101000023');
    await store.insertRun(running);
    expect(await store.requestControl(running.version, 'pause', 'ops@example.com')).toBe(true);
    expect(await store.readControl(running.id)).toEqual({ control: 'pause', actor: 'ops@example.com' });
    // A later request wins, and its actor with it; a long name with characters beyond Latin is kept as far as 64 characters go.
    const long = `Zoë Ødegård 🚀 ${'x'.repeat(80)}`;
    expect(await store.requestControl(running.version, 'cancel', long)).toBe(true);
    expect(await store.readControl(running.id)).toEqual({ control: 'cancel', actor: `cancel ${long}`.slice(0, 64).slice('cancel '.length) });
    expect(await store.requestControl(running.version, 'pause', null)).toBe(true);
    expect(await store.readControl(running.id)).toEqual({ control: 'pause', actor: null });
  });

  it('lets no pause or cancel request outlive its run: once it ended and another request was made, none is read for it', async () => {
    await store.prepare();
    const first = runRecord('20260101000021');
    const second = runRecord('20260101000022');
    await store.insertRun(first);
    await store.insertRun(second);
    expect(await store.requestControl(first.version, 'pause')).toBe(true);
    expect(await store.requestControl(second.version, 'cancel')).toBe(true);
    await store.finishRun(first.id, ended('paused'));
    expect(await store.requestControl(second.version, 'pause')).toBe(true);
    expect(await store.readControl(first.id)).toBeNull();
    expect(await store.readControl(second.id)).toEqual({ control: 'pause', actor: null });
    // A resumed task is a new run: nothing asked of the paused one reaches it.
    const resumed = runRecord(first.version);
    await store.insertRun(resumed);
    expect(await store.readControl(resumed.id)).toBeNull();
  });

  // Only the Mongoose store keeps requests apart from the records (the SQL stores keep a request
  // on the run's record: nothing is left behind there).
  const mongoOnly = target.db === 'mongo' ? it : null;
  mongoOnly?.('keeps no pause or cancel request of a run that has ended once another request is made (<collection>_control)', async () => {
    const mongo = harness.mongo as NonNullable<StoreHarness['mongo']>;
    await store.prepare();
    const first = runRecord('20260101000017');
    const second = runRecord('20260101000018');
    await store.insertRun(first);
    await store.insertRun(second);
    expect(await store.requestControl(first.version, 'pause')).toBe(true);
    expect(await store.requestControl(second.version, 'cancel')).toBe(true);
    await store.finishRun(first.id, ended('paused'));
    const requests = mongo.collection(`${table}_control`);
    expect((await requests.find({}).toArray()).map((doc) => String(doc._id)).sort()).toEqual([first.id, second.id].sort());
    // The next request forgets the ended run's, and keeps the running one's.
    expect(await store.requestControl(second.version, 'pause')).toBe(true);
    expect(await requests.find({}).toArray()).toEqual([{ _id: second.id, control: 'pause' }]);
    expect(await store.readControl(second.id)).toEqual({ control: 'pause', actor: null });
  });

  // PostgreSQL and MySQL: SQLite keeps pause and cancel requests in files beside the database.
  const serverSql = target.sql && target.db !== 'sqlite' ? it : null;
  serverSql?.('says the records table does not exist yet, and what creates it, when a write finds none (not to grant privileges)', async () => {
    await expect(store.requestControl('20260101000020', 'pause')).rejects.toThrow(
      /^Cannot write to the records table .*\. It does not exist yet: after-party:run creates it \(or apply the migration made with createAfterPartyMigration\(\)\)\.$/,
    );
  });

  // SQLite only: one write lock for the whole file, held by another process past the busy timeout.
  const sqliteOnly = target.db === 'sqlite' ? it : null;
  sqliteOnly?.('says another process holds the write lock when a write waits past the busy timeout (not to grant privileges)', async () => {
    await store.prepare();
    const Database = require('better-sqlite3') as new (file: string) => { exec(sql: string): void; close(): void };
    const other = new Database(harness.file as string);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.insertRun(runRecord('20260101000019'))).rejects.toThrow(
        /^Cannot write to the records table .*database is locked\. Another process holds the database write lock \(a running task\?\): retry once it is done\.$/,
      );
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(await store.lastRun('20260101000019')).toBeNull();
  }, 15_000);

  it('loses neither a checkpoint nor a pause request when both are written at the same moment', async () => {
    await store.prepare();
    const running = runRecord('20260101000016');
    await store.insertRun(running);
    // The runner saves a checkpoint while an operator's request arrives from another process.
    for (let batch = 1; batch <= 20; batch++) {
      const control = batch % 2 ? 'pause' : 'cancel';
      await Promise.all([store.updateRun(running.id, { checkpoint: { batch } }), store.requestControl(running.version, control)]);
      const saved = { checkpoint: (await store.lastRun(running.version))?.checkpoint, control: await store.readControl(running.id) };
      expect({ batch, ...saved }).toEqual({ batch, checkpoint: { batch }, control: { control, actor: null } });
    }
  });

  it('writes progress and checkpoints only on a running record', async () => {
    await store.prepare();
    const record = runRecord('20260101000016');
    await store.insertRun(record);
    await store.finishRun(record.id, ended('completed'));
    await store.updateRun(record.id, { checkpoint: { late: true } });
    expect((await store.lastRun(record.version))?.checkpoint).toBeNull();
  });
  it('pages the runs of one version, newest first, with who started each; an absent table reads as none', async () => {
    expect(await store.runsOf('20260101000017', { offset: 0, limit: 10 })).toEqual([]);
    await store.prepare();
    const runs = [0, 1, 2, 3, 4].map((n) => runRecord('20260101000017', { actor: n % 2 === 0 ? `operator-${n} ✓` : null }));
    for (const run of runs) {
      await store.insertRun(run);
    }
    await store.insertRun(runRecord('20260101000018'));
    const ids = async (offset: number, limit: number) => (await store.runsOf('20260101000017', { offset, limit })).map((run) => run.id);
    const newestFirst = [...runs].reverse().map((run) => run.id);
    expect(await ids(0, 2)).toEqual(newestFirst.slice(0, 2));
    expect(await ids(2, 2)).toEqual(newestFirst.slice(2, 4));
    expect(await ids(4, 2)).toEqual(newestFirst.slice(4));
    expect(await ids(6, 2)).toEqual([]);
    const [newest] = await store.runsOf('20260101000017', { offset: 0, limit: 1 });
    expect(newest).toEqual(runs[4]);
    expect((await store.lastRun('20260101000017'))?.actor).toBe('operator-4 ✓');
  });
  it('adds the actor column to a records table made before it (SQL), and the table then takes runs as before', async () => {
    if (!harness.sql) {
      return;
    }
    await store.prepare();
    await harness.sql(`ALTER TABLE ${table} DROP COLUMN actor`);
    await store.prepare();
    const record = runRecord('20260101000019', { actor: 'upgraded' });
    await store.insertRun(record);
    expect(await store.lastRun(record.version)).toEqual(record);
  });
});
