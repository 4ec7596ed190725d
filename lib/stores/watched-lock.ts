import { Logger } from '@nestjs/common';
import { withTimeout } from '../async/with-timeout';
import { LockLostError } from '../errors/lock-lost.error';
import { messageOf } from '../format/text.format';
import type { StoreLock } from '../interfaces/store.interface';

/** How a held lock is kept and watched. */
export interface LockTiming {
  /** How often the holder renews (a lease) or checks (a connection-bound lock) it. */
  heartbeatMs: number;
  /** How long renewals may keep failing before the lock counts as lost. */
  leaseMs: number;
}

/** The lock timing for a lease of `leaseMs`: renewed every third of it, checked at least every 10 s. */
export function lockTiming(leaseMs: number): LockTiming {
  return { leaseMs, heartbeatMs: Math.max(1, Math.min(Math.floor(leaseMs / 3), 10_000)) };
}

interface WatchedLockOptions extends LockTiming {
  /** The lock's name in messages. */
  name: string;
  /**
   * Renews or checks the lock: true while it is held, false once it certainly is not (taken
   * over, or its session gone). A rejection is a failed attempt, retried until `leaseMs` passes.
   */
  renew(): Promise<boolean>;
  /** Gives the lock up; `lost` says whether it was already lost (then there is nothing to unlock). */
  release(lost: boolean): Promise<void>;
}

/** A held lock whose loss can also be reported from outside (a connection's `end` event). */
export interface WatchedLock extends StoreLock {
  markLost(what: string, cause?: unknown): void;
}

const logger = new Logger('AfterParty');

/**
 * Keeps a held lock alive and watches it: a heartbeat renews or checks it, a loss aborts
 * `lost` once, and `confirm()` renews first when the last good renewal is older than half the
 * lease (after an event-loop stall, say), so no task starts on a lock that may be gone.
 */
export function watchLock(options: WatchedLockOptions): WatchedLock {
  return new Watch(options);
}

class Watch implements WatchedLock {
  private readonly controller = new AbortController();
  readonly lost = this.controller.signal;
  private lastGood = Date.now();
  private inFlight: Promise<void> | null = null;
  private released = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: WatchedLockOptions) {
    this.heartbeat = setInterval(() => {
      if (!this.lost.aborted) {
        void this.renewOnce();
      }
    }, options.heartbeatMs);
    this.heartbeat.unref();
  }

  readonly markLost = (what: string, cause?: unknown): void => {
    if (!this.lost.aborted && !this.released) {
      const error = new LockLostError(`${this.options.name}: ${what}`, cause);
      logger.error(error.message);
      this.controller.abort(error);
    }
  };

  readonly confirm = async (): Promise<void> => {
    if (!this.lost.aborted && Date.now() - this.lastGood > this.options.leaseMs / 2) {
      await this.renewOnce();
    }
    if (this.lost.aborted) {
      throw this.lost.reason;
    }
  };

  readonly release = async (): Promise<void> => {
    const wasLost = this.lost.aborted;
    this.released = true;
    clearInterval(this.heartbeat);
    await this.inFlight?.catch(() => undefined);
    await this.options.release(wasLost);
  };

  /** One renewal at a time: a caller arriving while one is under way waits for it. */
  private renewOnce(): Promise<void> {
    this.inFlight ??= this.attempt().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async attempt(): Promise<void> {
    const { leaseMs, name } = this.options;
    try {
      if (await withTimeout(this.options.renew(), leaseMs)) {
        this.lastGood = Date.now();
      } else {
        this.markLost('it is no longer held by this runner');
      }
    } catch (error) {
      const failingFor = Date.now() - this.lastGood;
      if (failingFor >= leaseMs) {
        this.markLost(`renewals failed for ${failingFor} ms, longer than the ${leaseMs} ms lease`, error);
      } else {
        logger.warn(`Could not renew the run lock (${name}), retrying: ${messageOf(error)}`);
      }
    }
  }
}

/** A lock that cannot be lost while its process lives (an OS file lock, an in-process lock). */
export function steadyLock(release: () => Promise<void>): StoreLock {
  const never = new AbortController();
  return { lost: never.signal, confirm: async () => undefined, release };
}
