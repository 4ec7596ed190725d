import type { DataSource, QueryRunner } from 'typeorm';
import type { StoreLock } from '../../../interfaces/store.interface';

/**
 * Tries a session-level lock on a connection of its own, and keeps that connection for as
 * long as the lock is held: such locks belong to the session, so the database frees them
 * when the connection closes (a crashed runner leaves nothing behind).
 */
export async function tryConnectionLock(
  dataSource: DataSource,
  attempt: (runner: QueryRunner) => Promise<boolean>,
  unlock: (runner: QueryRunner) => Promise<unknown>,
): Promise<StoreLock | null> {
  const runner = dataSource.createQueryRunner();
  let locked = false;
  try {
    await runner.connect();
    locked = await attempt(runner);
  } finally {
    if (!locked) {
      await runner.release();
    }
  }
  if (!locked) {
    return null;
  }
  return {
    release: async () => {
      try {
        if (!runner.isReleased) {
          await unlock(runner);
        }
      } finally {
        // Closing the session releases the lock even when unlocking failed.
        await runner.release();
      }
    },
  };
}
