import { Logger } from '@nestjs/common';
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
  const controller = new AbortController();
  let lastGood = Date.now();
  let inFlight: Promise<void> | null = null;
  let released = false;

  const markLost = (what: string, cause?: unknown): void => {
    if (!controller.signal.aborted && !released) {
      const error = new LockLostError(`${options.name}: ${what}`, cause);
      logger.error(error.message);
      controller.abort(error);
    }
  };
  const attempt = async (): Promise<void> => {
    try {
      if (await withTimeout(options.renew(), options.leaseMs)) {
        lastGood = Date.now();
      } else {
        markLost('it is no longer held by this runner');
      }
    } catch (error) {
      const failingFor = Date.now() - lastGood;
      if (failingFor >= options.leaseMs) {
        markLost(`renewals failed for ${failingFor} ms, longer than the ${options.leaseMs} ms lease`, error);
      } else {
        logger.warn(`Could not renew the run lock (${options.name}), retrying: ${messageOf(error)}`);
      }
    }
  };
  const renewOnce = (): Promise<void> => {
    inFlight ??= attempt().finally(() => (inFlight = null));
    return inFlight;
  };
  const heartbeat = setInterval(() => {
    if (!controller.signal.aborted) {
      void renewOnce();
    }
  }, options.heartbeatMs);
  heartbeat.unref();

  return {
    lost: controller.signal,
    markLost,
    confirm: async () => {
      if (!controller.signal.aborted && Date.now() - lastGood > options.leaseMs / 2) {
        await renewOnce();
      }
      if (controller.signal.aborted) {
        throw controller.signal.reason;
      }
    },
    release: async () => {
      const wasLost = controller.signal.aborted;
      released = true;
      clearInterval(heartbeat);
      await inFlight?.catch(() => undefined);
      await options.release(wasLost);
    },
  };
}

/** A lock that cannot be lost while its process lives (an OS file lock, an in-process lock). */
export function steadyLock(release: () => Promise<void>): StoreLock {
  const never = new AbortController();
  return { lost: never.signal, confirm: async () => undefined, release };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
