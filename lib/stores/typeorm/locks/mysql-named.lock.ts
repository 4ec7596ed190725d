import type { DataSource, QueryRunner } from 'typeorm';
import type { StoreLock } from '../../../interfaces/store.interface';
import type { TryLock } from '../../poll-lock';
import type { LockTiming } from '../../watched-lock';
import { trySessionLock } from './connection-lock';
import { lockDigest } from './lock-key';
import { mysqlLockSql, run } from '../typeorm.sql';

/**
 * A MySQL/MariaDB named lock (`GET_LOCK`) held on a dedicated connection. Named locks are
 * server-wide, so the name is a digest of the database the connection really uses (whether it
 * came from `database` or a `url`) and the table. The server frees it when the session ends.
 */
export class MysqlNamedLock implements TryLock<StoreLock> {
  private lockName?: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tableName: string,
    private readonly timing: LockTiming,
  ) {}

  get name(): string {
    return `MySQL named lock ${this.lockName ?? `for ${this.tableName}`}`;
  }

  tryAcquire(): Promise<StoreLock | null> {
    return trySessionLock(
      this.dataSource,
      {
        name: () => this.name,
        attempt: async (runner) => {
          const [row] = await run(runner, mysqlLockSql.tryLock(await this.scope(runner)));
          return Number(row.locked) === 1;
        },
        check: async (runner) => {
          const [row] = await run(runner, mysqlLockSql.isHeld(this.lockName as string));
          return Number(row.held) === 1;
        },
        unlock: (runner) => run(runner, mysqlLockSql.unlock(this.lockName as string)),
      },
      this.timing,
    );
  }

  async describeHolder(): Promise<string | undefined> {
    if (!this.lockName) {
      return undefined;
    }
    const [row] = await run(this.dataSource, mysqlLockSql.holder(this.lockName));
    if (!row?.holder) {
      return undefined;
    }
    const [process] = await run(this.dataSource, mysqlLockSql.connection(row.holder)).catch(() => [] as unknown[]);
    return process ? `connection ${row.holder} from ${process.host}, for ${process.seconds} s` : `connection ${row.holder}`;
  }

  /** The lock name for this connection's current database and the records table. */
  private async scope(runner: QueryRunner): Promise<string> {
    if (!this.lockName) {
      const [row] = await run(runner, mysqlLockSql.currentDatabase());
      this.lockName = `after-party:${lockDigest(`${row?.db ?? ''}.${this.tableName}`).toString('hex').slice(0, 40)}`;
    }
    return this.lockName;
  }
}
