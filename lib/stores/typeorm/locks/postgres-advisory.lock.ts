import { hostname } from 'node:os';
import type { DataSource } from 'typeorm';
import type { StoreLock } from '../../../interfaces/store.interface';
import type { TryLock } from '../../poll-lock';
import { tryConnectionLock } from './connection-lock';
import { advisoryKeys } from './lock-key';

/**
 * A session-level PostgreSQL advisory lock held on a dedicated connection. Advisory locks
 * belong to the current database; the keys come from the schema-qualified table name, so two
 * apps sharing a database with different tables do not block each other. PostgreSQL drops the
 * lock when the connection closes, so a crashed runner never leaves it behind.
 */
export class PostgresAdvisoryLock implements TryLock<StoreLock> {
  readonly name: string;
  private readonly keys: [number, number];

  constructor(
    private readonly dataSource: DataSource,
    tableName: string,
  ) {
    this.keys = advisoryKeys(tableName.includes('.') ? tableName : `public.${tableName}`);
    this.name = `PostgreSQL advisory lock ${this.keys[0]}/${this.keys[1]}`;
  }

  tryAcquire(): Promise<StoreLock | null> {
    return tryConnectionLock(
      this.dataSource,
      async (runner) => {
        // The application name makes the holder visible to waiters through pg_stat_activity.
        await runner.query(`SELECT set_config('application_name', $1, false)`, [`after-party ${hostname()} pid ${process.pid}`.slice(0, 63)]);
        const [row] = await runner.query('SELECT pg_try_advisory_lock($1, $2) AS locked', this.keys);
        return row.locked === true;
      },
      (runner) => runner.query('SELECT pg_advisory_unlock($1, $2)', this.keys),
    );
  }

  async describeHolder(): Promise<string | undefined> {
    const rows: Array<{ pid: number; application_name: string; client_addr: string | null; backend_start: Date }> =
      await this.dataSource.query(
        `SELECT a.pid, a.application_name, a.client_addr, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        this.keys,
      );
    const [holder] = rows;
    if (!holder) {
      return undefined;
    }
    const who = holder.application_name || `backend pid ${holder.pid}`;
    return `${who} (client ${holder.client_addr ?? 'local'}, connected since ${new Date(holder.backend_start).toISOString()})`;
  }
}
