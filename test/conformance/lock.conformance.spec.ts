import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { LockLostError } from '../../lib/errors/lock-lost.error';
import { LockTimeoutError } from '../../lib/errors/lock-timeout.error';
import type { AfterPartyStore, LockOwner, StoreLock } from '../../lib/interfaces/store.interface';
import { advisoryKeys, lockDigest } from '../../lib/stores/typeorm/locks/lock-key';
import { dropTestTables } from '../support/drop-tables';
import { openHarness, type StoreHarness } from '../support/store-harness';
import { describeEachConformanceTarget, uniqueTable } from '../support/stores';

const owner = (pid: number): LockOwner => ({ id: `owner-${pid}`, host: 'test-host', pid, since: new Date().toISOString() });

/** Resolves once `signal` aborts, or rejects after `ms`. */
function abortedWithin(signal: AbortSignal, ms: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      resolve(signal.reason);
      return;
    }
    const timer = setTimeout(() => reject(new Error(`not aborted within ${ms} ms`)), ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve(signal.reason)));
  });
}

/** Another database on the same server as `url`, created when absent. */
async function otherDatabaseUrl(url: string, family: 'postgres' | 'mysql'): Promise<string> {
  const name = 'after_party_scope_test';
  const admin = new DataSource({ type: family, url });
  await admin.initialize();
  try {
    if (family === 'postgres') {
      const [row] = await admin.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [name]);
      if (row.n === 0) {
        await admin.query(`CREATE DATABASE ${name}`).catch(() => undefined);
      }
    } else {
      await admin.query(`CREATE DATABASE IF NOT EXISTS ${name}`);
    }
  } finally {
    await admin.destroy();
  }
  const other = new URL(url);
  other.pathname = `/${name}`;
  return other.toString();
}

describeEachConformanceTarget('store conformance: the run lock', (target) => {
  let harness: StoreHarness;
  let table: string;
  let store: AfterPartyStore;
  const held: StoreLock[] = [];

  beforeAll(async () => {
    harness = await openHarness(target);
  });

  afterAll(async () => {
    await harness?.close();
  });

  beforeEach(() => {
    table = uniqueTable('lock');
    store = harness.store(table);
  });

  afterEach(async () => {
    await Promise.all(held.splice(0).map((lock) => lock.release().catch(() => undefined)));
    await dropTestTables(target, table);
  });

  const take = async (from: AfterPartyStore, pid: number, timeoutMs = 0): Promise<StoreLock> => {
    const lock = await from.acquireLock(owner(pid), timeoutMs);
    held.push(lock);
    return lock;
  };

  it('excludes a second runner on another connection until the lock is released, naming the holder', async () => {
    const other = await harness.otherStore(table);
    const lock = await take(store, 101);
    await expect(other.acquireLock(owner(202), 0)).rejects.toBeInstanceOf(LockTimeoutError);
    const started = Date.now();
    await expect(other.acquireLock(owner(202), 400)).rejects.toThrow(/within 400 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(lock.lost.aborted).toBe(false);
    await expect(lock.confirm()).resolves.toBeUndefined();
    await lock.release();
    held.splice(held.indexOf(lock), 1);
    await expect(take(other, 202)).resolves.toBeDefined();
  });

  it('scopes the lock to the records table: another table is not blocked', async () => {
    await take(store, 101);
    const otherTable = uniqueTable('lock');
    try {
      await expect(take(harness.store(otherTable), 303)).resolves.toBeDefined();
    } finally {
      await dropTestTables(target, otherTable);
    }
  });

  if (target.db === 'postgres' || target.db === 'mysql') {
    const family = target.db;

    it('frees a lock whose connection died, without any release', async () => {
      const other = await harness.otherStore(table);
      await other.acquireLock(owner(404), 0);
      await expect(store.acquireLock(owner(505), 0)).rejects.toBeInstanceOf(LockTimeoutError);
      await harness.close();
      harness = await openHarness(target);
      await expect(take(harness.store(table), 505, 2000)).resolves.toBeDefined();
    });

    it('scopes the lock by the database a URL-configured connection really uses', async () => {
      const elsewhere = await harness.otherStore(table, { url: await otherDatabaseUrl(target.url as string, family) });
      await take(store, 111);
      await expect(take(elsewhere, 222)).resolves.toBeDefined();
      // Same database, same table: still exclusive.
      await expect((await harness.otherStore(table)).acquireLock(owner(333), 0)).rejects.toBeInstanceOf(LockTimeoutError);
    });

    it('reports the lock lost when its connection is killed, and lets another runner take it', async () => {
      const lock = await take(store, 121);
      // The holder's backend, found by the lock's own keys (other suites may hold other locks).
      const [{ id }] =
        family === 'postgres'
          ? await harness.sql!(
              `SELECT pid AS id FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid = $2 AND objsubid = 2`,
              advisoryKeys(`public.${table}`),
            )
          : await harness.sql!('SELECT IS_USED_LOCK(?) AS id', [`after-party:${lockDigest(`test.${table}`).toString('hex').slice(0, 40)}`]);
      expect(id).toBeTruthy();
      await harness.sql!(family === 'postgres' ? 'SELECT pg_terminate_backend($1)' : `KILL ${Number(id)}`, family === 'postgres' ? [id] : []);
      const reason = await abortedWithin(lock.lost, 15_000);
      expect(reason).toBeInstanceOf(LockLostError);
      await expect(lock.confirm()).rejects.toBeInstanceOf(LockLostError);
      await expect(take(await harness.otherStore(table), 131, 2000)).resolves.toBeDefined();
    });
  }

  if (target.db === 'postgres') {
    it('scopes the lock by the schema the records table lives in (search_path)', async () => {
      for (const schema of ['ap_scope_a', 'ap_scope_b']) {
        await harness.sql!(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      }
      const inA = await harness.otherStore(table, { extra: { extra: { options: '-c search_path=ap_scope_a' } } });
      const inB = await harness.otherStore(table, { extra: { extra: { options: '-c search_path=ap_scope_b' } } });
      const alsoA = await harness.otherStore(table, { extra: { extra: { options: '-c search_path=ap_scope_a' } } });
      await take(inA, 141);
      await expect(take(inB, 142)).resolves.toBeDefined();
      await expect(alsoA.acquireLock(owner(143), 0)).rejects.toBeInstanceOf(LockTimeoutError);
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
      const lock = await take(store, 606);
      expect(await leases.findOne({})).toMatchObject({ owner: 'owner-606', pid: 606 });
      await expect(harness.store(table).acquireLock(owner(707), 0)).rejects.toThrow(/held by host test-host, pid 606/);
      await lock.release();
      held.splice(held.indexOf(lock), 1);
      expect(await leases.countDocuments({})).toBe(0);
    });

    it('lets exactly one of two runners on two connections take over an expired lease at the same moment', async () => {
      const leases = harness.mongo!.db!.collection(`${table}_lock`);
      const [first, second] = [await harness.otherStore(table), await harness.otherStore(table)];
      for (let round = 0; round < 10; round++) {
        const expired = { owner: 'crashed', host: 'gone-host', pid: 9, acquiredAt: new Date(Date.now() - 60_000), expiresAt: new Date(Date.now() - 1000) };
        await leases.insertOne({ _id: 'run-lock' as never, ...expired });
        const outcomes = await Promise.allSettled([first.acquireLock(owner(1000 + round), 0), second.acquireLock(owner(2000 + round), 0)]);
        const taken = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
        expect({ round, taken: taken.length }).toEqual({ round, taken: 1 });
        const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
        expect(refused.reason).toBeInstanceOf(LockTimeoutError);
        await Promise.all(taken.map((lock) => lock.release()));
        expect(await leases.countDocuments({})).toBe(0);
      }
    });

    it('renews the lease while held', async () => {
      await take(harness.store(table, { leaseMs: 300 }), 808);
      await sleep(700);
      await expect(harness.store(table).acquireLock(owner(909), 0)).rejects.toBeInstanceOf(LockTimeoutError);
    });

    it('loses a lease another runner took over: lost aborts and confirm() rejects', async () => {
      const lock = await take(harness.store(table, { leaseMs: 300 }), 111);
      // As if this runner had stalled past its lease and another had taken it over.
      await harness.mongo!.db!.collection(`${table}_lock`).updateOne({}, { $set: { owner: 'someone-else' } });
      expect(await abortedWithin(lock.lost, 2000)).toBeInstanceOf(LockLostError);
      await expect(lock.confirm()).rejects.toBeInstanceOf(LockLostError);
      await lock.release();
      held.splice(held.indexOf(lock), 1);
      expect(await harness.mongo!.db!.collection(`${table}_lock`).countDocuments({ owner: 'someone-else' })).toBe(1);
    });

    it('loses a lease whose renewals keep failing for longer than the lease', async () => {
      const flaky = await harness.otherStore(table, { leaseMs: 600 });
      const lock = await take(flaky, 112);
      // Closing its connection makes every renewal fail.
      await harness.close();
      const reason = await abortedWithin(lock.lost, 5000);
      expect(reason).toBeInstanceOf(LockLostError);
      expect((reason as Error).message).toMatch(/renewals failed for \d+ ms, longer than the 600 ms lease/);
      harness = await openHarness(target);
    });

    it('renews before confirming when the last renewal is older than half the lease (a stalled event loop)', async () => {
      // Heartbeats every second: none runs between the takeover below and confirm().
      const lock = await take(harness.store(table, { leaseMs: 3000 }), 113);
      await harness.mongo!.db!.collection(`${table}_lock`).updateOne({}, { $set: { owner: 'someone-else' } });
      const blockUntil = Date.now() + 1600;
      while (Date.now() < blockUntil) {
        // Block the event loop past half the lease, as a stalled runner would.
      }
      // Called before any timer can run: only confirm()'s own renewal can notice the takeover.
      const confirmed = lock.confirm();
      expect(lock.lost.aborted).toBe(false);
      await expect(confirmed).rejects.toBeInstanceOf(LockLostError);
    });
  }
});
