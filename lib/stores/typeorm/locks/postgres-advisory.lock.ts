import { hostname } from 'node:os';
import type { DataSource, QueryRunner } from 'typeorm';
import type { StoreLock } from '../../../interfaces/store.interface';
import type { TryLock } from '../../poll-lock';
import type { LockTiming } from '../../watched-lock';
import { trySessionLock } from './connection-lock';
import { advisoryKeys } from './lock-key';

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
          await runner.query(`SELECT set_config('application_name', $1, false)`, [`after-party ${hostname()} pid ${process.pid}`.slice(0, 63)]);
          const [row] = await runner.query('SELECT pg_try_advisory_lock($1, $2) AS locked', keys);
          return row.locked === true;
        },
        check: async (runner) => {
          const [row] = await runner.query(
            `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory' AND granted
               AND classid = $1 AND objid = $2 AND objsubid = 2) AS held`,
            this.keys,
          );
          return row.held === true;
        },
        unlock: (runner) => runner.query('SELECT pg_advisory_unlock($1, $2)', this.keys),
      },
      this.timing,
    );
  }

  async describeHolder(): Promise<string | undefined> {
    if (!this.keys) {
      return undefined;
    }
    const rows: Array<{ pid: number; application_name: string; client_addr: string | null; backend_start: Date }> =
      await this.dataSource.query(
        `SELECT a.pid, a.application_name, a.client_addr, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        this.keys,
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
        const [row] = await runner.query('SELECT current_schema() AS schema');
        qualified = `${row?.schema ?? 'public'}.${this.tableName}`;
      }
      this.keys = advisoryKeys(qualified);
    }
    return this.keys;
  }
}
