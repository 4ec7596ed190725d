import { hostname } from 'node:os';
import type { DataSource, QueryRunner } from 'typeorm';
import type { StoreLock } from '../../../interfaces/store.interface';
import type { TryLock } from '../../poll-lock';
import type { LockTiming } from '../../watched-lock';
import { trySessionLock } from './connection-lock';
import { advisoryKeys } from './lock-key';
import { postgresLockSql, run } from '../typeorm.sql';

/**
 * A session-level PostgreSQL advisory lock held on a dedicated connection. Advisory locks belong
 * to the current database; the keys come from the schema the records table really lives in (its
 * explicit schema, or the connection's current schema) and the table, so apps sharing a database
 * or a server never block each other by accident. PostgreSQL drops the lock with the session.
 */
export class PostgresAdvisoryLock implements TryLock<StoreLock> {
  private keys?: [number, number];

  constructor(
    private readonly dataSource: DataSource,
    private readonly tableName: string,
    private readonly timing: LockTiming,
  ) {}

  get name(): string {
    return `PostgreSQL advisory lock ${this.keys ? this.keys.join('/') : `for ${this.tableName}`}`;
  }

  tryAcquire(): Promise<StoreLock | null> {
    return trySessionLock(
      this.dataSource,
      {
        name: () => this.name,
        attempt: async (runner) => {
          const keys = await this.scope(runner);
          // The application name makes the holder visible to waiters through pg_stat_activity.
          await run(runner, postgresLockSql.nameSession(`after-party ${hostname()} pid ${process.pid}`));
          const [row] = await run(runner, postgresLockSql.tryLock(keys));
          return row.locked === true;
        },
        check: async (runner) => {
          const [row] = await run(runner, postgresLockSql.isHeld(this.keys as [number, number]));
          return row.held === true;
        },
        unlock: (runner) => run(runner, postgresLockSql.unlock(this.keys as [number, number])),
      },
      this.timing,
    );
  }

  async describeHolder(): Promise<string | undefined> {
    if (!this.keys) {
      return undefined;
    }
    const rows: Array<{ pid: number; application_name: string; client_addr: string | null; backend_start: Date }> = await run(
      this.dataSource,
      postgresLockSql.holder(this.keys),
    );
    const [holder] = rows;
    if (!holder) {
      return undefined;
    }
    const who = holder.application_name || `backend pid ${holder.pid}`;
    return `${who} (client ${holder.client_addr ?? 'local'}, connected since ${new Date(holder.backend_start).toISOString()})`;
  }

  /** The lock keys for the schema-qualified records table, as this connection resolves it. */
  private async scope(runner: QueryRunner): Promise<[number, number]> {
    if (!this.keys) {
      let qualified = this.tableName;
      if (!qualified.includes('.')) {
        const [row] = await run(runner, postgresLockSql.currentSchema());
        qualified = `${row?.schema ?? 'public'}.${this.tableName}`;
      }
      this.keys = advisoryKeys(qualified);
    }
    return this.keys;
  }
}
