import type { DataSource, QueryRunner } from 'typeorm';
import type { StoreLock } from '../../../interfaces/store.interface';
import { watchLock, type LockTiming } from '../../watched-lock';

/** How to take, check and give up one session-level lock. */
export interface SessionLockSteps {
  /** The lock's name in messages. */
  name: () => string;
  /** Tries once without waiting; true when taken. */
  attempt(runner: QueryRunner): Promise<boolean>;
  /** Whether this session still holds it (the heartbeat; it also keeps the connection from idling out). */
  check(runner: QueryRunner): Promise<boolean>;
  unlock(runner: QueryRunner): Promise<unknown>;
}

interface EventSource {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * Tries a session-level lock on a connection of its own and keeps that connection for as long
 * as the lock is held: the database frees such locks when the session ends, so a crashed runner
 * leaves nothing behind. While held, the connection is watched: its `end` or `error` event, or a
 * failing heartbeat, reports the lock lost (a killed backend, an idle timeout, a dropped proxy).
 */
export async function trySessionLock(dataSource: DataSource, steps: SessionLockSteps, timing: LockTiming): Promise<StoreLock | null> {
  const runner = dataSource.createQueryRunner();
  let locked = false;
  try {
    await runner.connect();
    locked = await steps.attempt(runner);
  } finally {
    if (!locked) {
      await runner.release();
    }
  }
  if (!locked) {
    return null;
  }
  const connection = (runner as unknown as { databaseConnection?: EventSource }).databaseConnection;
  const lock = watchLock({
    ...timing,
    name: steps.name(),
    renew: () => steps.check(runner),
    release: async (lost) => {
      connection?.removeListener('end', onEnd);
      connection?.removeListener('error', onError);
      try {
        if (!lost && !runner.isReleased) {
          await steps.unlock(runner);
        }
      } finally {
        // Ending the session frees the lock even when unlocking failed.
        await destroy(runner);
      }
    },
  });
  const onEnd = (): void => lock.markLost('its database connection closed');
  const onError = (error: unknown): void => lock.markLost('its database connection failed', error);
  connection?.on('end', onEnd);
  connection?.on('error', onError);
  return lock;
}

/** Releases a query runner's connection so that it is closed, not reused from the pool. */
async function destroy(runner: QueryRunner): Promise<void> {
  const connection = (runner as unknown as { databaseConnection?: { destroy?: () => void } }).databaseConnection;
  const postgres = runner as unknown as { releasePostgresConnection?: (error: Error) => Promise<void> };
  if (typeof postgres.releasePostgresConnection === 'function') {
    // pg-pool closes a client released with an error instead of pooling it.
    await postgres.releasePostgresConnection(new Error('after-party lock released'));
    return;
  }
  if (typeof connection?.destroy === 'function') {
    connection.destroy();
    (runner as { isReleased: boolean }).isReleased = true;
    return;
  }
  await runner.release();
}
