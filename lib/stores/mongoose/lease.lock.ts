import { Logger } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { LockOwner, StoreLock } from '../../interfaces/store.interface';
import { describeOwner } from '../describe-owner';
import type { TryLock } from '../poll-lock';
import { watchLock, type LockTiming } from '../watched-lock';
import type { LeaseClock } from './server-clock';

/** The lock document: one per records collection, keyed by a fixed `_id`. */
export interface LeaseDocument {
  _id: string;
  owner: string;
  host: string;
  pid: number;
  acquiredAt: Date;
  expiresAt: Date;
}

const LEASE_ID = 'run-lock';
const DUPLICATE_KEY = 11000;

/**
 * A lease on MongoDB, which has no advisory locks. Taking it is decided by an insert on a
 * unique `_id`, the one write every server (FerretDB too) applies atomically: the lease itself,
 * or, for an expired one, a takeover claim naming it (see `takeOver`). A heartbeat renews the lease while the run
 * lasts; a crashed runner's lease simply expires and the next runner takes it over. A renewal
 * that finds the lease taken over, or that keeps failing for longer than the lease, loses it.
 * Every time in the lease comes from one clock (the database server's, see `serverClock`), never
 * from the runners' own, which may disagree by more than the lease.
 */
export class LeaseLock implements TryLock<StoreLock> {
  readonly name: string;
  private readonly logger = new Logger('AfterParty');

  constructor(
    private readonly leases: Collection<LeaseDocument>,
    private readonly owner: LockOwner,
    private readonly timing: LockTiming,
    private readonly clock: LeaseClock,
  ) {
    this.name = `MongoDB lease ${leases.collectionName}/${LEASE_ID}`;
  }

  async tryAcquire(): Promise<StoreLock | null> {
    const now = await this.clock();
    const lease = { owner: this.owner.id, host: this.owner.host, pid: this.owner.pid, acquiredAt: now, expiresAt: this.expiry(now) };
    try {
      await this.leases.insertOne({ _id: LEASE_ID, ...lease });
      return this.hold();
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) {
        throw error;
      }
    }
    const previous = await this.takeOver(now, lease);
    if (!previous) {
      return null;
    }
    this.logger.warn(`Took over an expired lease of ${describeOwner({ ...previous, since: previous.acquiredAt.toISOString() })}.`);
    return this.hold();
  }

  async describeHolder(): Promise<string | undefined> {
    const lease = await this.leases.findOne({ _id: LEASE_ID });
    return lease ? `${describeOwner({ ...lease, since: lease.acquiredAt.toISOString() })}, lease until ${lease.expiresAt.toISOString()}` : undefined;
  }

  /**
   * Takes over the lease if it has expired; resolves the lease as it was, or null. Of the runners
   * that find the same expired lease, only the one that inserts its takeover claim (a unique
   * `_id` naming that lease) replaces it: FerretDB serves a guarded update, `findOneAndUpdate`
   * too, as a read and a write, so two runners taking over at the same moment both matched the
   * expired lease and both held the lock. The claim goes once the lease is replaced: a runner
   * claiming after that finds the lease changed, and its guarded update matches nothing.
   */
  private async takeOver(now: Date, lease: Omit<LeaseDocument, '_id'>): Promise<LeaseDocument | null> {
    const previous = await this.leases.findOne({ _id: LEASE_ID, expiresAt: { $lt: now } });
    if (!previous) {
      return null;
    }
    const claim = `${LEASE_ID}-takeover:${previous.owner}:${previous.expiresAt.getTime()}`;
    try {
      await this.leases.insertOne({ _id: claim, ...lease });
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) {
        return null;
      }
      throw error;
    }
    try {
      const replaced = await this.leases.updateOne({ _id: LEASE_ID, owner: previous.owner, expiresAt: previous.expiresAt }, { $set: lease });
      return replaced.matchedCount === 1 ? previous : null;
    } finally {
      await this.leases.deleteOne({ _id: claim });
    }
  }

  private hold(): StoreLock {
    return watchLock({
      ...this.timing,
      name: this.name,
      // Renewal matches only while this runner still owns the lease: a takeover is final.
      renew: async () => {
        const expiresAt = this.expiry(await this.clock());
        const result = await this.leases.updateOne({ _id: LEASE_ID, owner: this.owner.id }, { $set: { expiresAt } });
        return result.matchedCount === 1;
      },
      release: async () => {
        await this.leases.deleteOne({ _id: LEASE_ID, owner: this.owner.id });
      },
    });
  }

  private expiry(from: Date): Date {
    return new Date(from.getTime() + this.timing.leaseMs);
  }
}
