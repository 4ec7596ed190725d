import type { LockOwner, StoreLock } from '../interfaces/store.interface';
import { describeOwner } from './describe-owner';
import type { TryLock } from './poll-lock';
import { steadyLock } from './watched-lock';

/** Holders of in-process locks, by key. */
const held = new Map<string, string>();

/** A lock for records no other process can see (in-memory SQLite, the memory store). */
export class InProcessLock implements TryLock<StoreLock> {
  readonly name: string;

  constructor(
    private readonly key: string,
    private readonly owner: LockOwner,
  ) {
    this.name = `in-process lock ${key}`;
  }

  async tryAcquire(): Promise<StoreLock | null> {
    if (held.has(this.key)) {
      return null;
    }
    held.set(this.key, describeOwner(this.owner));
    return steadyLock(async () => void held.delete(this.key));
  }

  async describeHolder(): Promise<string | undefined> {
    return held.get(this.key);
  }
}
