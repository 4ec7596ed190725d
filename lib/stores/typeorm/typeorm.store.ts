import type { DataSource, QueryRunner } from 'typeorm';
import { StoreUnavailableError } from '../../errors/store-unavailable.error';
import type { TaskProgressSnapshot, TaskRunRecord, VersionState } from '../../interfaces/run-record.interface';
import type { AfterPartyStore, LockOwner, RunCompletion, StoreLock } from '../../interfaces/store.interface';
import { InProcessLock } from '../in-process.lock';
import { pollLock, type TryLock } from '../poll-lock';
import { MysqlNamedLock } from './locks/mysql-named.lock';
import { PostgresAdvisoryLock } from './locks/postgres-advisory.lock';
import { SqliteFileLock } from './locks/sqlite-file.lock';
import { recordsTable } from './records-schema';
import { RECORD_COLUMNS, toRecord, toRow, type RecordRow } from './record-row';
import { dialectOf, type SqlDialect } from './sql-dialect';


/**
 * Run records and the run lock in the app's TypeORM data source (PostgreSQL, MySQL/MariaDB,
 * SQLite). All SQL is parameterised; the only identifier in it is the validated, quoted table name.
 */
export class TypeOrmStore implements AfterPartyStore {
  readonly supportsTransactions = true;
  private cachedDialect?: SqlDialect;

  constructor(
    private readonly resolveDataSource: () => DataSource,
    private readonly tableName: string,
  ) {}

  get description(): string {
    return `typeorm/${this.dataSource.options.type} table ${this.tableName}`;
  }

  acquireLock(owner: LockOwner, timeoutMs: number): Promise<StoreLock> {
    return pollLock(this.lockFor(owner), timeoutMs);
  }

  async prepare(): Promise<void> {
    // The common case, the table exists, costs one trivial statement instead of a catalog query.
    if (await this.query(`SELECT 1 FROM ${this.table} WHERE 1 = 0`).then(() => true, () => false)) {
      return;
    }
    const runner = this.dataSource.createQueryRunner();
    try {
      if (!(await runner.hasTable(this.tableName))) {
        await runner.createTable(recordsTable(this.tableName), true);
      }
    } catch (error) {
      throw new StoreUnavailableError(
        `Cannot create the records table ${this.tableName}: ${firstLine(error)}. ` +
          `Grant the app's database user CREATE on its schema, or create the table with createAfterPartyMigration().`,
      );
    } finally {
      await runner.release();
    }
  }

  async interruptOrphans(finishedAt: string): Promise<TaskRunRecord[]> {
    const rows: RecordRow[] = await this.query(`SELECT * FROM ${this.table} WHERE status = ${this.param(1)}`, ['running']);
    if (rows.length === 0) {
      return [];
    }
    await this.query(
      `UPDATE ${this.table} SET status = ${this.param(1)}, finished_at = ${this.param(2)}, error = ${this.param(3)} WHERE status = ${this.param(4)}`,
      ['interrupted', finishedAt, 'The runner stopped before the task finished (crash, kill or lost connection).', 'running'],
    );
    return rows.map(toRecord);
  }

  async versionStates(deployId: string | null): Promise<VersionState[]> {
    const rows: Array<{ version: string; completed: unknown; in_deploy: unknown; cut_short: unknown }> = await this.readOrEmpty(() =>
      this.query(
        `SELECT version,
           MAX(CASE WHEN status = ${this.param(1)} THEN 1 ELSE 0 END) AS completed,
           MAX(CASE WHEN status = ${this.param(2)} AND deploy_id = ${this.param(3)} THEN 1 ELSE 0 END) AS in_deploy,
           MAX(CASE WHEN status IN (${this.param(4)}, ${this.param(5)}) THEN 1 ELSE 0 END) AS cut_short
         FROM ${this.table} GROUP BY version`,
        ['completed', 'completed', deployId ?? '', 'failed', 'interrupted'],
      ),
    );
    return rows.map((row) => ({
      version: row.version,
      completed: Number(row.completed) === 1,
      completedInDeploy: Number(row.in_deploy) === 1,
      cutShort: Number(row.cut_short) === 1,
    }));
  }

  async lastRun(version: string): Promise<TaskRunRecord | null> {
    const rows: RecordRow[] = await this.readOrEmpty(() =>
      this.query(`SELECT * FROM ${this.table} WHERE version = ${this.param(1)} ORDER BY started_at DESC LIMIT 1`, [version]),
    );
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async latestRuns(): Promise<TaskRunRecord[]> {
    const rows: RecordRow[] = await this.readOrEmpty(() =>
      this.query(
        `SELECT r.* FROM ${this.table} r
         JOIN (SELECT version, MAX(started_at) AS last_started FROM ${this.table} GROUP BY version) l
           ON l.version = r.version AND l.last_started = r.started_at
         ORDER BY r.version`,
      ),
    );
    // Two runs of one version can share a start time; keep one.
    return [...new Map(rows.map((row) => [row.version, toRecord(row)])).values()];
  }

  async insertRun(record: TaskRunRecord): Promise<void> {
    const row = toRow(record);
    await this.write(this.insertSql(1), RECORD_COLUMNS.map((column) => row[column]));
  }

  async finishRun(id: string, completion: RunCompletion): Promise<void> {
    await this.write(this.finishSql(), finishParams(id, completion));
  }

  async finishAndStart(id: string, completion: RunCompletion, next: TaskRunRecord): Promise<void> {
    const row = toRow(next);
    const nextParams = RECORD_COLUMNS.map((column) => row[column]);
    if (this.dialect === 'postgres') {
      // One statement: one round trip, one commit.
      await this.write(
        `WITH finished AS (${this.finishSql()} RETURNING 1) ${this.insertSql(6)}`,
        [...finishParams(id, completion), ...nextParams],
      );
      return;
    }
    await this.inTransaction(async (runner) => {
      await runner.query(this.finishSql(), finishParams(id, completion));
      await runner.query(this.insertSql(1), nextParams);
    });
  }

  async updateRun(id: string, update: { progress?: TaskProgressSnapshot; checkpoint?: unknown }): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const column of ['progress', 'checkpoint'] as const) {
      if (update[column] !== undefined) {
        params.push(JSON.stringify(update[column]));
        sets.push(`${column} = ${this.param(params.length)}`);
      }
    }
    if (sets.length > 0) {
      params.push(id);
      await this.query(`UPDATE ${this.table} SET ${sets.join(', ')} WHERE id = ${this.param(params.length)}`, params);
    }
  }

  async resetVersion(version: string, note: string): Promise<number> {
    const matching: RecordRow[] = await this.readOrEmpty(() =>
      this.query(`SELECT id FROM ${this.table} WHERE version = ${this.param(1)} AND status = ${this.param(2)}`, [version, 'completed']),
    );
    if (matching.length > 0) {
      await this.query(
        `UPDATE ${this.table} SET status = ${this.param(1)}, error = ${this.param(2)} WHERE version = ${this.param(3)} AND status = ${this.param(4)}`,
        ['reset', note, version, 'completed'],
      );
    }
    return matching.length;
  }

  async runInTransaction(id: string, work: (manager: unknown) => Promise<void>, completion: () => RunCompletion): Promise<void> {
    await this.inTransaction(async (runner) => {
      await work(runner.manager);
      await runner.query(this.finishSql(), finishParams(id, completion()));
    });
  }


  async pendingMigrations(): Promise<string[]> {
    if (this.dataSource.migrations.length === 0) {
      return [];
    }
    const { MigrationExecutor } = require('typeorm') as typeof import('typeorm');
    const pending = await new MigrationExecutor(this.dataSource).getPendingMigrations();
    return pending.map((migration) => migration.name);
  }

  async runMigrations(): Promise<string[]> {
    const applied = await this.dataSource.runMigrations({ transaction: this.dataSource.options.migrationsTransactionMode ?? 'all' });
    return applied.map((migration) => migration.name);
  }

  private get dataSource(): DataSource {
    return this.resolveDataSource();
  }

  private get dialect(): SqlDialect {
    this.cachedDialect ??= dialectOf(this.dataSource);
    return this.cachedDialect;
  }

  private get table(): string {
    return this.tableName.split('.').map((part) => this.quote(part)).join('.');
  }

  private quote(identifier: string): string {
    return this.dataSource.driver.escape(identifier);
  }

  private param(index: number): string {
    return this.dialect === 'postgres' ? `$${index}` : '?';
  }

  /** Runs `work` in a transaction on a connection of its own; rolls back when it throws. */
  private async inTransaction(work: (runner: QueryRunner) => Promise<void>): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await work(runner);
      await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) {
        await runner.rollbackTransaction();
      }
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** INSERT of one record, its parameters numbered from `first`. */
  private insertSql(first: number): string {
    return `INSERT INTO ${this.table} (${RECORD_COLUMNS.map((c) => this.quote(c)).join(', ')})
       VALUES (${RECORD_COLUMNS.map((_, i) => this.param(first + i)).join(', ')})`;
  }

  private finishSql(): string {
    return `UPDATE ${this.table} SET status = ${this.param(1)}, finished_at = ${this.param(2)}, duration_ms = ${this.param(3)}, error = ${this.param(4)} WHERE id = ${this.param(5)}`;
  }

  private query<T = any>(sql: string, parameters?: unknown[]): Promise<T> {
    return this.dataSource.query(sql, parameters);
  }

  /** Runs a write; a refusal (e.g. no INSERT privilege) becomes an error that says what to grant. */
  private async write(sql: string, parameters: unknown[]): Promise<void> {
    try {
      await this.query(sql, parameters);
    } catch (error) {
      throw new StoreUnavailableError(
        `Cannot write to the records table ${this.tableName}: ${firstLine(error)}. ` +
          `Grant the app's database user SELECT, INSERT and UPDATE on it.`,
      );
    }
  }

  /** Runs a read; when it fails because the table does not exist yet, the answer is empty. */
  private async readOrEmpty<T>(read: () => Promise<T[]>): Promise<T[]> {
    try {
      return await read();
    } catch (error) {
      const runner = this.dataSource.createQueryRunner();
      try {
        if (!(await runner.hasTable(this.tableName))) {
          return [];
        }
      } finally {
        await runner.release();
      }
      throw error;
    }
  }

  private lockFor(owner: LockOwner): TryLock<StoreLock> {
    switch (this.dialect) {
      case 'postgres':
        return new PostgresAdvisoryLock(this.dataSource, this.tableName);
      case 'mysql':
        return new MysqlNamedLock(this.dataSource, this.tableName);
      case 'sqlite': {
        const database = String((this.dataSource.options as { database?: string }).database ?? '');
        return database === '' || database === ':memory:'
          ? new InProcessLock(`sqlite-memory:${this.tableName}`, owner)
          : new SqliteFileLock(this.dataSource, this.tableName, owner);
      }
    }
  }
}

function finishParams(id: string, completion: RunCompletion): unknown[] {
  return [completion.status, completion.finishedAt, completion.durationMs, completion.error, id];
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
