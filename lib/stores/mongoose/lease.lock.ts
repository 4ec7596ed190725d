import { Logger } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { LockOwner, StoreLock } from '../../interfaces/store.interface';
import { describeOwner } from '../describe-owner';
import type { TryLock } from '../poll-lock';

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

/**
 * A lease on MongoDB, which has no advisory locks. Taking it is a single atomic write
 * against the unique `_id`: an insert, or a takeover update whose filter only matches an
 * expired lease. Never a read followed by a write. A heartbeat renews the lease while the run
 * lasts; a crashed runner's lease simply expires and the next runner takes it over.
 */
export class LeaseLock implements TryLock<StoreLock> {
  readonly name: string;
  private readonly logger = new Logger('AfterParty');

  constructor(
    private readonly leases: Collection<LeaseDocument>,
    private readonly owner: LockOwner,
    private readonly leaseMs: number,
  ) {
    this.name = `MongoDB lease ${leases.collectionName}/${LEASE_ID}`;
  }

  async tryAcquire(): Promise<StoreLock | null> {
    const now = new Date();
    const lease = { owner: this.owner.id, host: this.owner.host, pid: this.owner.pid, acquiredAt: now, expiresAt: this.expiry(now) };
    try {
      await this.leases.insertOne({ _id: LEASE_ID, ...lease });
      return this.hold();
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) {
        throw error;
      }
    }
    const previous = await this.leases.findOneAndUpdate(
      { _id: LEASE_ID, expiresAt: { $lt: now } },
      { $set: lease },
      { returnDocument: 'before' },
    );
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

  private hold(): StoreLock {
    const lost = new AbortController();
    const heartbeat = setInterval(() => void this.renew(lost), Math.max(1, Math.floor(this.leaseMs / 3)));
    heartbeat.unref();
    return {
      lost: lost.signal,
      release: async () => {
        clearInterval(heartbeat);
        await this.leases.deleteOne({ _id: LEASE_ID, owner: this.owner.id });
      },
    };
  }

  private async renew(lost: AbortController): Promise<void> {
    if (lost.signal.aborted) {
      return;
    }
    try {
      const result = await this.leases.updateOne({ _id: LEASE_ID, owner: this.owner.id }, { $set: { expiresAt: this.expiry(new Date()) } });
      if (result.matchedCount === 0) {
        this.logger.error('The run lease was lost (it expired and another runner took it over): stopping this run. Raise the lockLease option.');
        lost.abort();
      }
    } catch (error) {
      this.logger.warn(`Could not renew the run lease: ${(error as Error).message}`);
    }
  }

  private expiry(from: Date): Date {
    return new Date(from.getTime() + this.leaseMs);
  }
}
