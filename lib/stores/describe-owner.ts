import type { LockOwner } from '../interfaces/store.interface';

/** `host web-1, pid 4242, since 2026-11-26T10:00:00.000Z` */
export function describeOwner(owner: Pick<LockOwner, 'host' | 'pid' | 'since'>): string {
  return `host ${owner.host}, pid ${owner.pid}, since ${owner.since}`;
}
