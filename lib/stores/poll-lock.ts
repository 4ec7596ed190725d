import { setTimeout as sleep } from 'node:timers/promises';
import { LockTimeoutError } from '../errors/lock-timeout.error';

/** How often a waiting runner retries a held lock. */
const RETRY_INTERVAL_MS = 200;

/** A lock that can be tried without blocking. */
export interface TryLock<T> {
  /** A human name of the lock for messages, e.g. `postgres advisory lock 12/34`. */
  readonly name: string;
  /** Tries once; resolves the held lock, or null when another runner holds it. */
  tryAcquire(): Promise<T | null>;
  /** Describes the current holder (host, pid, since when) if it can be known. */
  describeHolder(): Promise<string | undefined>;
}

/**
 * Tries `lock` until it is taken or `timeoutMs` has passed, then throws a
 * {@link LockTimeoutError} naming the holder. `timeoutMs` 0 tries exactly once.
 */
export async function pollLock<T>(lock: TryLock<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held = await lock.tryAcquire();
    if (held !== null) {
      return held;
    }
    if (Date.now() >= deadline || signal?.aborted) {
      throw new LockTimeoutError(lock.name, timeoutMs, await lock.describeHolder().catch(() => undefined));
    }
    await sleep(Math.min(RETRY_INTERVAL_MS, Math.max(0, deadline - Date.now())), undefined, { signal }).catch(() => undefined);
  }
}
