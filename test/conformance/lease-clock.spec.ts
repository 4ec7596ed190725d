import { LockTimeoutError } from '../../lib/errors/lock-timeout.error';
import type { LockOwner, StoreLock } from '../../lib/interfaces/store.interface';
import { dropTestTables } from '../support/drop-tables';
import { openHarness, type StoreHarness } from '../support/store-harness';
import { describeEachStore, uniqueTable } from '../support/stores';

const LEASE_MS = 2000;
/** More than the whole lease: a lease timed by either runner's clock would look expired, or far from it. */
const SKEW_MS = 3 * LEASE_MS;

const owner = (pid: number): LockOwner => ({ id: `owner-${pid}`, host: `host-${pid}`, pid, since: new Date().toISOString() });

/**
 * Runs `work` as on a host whose clock is `skewMs` off: `Date.now()` and `new Date()` in this
 * process read the skewed time until it settles (the database server's clock is untouched).
 */
async function withClockSkew<T>(skewMs: number, work: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) {
        super(RealDate.now() + skewMs);
      } else {
        super(...(args as [string]));
      }
    }

    static override now(): number {
      return RealDate.now() + skewMs;
    }
  }
  globalThis.Date = SkewedDate as DateConstructor;
  try {
    return await work();
  } finally {
    globalThis.Date = RealDate;
  }
}

describeEachStore(
  'MongoDB lease timed by the server clock',
  (target) => {
    let harness: StoreHarness;
    let table: string;
    const held: StoreLock[] = [];

    beforeAll(async () => {
      harness = await openHarness(target);
    });

    afterAll(async () => {
      await harness?.close();
    });

    beforeEach(() => {
      table = uniqueTable('lease');
    });

    afterEach(async () => {
      await Promise.all(held.splice(0).map((lock) => lock.release().catch(() => undefined)));
      await dropTestTables(target, table);
    });

    const keep = (lock: StoreLock): StoreLock => {
      held.push(lock);
      return lock;
    };

    it('does not let a runner whose clock is ahead take over a live lease', async () => {
      keep(await harness.store(table, { leaseMs: LEASE_MS }).acquireLock(owner(1), 0));
      const ahead = await harness.otherStore(table, { leaseMs: LEASE_MS });
      await withClockSkew(SKEW_MS, () => expect(ahead.acquireLock(owner(2), 0)).rejects.toBeInstanceOf(LockTimeoutError));
      expect(await harness.mongo!.db!.collection(`${table}_lock`).findOne({})).toMatchObject({ owner: 'owner-1' });
    });

    it('keeps the lease of a holder whose clock is behind from looking expired to others', async () => {
      const behind = await harness.otherStore(table, { leaseMs: LEASE_MS });
      keep(await withClockSkew(-SKEW_MS, () => behind.acquireLock(owner(3), 0)));
      await expect(harness.store(table, { leaseMs: LEASE_MS }).acquireLock(owner(4), 0)).rejects.toBeInstanceOf(LockTimeoutError);
    });

    it("still takes over a lease expired by the server's clock, whatever the runner's clock says", async () => {
      const { localTime } = (await harness.mongo!.db!.command({ hello: 1 })) as { localTime: Date };
      await harness.mongo!.db!.collection(`${table}_lock`).insertOne({
        _id: 'run-lock' as never,
        owner: 'crashed',
        host: 'gone-host',
        pid: 9,
        acquiredAt: new Date(localTime.getTime() - 10 * LEASE_MS),
        expiresAt: new Date(localTime.getTime() - 1000),
      });
      const behind = await harness.otherStore(table, { leaseMs: LEASE_MS });
      keep(await withClockSkew(-SKEW_MS, () => behind.acquireLock(owner(5), 0)));
      expect(await harness.mongo!.db!.collection(`${table}_lock`).findOne({})).toMatchObject({ owner: 'owner-5' });
    });
  },
  (target) => target.db === 'mongo',
);
