import type { DataSource } from 'typeorm';
import type { StoreLock } from '../../../interfaces/store.interface';
import type { TryLock } from '../../poll-lock';
import { tryConnectionLock } from './connection-lock';
import { lockDigest } from './lock-key';

/**
 * A MySQL/MariaDB named lock (`GET_LOCK`) held on a dedicated connection. Named locks are
 * server-wide, so the name is a digest of the database and table. The server frees it when
 * the connection ends, so a crashed runner never leaves it behind.
 */
export class MysqlNamedLock implements TryLock<StoreLock> {
  readonly name: string;
  private readonly lockName: string;

  constructor(
    private readonly dataSource: DataSource,
    tableName: string,
  ) {
    const database = String((dataSource.options as { database?: string }).database ?? '');
    this.lockName = `after-party:${lockDigest(`${database}.${tableName}`).toString('hex').slice(0, 40)}`;
    this.name = `MySQL named lock ${this.lockName}`;
  }

  tryAcquire(): Promise<StoreLock | null> {
    return tryConnectionLock(
      this.dataSource,
      async (runner) => {
        const [row] = await runner.query('SELECT GET_LOCK(?, 0) AS locked', [this.lockName]);
        return Number(row.locked) === 1;
      },
      (runner) => runner.query('SELECT RELEASE_LOCK(?)', [this.lockName]),
    );
  }

  async describeHolder(): Promise<string | undefined> {
    const [row] = await this.dataSource.query('SELECT IS_USED_LOCK(?) AS holder', [this.lockName]);
    if (!row?.holder) {
      return undefined;
    }
    const [process] = await this.dataSource
      .query('SELECT HOST AS host, TIME AS seconds FROM information_schema.PROCESSLIST WHERE ID = ?', [row.holder])
      .catch(() => [] as unknown[]);
    return process
      ? `connection ${row.holder} from ${process.host}, for ${process.seconds} s`
      : `connection ${row.holder}`;
  }
}
