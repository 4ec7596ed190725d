import { createHash } from 'node:crypto';

/** A stable digest of the lock's scope (database and records table). */
export function lockDigest(scope: string): Buffer {
  return createHash('sha256').update(`after-party:${scope}`).digest();
}

/** Two positive 31-bit integers for PostgreSQL's two-key advisory lock functions. */
export function advisoryKeys(scope: string): [number, number] {
  const digest = lockDigest(scope);
  return [digest.readUInt32BE(0) & 0x7fffffff, digest.readUInt32BE(4) & 0x7fffffff];
}
