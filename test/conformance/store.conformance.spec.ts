import type { RegisteredTask } from '../../lib/discovery/registered-task.interface';
import { TaskRegistry } from '../../lib/discovery/task.registry';
import { LockTimeoutError } from '../../lib/errors/lock-timeout.error';
import { AfterPartyEvents } from '../../lib/events/after-party.events';
import { resolveOptions } from '../../lib/resolve-options';
import { TaskRunner } from '../../lib/runner/task.runner';
import type { TaskRunRecord } from '../../lib/interfaces/run-record.interface';
import type { AfterPartyStore, LockOwner } from '../../lib/interfaces/store.interface';
import { dropTestTables } from '../support/drop-tables';
import { openHarness, type StoreHarness } from '../support/store-harness';
import { describeEachStore, uniqueTable } from '../support/stores';

const owner = (pid: number): LockOwner => ({ id: `owner-${pid}`, host: 'test-host', pid, since: new Date().toISOString() });

let sequence = 0;
function run(version: string, overrides: Partial<TaskRunRecord> = {}): TaskRunRecord {
  sequence += 1;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    version,
    name: `task-${version}`,
    status: 'running',
    kind: 'deploy',
    deployId: null,
    environment: 'test',
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)).toISOString(),
    finishedAt: null,
    durationMs: null,
    host: 'test-host',
    pid: 1,
    error: null,
    progress: null,
    checkpoint: null,
    ...overrides,
  };
}

const done = (status: 'completed' | 'failed' | 'interrupted', error: string | null = null) => ({
  status,
  finishedAt: new Date().toISOString(),
  durationMs: 5,
  error,
});

describeEachStore('store conformance', (target) => {
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
    await store.prepare();
    await store.prepare();
    expect(await store.versionStates(null)).toEqual([]);
  });

  it('records a run, completes it, and reports it completed and latest', async () => {
    await store.prepare();
    const record = run('20260101000001');
    await store.insertRun(record);
    expect(await store.versionStates(null)).toEqual([{ version: '20260101000001', completed: false, completedInDeploy: false, cutShort: false }]);
    await store.finishRun(record.id, done('completed'));
    expect(await store.versionStates(null)).toEqual([{ version: '20260101000001', completed: true, completedInDeploy: false, cutShort: false }]);
    const [latest] = await store.latestRuns();
    expect(latest).toMatchObject({ id: record.id, status: 'completed', durationMs: 5, kind: 'deploy', error: null, pid: 1 });
  });

  it('keeps failed runs out of the completed versions, with their error, and shows the latest of several runs', async () => {
    await store.prepare();
    const failed = run('20260101000002');
    await store.insertRun(failed);
    await store.finishRun(failed.id, done('failed', 'boom'));
    expect(await store.versionStates(null)).toEqual([{ version: '20260101000002', completed: false, completedInDeploy: false, cutShort: true }]);
    expect((await store.latestRuns())[0]).toMatchObject({ id: failed.id, status: 'failed', error: 'boom' });

    const retry = run('20260101000002');
    await store.insertRun(retry);
    await store.finishRun(retry.id, done('completed'));
    const latest = await store.latestRuns();
    expect(latest).toHaveLength(1);
    expect(latest[0]).toMatchObject({ id: retry.id, status: 'completed' });
  });

  it('tells whether a version completed under a given deploy id', async () => {
    await store.prepare();
    for (const deployId of ['release-1', 'release-2']) {
      const record = run('20260101000003', { deployId });
      await store.insertRun(record);
      await store.finishRun(record.id, done('completed'));
    }
    const once = run('20260101000004');
    await store.insertRun(once);
    await store.finishRun(once.id, done('completed'));
    const sorted = (list: Array<{ version: string }>) => [...list].sort((a, b) => a.version.localeCompare(b.version));
    expect(sorted(await store.versionStates('release-2'))).toEqual([
      { version: '20260101000003', completed: true, completedInDeploy: true, cutShort: false },
      { version: '20260101000004', completed: true, completedInDeploy: false, cutShort: false },
    ]);
    expect(sorted(await store.versionStates('release-3'))).toEqual([
      { version: '20260101000003', completed: true, completedInDeploy: false, cutShort: false },
      { version: '20260101000004', completed: true, completedInDeploy: false, cutShort: false },
    ]);
  });

  it('marks orphaned running records as interrupted and returns them', async () => {
    await store.prepare();
    const orphan = run('20260101000005');
    await store.insertRun(orphan);
    const finished = run('20260101000006');
    await store.insertRun(finished);
    await store.finishRun(finished.id, done('completed'));
    const returned = await store.interruptOrphans(new Date().toISOString());
    expect(returned.map((r) => r.id)).toEqual([orphan.id]);
    const latest = await store.latestRuns();
    expect(latest.find((r) => r.id === orphan.id)).toMatchObject({ status: 'interrupted', error: expect.stringContaining('stopped before the task finished') });
    expect(latest.find((r) => r.id === finished.id)?.status).toBe('completed');
    expect(await store.lastRun('20260101000005')).toMatchObject({ id: orphan.id, status: 'interrupted' });
    expect(await store.lastRun('20269999999999')).toBeNull();
    expect(await store.interruptOrphans(new Date().toISOString())).toEqual([]);
  });

  it('excludes a second runner on another connection until the lock is released', async () => {
    const other = await harness.otherStore(table);
    const lock = await store.acquireLock(owner(101), 0);
    await expect(other.acquireLock(owner(202), 0)).rejects.toBeInstanceOf(LockTimeoutError);
    const started = Date.now();
    await expect(other.acquireLock(owner(202), 400)).rejects.toThrow(/within 400 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    await lock.release();
    const second = await other.acquireLock(owner(202), 0);
    await second.release();
  });

  it('scopes the lock to the records table', async () => {
    const lock = await store.acquireLock(owner(101), 0);
    const otherTable = uniqueTable('conf');
    const unrelated = await harness.store(otherTable).acquireLock(owner(303), 0);
    await unrelated.release();
    await lock.release();
    await dropTestTables(target, otherTable);
  });

  if (target.db === 'postgres' || target.db === 'mysql') {
    it("frees a lock whose connection died, without any release", async () => {
      const other = await harness.otherStore(table);
      await other.acquireLock(owner(404), 0);
      await harness.close();
      harness = await openHarness(target);
      const lock = await harness.store(table).acquireLock(owner(505), 2000);
      await lock.release();
    });
  }

  if (target.db === 'mongo') {
    it('takes over an expired lease, and names the live holder otherwise', async () => {
      const leases = harness.mongo!.db!.collection(`${table}_lock`);
      await leases.insertOne({
        _id: 'run-lock' as never,
        owner: 'crashed',
        host: 'gone-host',
        pid: 9,
        acquiredAt: new Date(Date.now() - 60_000),
        expiresAt: new Date(Date.now() - 1000),
      });
      const lock = await store.acquireLock(owner(606), 0);
      const holder = await leases.findOne({});
      expect(holder).toMatchObject({ owner: 'owner-606', pid: 606 });
      await expect(harness.store(table).acquireLock(owner(707), 0)).rejects.toThrow(/held by host test-host, pid 606/);
      await lock.release();
      expect(await leases.countDocuments({})).toBe(0);
    });

    it('signals a lease lost to another runner, so the run stops', async () => {
      const leased = harness.store(table, { leaseMs: 300 });
      const lock = await leased.acquireLock(owner(111), 0);
      expect(lock.lost?.aborted).toBe(false);
      // As if this runner had stalled past its lease and another had taken it over.
      await harness.mongo!.db!.collection(`${table}_lock`).updateOne({}, { $set: { owner: 'someone-else' } });
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(lock.lost?.aborted).toBe(true);
      await lock.release();
      expect(await harness.mongo!.db!.collection(`${table}_lock`).countDocuments({ owner: 'someone-else' })).toBe(1);
    });

    it('interrupts the running task when the lease is lost', async () => {
      const registry = new TaskRegistry();
      const slow: RegisteredTask = {
        version: '20260101000042', name: 'slow', description: '', className: 'SlowTask', everyDeploy: false,
        transaction: false, timeout: null, environments: null,
        instance: { run: (ctx) => new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve())) },
      };
      registry.load([slow]);
      const options = resolveOptions('mongoose', { environment: 'test', gracePeriod: 1000 });
      const runner = new TaskRunner(harness.store(table, { leaseMs: 300 }), options, registry, new AfterPartyEvents());
      const running = runner.run({ tasks: [], deployId: null, lockTimeoutMs: 0, migrate: false, terminal: false });
      await new Promise((resolve) => setTimeout(resolve, 150));
      await harness.mongo!.db!.collection(`${table}_lock`).updateOne({}, { $set: { owner: 'someone-else' } });
      const report = await running;
      expect(report.outcomes).toEqual([expect.objectContaining({ status: 'interrupted', error: 'The run lock was lost to another runner' })]);
    });

    it('renews the lease while held', async () => {
      const leased = harness.store(table, { leaseMs: 300 });
      const lock = await leased.acquireLock(owner(808), 0);
      await new Promise((resolve) => setTimeout(resolve, 700));
      await expect(harness.store(table).acquireLock(owner(909), 0)).rejects.toBeInstanceOf(LockTimeoutError);
      await lock.release();
    });
  }

  if (target.sql) {
    it('commits the work and the completion record together, or neither', async () => {
      await store.prepare();
      const sql = harness.sql!;
      const data = `${table}_effects`;
      await sql(`CREATE TABLE ${data} (id integer PRIMARY KEY)`);
      const ok = run('20260101000007');
      await store.insertRun(ok);
      await store.runInTransaction(ok.id, async (manager) => {
        await (manager as { query(q: string): Promise<unknown> }).query(`INSERT INTO ${data} (id) VALUES (1)`);
      }, () => done('completed'));
      const bad = run('20260101000008');
      await store.insertRun(bad);
      await expect(
        store.runInTransaction(bad.id, async (manager) => {
          await (manager as { query(q: string): Promise<unknown> }).query(`INSERT INTO ${data} (id) VALUES (2)`);
          throw new Error('half way');
        }, () => done('completed')),
      ).rejects.toThrow('half way');
      expect((await sql(`SELECT id FROM ${data}`)).map((row) => Number(row.id))).toEqual([1]);
      expect((await store.versionStates(null)).filter((v) => v.completed).map((v) => v.version)).toEqual(['20260101000007']);
    });
  }
});
