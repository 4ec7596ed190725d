import type { DataSource, QueryRunner } from 'typeorm';
import { StoreUnavailableError } from '../../errors/store-unavailable.error';
import { firstLine, messageOf } from '../../format/text.format';
import type { RunControl, TaskRunRecord, VersionState } from '../../interfaces/run-record.interface';
import type {
  AfterPartyStore,
  LockOwner,
  RunCompletion,
  RunUpdate,
  StoreCapabilities,
  StoreLock,
} from '../../interfaces/store.interface';
import { ORPHANED_RUN_ERROR } from '../../records/run-messages';
import { InProcessLock } from '../in-process.lock';
import { pollLock, type TryLock } from '../poll-lock';
import type { LockTiming } from '../watched-lock';
import { resettable } from '../version-states';
import { dialectOf } from './dialects/dialect-of';
import type { SqlDialect } from './dialects/sql-dialect';
import { MysqlNamedLock } from './locks/mysql-named.lock';
import { PostgresAdvisoryLock } from './locks/postgres-advisory.lock';
import { SqliteControlFiles } from './locks/sqlite-control-files';
import { SqliteFileLock } from './locks/sqlite-file.lock';
import { fitCompletion, fitRecord, withCharsetFallback } from './charset-fallback';
import { recordParams, toRecord, type RecordRow } from './record-row';
import { recordsTable } from './records-schema';
import { RecordsSql, type Statement } from './records-sql';
import { TypeOrmBatchLedger } from './typeorm.batch-ledger';
import { TypeOrmMigrations } from './typeorm.migrations';
import { TypeOrmTransaction } from './typeorm.transaction';

/**
 * Run records and the run lock in the app's TypeORM data source (PostgreSQL, MySQL/MariaDB,
 * SQLite), with transactions, schema migrations and one-commit finish-and-start.
 */
export class TypeOrmStore implements AfterPartyStore {
  readonly capabilities: StoreCapabilities;
  private cached?: { dialect: SqlDialect; sql: RecordsSql };
  private controlFilesOf?: SqliteControlFiles | null;
  /** Settles when the open transaction ends, on single-connection databases. */
  private transactionGate: Promise<void> = Promise.resolve();

  constructor(
    private readonly resolveDataSource: () => DataSource,
    private readonly configuredTable: string,
    private readonly lockTiming: LockTiming,
  ) {
    const ledger = new TypeOrmBatchLedger(() => this.dataSource, () => this.tableName, () => this.dialect);
    const singleConnection = (): boolean => this.singleConnection;
    this.capabilities = {
      transactions: {
        begin: () => this.beginTransaction(ledger),
        // A getter: the data source is resolved only once the app has bootstrapped.
        get oneAtATime() {
          return singleConnection();
        },
        // Not on SQLite: nothing to overlap, and a transaction whose first statement reads could not
        // wait for the write lock when it comes to write.
        canOpenWhileReading: () => !this.singleConnection && spareConnections(this.dataSource) >= 2,
      },
      batchLedger: ledger,
      migrations: new TypeOrmMigrations(() => this.dataSource),
      finishAndStart: {
        finishAndStart: async (id, completion, next) => {
          const finished = await this.finishAndStart(id, completion, next);
          this.controlFiles?.remove(id);
          return finished;
        },
      },
    };
  }

  get description(): string {
    return `typeorm/${this.dataSource.options.type} table ${this.tableName}`;
  }

  acquireLock(owner: LockOwner, timeoutMs: number): Promise<StoreLock> {
    return pollLock(this.lockFor(owner), timeoutMs);
  }

  async prepare(): Promise<void> {
    // The common case, the table exists, costs one trivial statement instead of a catalog query.
    if (await this.query(`SELECT 1 FROM ${this.sql.table} WHERE 1 = 0`).then(() => true, () => false)) {
      return;
    }
    const runner = this.dataSource.createQueryRunner();
    try {
      if (!(await runner.hasTable(this.tableName))) {
        await runner.createTable(recordsTable(this.tableName, this.dialect), true);
      }
    } catch (error) {
      throw new StoreUnavailableError(
        `Cannot create the records table ${this.tableName}: ${firstLine(messageOf(error))}. ` +
          `Grant the app's database user CREATE on its schema, or create the table with createAfterPartyMigration().`,
      );
    } finally {
      await runner.release();
    }
  }

  async interruptOrphans(finishedAt: string): Promise<TaskRunRecord[]> {
    const rows: RecordRow[] = await this.query(`SELECT ${this.sql.select()} FROM ${this.sql.table} WHERE status = ${this.sql.p(1)}`, ['running']);
    if (rows.length === 0) {
      return [];
    }
    const { sql, params } = this.sql.interruptRunning(finishedAt, ORPHANED_RUN_ERROR);
    await this.query(sql, params);
    return rows.map(toRecord);
  }

  async versionStates(deployId: string | null): Promise<VersionState[]> {
    const p = (index: number) => this.sql.p(index);
    const rows: Array<{ version: string; completed: unknown; in_deploy: unknown; cut_short: unknown; cancelled: unknown }> = await this.readOrEmpty(() =>
      // The deploy id as insertRun wrote it: escaped where the table's character set lacks some of it.
      withCharsetFallback((fit) =>
        this.query(
          `SELECT version,
             MAX(CASE WHEN status = ${p(1)} THEN 1 ELSE 0 END) AS completed,
             MAX(CASE WHEN status = ${p(2)} AND deploy_id = ${p(3)} THEN 1 ELSE 0 END) AS in_deploy,
             MAX(CASE WHEN status IN (${p(4)}, ${p(5)}, ${p(6)}) THEN 1 ELSE 0 END) AS cut_short,
             MAX(CASE WHEN status = ${p(7)} THEN 1 ELSE 0 END) AS cancelled
           FROM ${this.sql.table} GROUP BY version`,
          ['completed', 'completed', fit(deployId ?? ''), 'failed', 'interrupted', 'paused', 'cancelled'],
        ),
      ),
    );
    return rows.map((row) => ({
      version: row.version,
      completed: Number(row.completed) === 1,
      completedInDeploy: Number(row.in_deploy) === 1,
      cutShort: Number(row.cut_short) === 1,
      cancelled: Number(row.cancelled) === 1,
    }));
  }

  async lastRun(version: string): Promise<TaskRunRecord | null> {
    const rows: RecordRow[] = await this.readOrEmpty(() =>
      this.query(
        `SELECT ${this.sql.select()} FROM ${this.sql.table} WHERE version = ${this.sql.p(1)} ORDER BY started_at DESC LIMIT 1`,
        [version],
      ),
    );
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async latestRuns(): Promise<TaskRunRecord[]> {
    const rows: RecordRow[] = await this.readOrEmpty(() =>
      this.query(
        `SELECT ${this.sql.select('r')} FROM ${this.sql.table} r
         JOIN (SELECT version, MAX(started_at) AS last_started FROM ${this.sql.table} GROUP BY version) l
           ON l.version = r.version AND l.last_started = r.started_at
         ORDER BY r.version`,
      ),
    );
    // Two runs of one version can share a start time; keep one.
    return [...new Map(rows.map((row) => [String(row.version), toRecord(row)])).values()];
  }

  async insertRun(record: TaskRunRecord): Promise<void> {
    await this.write(() => withCharsetFallback((fit) => this.query(this.sql.insert(), recordParams(fitRecord(record, fit), this.dialect))));
  }

  async finishRun(id: string, completion: RunCompletion): Promise<boolean> {
    const finished = (await this.write(() => withCharsetFallback((fit) => this.affected(this.sql.finish(id, fitCompletion(completion, fit)))))) === 1;
    this.controlFiles?.remove(id);
    return finished;
  }

  async updateRun(id: string, update: RunUpdate): Promise<void> {
    const statement = this.sql.update(id, update);
    if (statement) {
      await this.query(statement.sql, statement.params);
    }
  }

  async resetVersion(version: string, note: string, options: { unfinished?: boolean } = {}): Promise<number> {
    const p = (index: number) => this.sql.p(index);
    const statuses = resettable(options);
    return this.readOrEmpty(async () => [
      await withCharsetFallback((fit) =>
        this.affected({
          sql: `UPDATE ${this.sql.table} SET status = ${p(1)}, error = ${p(2)} WHERE version = ${p(3)} AND status IN (${statuses.map((_, index) => p(4 + index)).join(', ')})`,
          params: ['reset', fit(note), version, ...statuses],
        }),
      ),
    ]).then((counts) => counts[0] ?? 0);
  }

  async requestControl(version: string, control: RunControl): Promise<boolean> {
    const p = (index: number) => this.sql.p(index);
    const files = this.controlFiles;
    if (files) {
      // SQLite: beside the database file, not in it (see SqliteControlFiles); reading the records
      // needs no write lock.
      const running: Array<{ id: string }> = await this.readOrEmpty(() =>
        this.query(`SELECT id FROM ${this.sql.table} WHERE version = ${p(1)} AND status = ${p(2)}`, [version, 'running']),
      );
      for (const { id } of running) {
        files.write(id, control);
      }
      await this.forgetEndedRequests(files);
      return running.length > 0;
    }
    return (
      (await this.write(() =>
        this.affected({
          sql: `UPDATE ${this.sql.table} SET control = ${p(1)} WHERE version = ${p(2)} AND status = ${p(3)}`,
          params: [control, version, 'running'],
        }),
      )) > 0
    );
  }

  async readControl(id: string): Promise<RunControl | null> {
    const requested = this.controlFiles?.read(id);
    if (requested) {
      return requested;
    }
    const [row]: Array<{ control: string | null }> = await this.query(`SELECT control FROM ${this.sql.table} WHERE id = ${this.sql.p(1)}`, [id]);
    return (row?.control as RunControl | null) ?? null;
  }

  /** Deletes the request files of runs that are no longer running (a run that ended never runs again). */
  private async forgetEndedRequests(files: SqliteControlFiles): Promise<void> {
    const ids = files.runIds();
    if (ids.length === 0) {
      return;
    }
    const p = (index: number) => this.sql.p(index);
    const running: Array<{ id: string }> = await this.query(
      `SELECT id FROM ${this.sql.table} WHERE status = ${p(1)} AND id IN (${ids.map((_, index) => p(index + 2)).join(', ')})`,
      ['running', ...ids],
    );
    const live = new Set(running.map((row) => row.id));
    ids.filter((id) => !live.has(id)).forEach((id) => files.remove(id));
  }

  /**
   * Where pause and cancel requests go on a SQLite database file (null elsewhere: they go into
   * the run's record).
   */
  private get controlFiles(): SqliteControlFiles | null {
    if (this.controlFilesOf === undefined) {
      const database = String((this.dataSource.options as { database?: string }).database ?? '');
      this.controlFilesOf = this.dialect.family === 'sqlite' && database !== '' && database !== ':memory:' ? new SqliteControlFiles(database, this.tableName) : null;
    }
    return this.controlFilesOf;
  }

  private finishAndStart(id: string, completion: RunCompletion, next: TaskRunRecord): Promise<boolean> {
    return this.write(() => withCharsetFallback((fit) => this.finishAndStartOnce(id, fitCompletion(completion, fit), fitRecord(next, fit))));
  }

  private async finishAndStartOnce(id: string, completion: RunCompletion, next: TaskRunRecord): Promise<boolean> {
    const finish = this.sql.finish(id, completion);
    const nextParams = recordParams(next, this.dialect);
    if (this.dialect.family === 'postgres') {
      // One statement: one round trip, one commit; the insert happens only if the update matched.
      const rows: unknown[] = await this.query(
        `WITH finished AS (${finish.sql} RETURNING 1) ${this.sql.insertSelect(7, 'EXISTS (SELECT 1 FROM finished)')} RETURNING id`,
        [...finish.params, ...nextParams],
      );
      return rows.length === 1;
    }
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      if ((await runner.query(finish.sql, finish.params, true)).affected !== 1) {
        await runner.rollbackTransaction();
        return false;
      }
      await runner.query(this.sql.insert(), nextParams);
      await runner.commitTransaction();
      return true;
    } catch (error) {
      if (runner.isTransactionActive) {
        await runner.rollbackTransaction();
      }
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * SQLite gives the process one connection, shared by every query runner: two transactions
   * open at once would be one. Transactions there wait for the previous one to end.
   */
  private async beginTransaction(ledger: TypeOrmBatchLedger): Promise<TypeOrmTransaction> {
    if (!this.singleConnection) {
      return TypeOrmTransaction.begin(this.dataSource, this.sql, (e) => this.writeError(e), ledger);
    }
    const previous = this.transactionGate;
    let release!: () => void;
    this.transactionGate = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return TypeOrmTransaction.begin(this.dataSource, this.sql, (e) => this.writeError(e), ledger, release);
  }

  /** Whether the driver has one connection per process (the SQLite family). */
  get singleConnection(): boolean {
    return this.dialect.family === 'sqlite';
  }

  /**
   * The records table as SQL must name it: on PostgreSQL, an unqualified `tableName` lives in
   * the data source's `schema` when it has one (where TypeORM creates tables and migrations
   * put it), not in the connection's search path.
   */
  private get tableName(): string {
    const schema = (this.dataSource.options as { schema?: string }).schema;
    if (this.configuredTable.includes('.') || !schema || dialectOf(this.dataSource.options.type).family !== 'postgres') {
      return this.configuredTable;
    }
    return `${schema}.${this.configuredTable}`;
  }

  private get dataSource(): DataSource {
    return this.resolveDataSource();
  }

  private get dialect(): SqlDialect {
    return this.prepared().dialect;
  }

  private get sql(): RecordsSql {
    return this.prepared().sql;
  }

  private prepared(): { dialect: SqlDialect; sql: RecordsSql } {
    if (!this.cached) {
      const dialect = dialectOf(this.dataSource.options.type);
      const quote = (identifier: string): string => this.dataSource.driver.escape(identifier);
      this.cached = { dialect, sql: new RecordsSql(dialect, this.tableName.split('.').map(quote).join('.'), quote) };
    }
    return this.cached;
  }

  private query<T = any>(sql: string, parameters?: unknown[]): Promise<T> {
    return this.dataSource.query(sql, parameters);
  }

  /** Runs a statement and returns how many rows it changed. */
  private async affected({ sql, params }: Statement): Promise<number> {
    const runner: QueryRunner = this.dataSource.createQueryRunner();
    try {
      return (await runner.query(sql, params, true)).affected ?? 0;
    } finally {
      await runner.release();
    }
  }

  /** Runs a write; a refusal (e.g. no INSERT privilege) becomes an error that says what to grant. */
  private async write<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // A table not made yet (a pause asked before any run) is no matter of privileges.
      throw this.writeError(error, !(await this.tableExists()));
    }
  }

  private writeError(error: unknown, missingTable = false): StoreUnavailableError {
    const code = String((error as { code?: unknown } | null)?.code ?? '');
    // SQLite's write lock held by another process past the busy timeout: nothing to grant.
    const fix = code.startsWith('SQLITE_BUSY')
      ? 'Another process holds the database write lock (a running task?): retry once it is done.'
      : missingTable
        ? 'It does not exist yet: after-party:run creates it (or apply the migration made with createAfterPartyMigration()).'
        : `Grant the app's database user SELECT, INSERT and UPDATE on it.`;
    return new StoreUnavailableError(`Cannot write to the records table ${this.tableName}: ${firstLine(messageOf(error))}. ${fix}`);
  }

  /** Runs a read; when it fails because the table does not exist yet, the answer is empty. */
  private async readOrEmpty<T>(read: () => Promise<T[]>): Promise<T[]> {
    try {
      return await read();
    } catch (error) {
      if (!(await this.tableExists())) {
        return [];
      }
      throw error;
    }
  }

  /** Whether the records table exists (true when that cannot be told: the first error stands). */
  private async tableExists(): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await runner.hasTable(this.tableName);
    } catch {
      return true;
    } finally {
      await runner.release();
    }
  }

  private lockFor(owner: LockOwner): TryLock<StoreLock> {
    switch (this.dialect.family) {
      case 'postgres':
        return new PostgresAdvisoryLock(this.dataSource, this.tableName, this.lockTiming);
      case 'mysql':
        return new MysqlNamedLock(this.dataSource, this.tableName, this.lockTiming);
      case 'sqlite': {
        const database = String((this.dataSource.options as { database?: string }).database ?? '');
        return database === '' || database === ':memory:'
          ? new InProcessLock(`sqlite-memory:${this.tableName}`, owner)
          : new SqliteFileLock(this.dataSource, this.tableName, owner);
      }
    }
  }
}

/**
 * Connections the data source's pool can hand out right now without waiting: idle ones plus
 * room to open more. Read from the pool of `pg` or `mysql2`; 0 for a pool it does not know.
 */
function spareConnections(dataSource: DataSource): number {
  const driver = dataSource.driver as unknown as { master?: Record<string, any>; pool?: Record<string, any> };
  const pool = driver.master ?? driver.pool;
  if (!pool) {
    return 0;
  }
  const count = (value: unknown): number | undefined =>
    typeof value === 'number' ? value : typeof (value as { length?: unknown })?.length === 'number' ? (value as { length: number }).length : undefined;
  // pg.Pool
  const pgMax = count(pool.options?.max);
  const pgTotal = count(pool.totalCount);
  const pgIdle = count(pool.idleCount);
  if (pgMax !== undefined && pgTotal !== undefined && pgIdle !== undefined) {
    return pgMax - pgTotal + pgIdle;
  }
  // mysql2 Pool
  const limit = count(pool.config?.connectionLimit);
  const all = count(pool._allConnections);
  const free = count(pool._freeConnections);
  if (limit !== undefined && all !== undefined && free !== undefined) {
    return limit - all + free;
  }
  return 0;
}
