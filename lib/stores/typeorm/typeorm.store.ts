import type { DataSource, QueryRunner } from 'typeorm';
import { StoreUnavailableError } from '../../errors/store-unavailable.error';
import { firstLine, messageOf } from '../../format/text.format';
import type { ControlRequest, RunControl, TaskRunRecord, VersionState } from '../../interfaces/run-record.interface';
import type {
  AfterPartyStore,
  LockOwner,
  RunCompletion,
  RunPage,
  RunUpdate,
  StoreCapabilities,
  StoreLock,
} from '../../interfaces/store.interface';
import { ORPHANED_RUN_ERROR } from '../../records/run-messages';
import { ControlRequests } from '../control-requests';
import { InProcessLock } from '../in-process.lock';
import { pollLock, type TryLock } from '../poll-lock';
import type { LockTiming } from '../watched-lock';
import { resettable } from '../version-states';
import { batchesTableName } from './batch-columns';
import { dialectOf } from './dialects/dialect-of';
import type { SqlDialect } from './dialects/sql-dialect';
import { MysqlNamedLock } from './locks/mysql-named.lock';
import { PostgresAdvisoryLock } from './locks/postgres-advisory.lock';
import { SqliteControlFiles } from './locks/sqlite-control-files';
import { SqliteFileLock } from './locks/sqlite-file.lock';
import { fitCompletion, fitRecord, withCharsetFallback } from './charset-fallback';
import { toRecord, type RecordRow } from './record-row';
import { recordsTable } from './records-schema';
import { TypeOrmBatchLedger } from './typeorm.batch-ledger';
import { fileControls, recordControls, type StatementRunner } from './typeorm.controls';
import { TypeOrmMigrations } from './typeorm.migrations';
import { TypeOrmSql, type Statement } from './typeorm.sql';
import { TypeOrmTransaction } from './typeorm.transaction';

/**
 * Run records and the run lock in the app's TypeORM data source (PostgreSQL, MySQL/MariaDB,
 * SQLite), with transactions, schema migrations and one-commit finish-and-start.
 */
export class TypeOrmStore implements AfterPartyStore {
  readonly capabilities: StoreCapabilities;
  private cached?: { dialect: SqlDialect; sql: TypeOrmSql };
  private controlRequests?: ControlRequests;
  /** Settles when the open transaction ends, on single-connection databases. */
  private transactionGate: Promise<void> = Promise.resolve();

  constructor(
    private readonly resolveDataSource: () => DataSource,
    private readonly configuredTable: string,
    private readonly lockTiming: LockTiming,
  ) {
    const ledger = new TypeOrmBatchLedger(
      () => this.dataSource,
      () => this.sql,
      () => ({ table: batchesTableName(this.tableName), dialect: this.dialect }),
    );
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
          await this.controls.ended(id);
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
    if (await this.rows(this.sql.probe()).then(() => true, () => false)) {
      return;
    }
    const runner = this.dataSource.createQueryRunner();
    try {
      const wanted = recordsTable(this.tableName, this.dialect);
      const existing = await runner.getTable(this.tableName);
      if (!existing) {
        await runner.createTable(wanted, true);
        return;
      }
      // A table an earlier version made: the columns added since (nullable) are added.
      for (const column of wanted.columns.filter((candidate) => !existing.findColumnByName(candidate.name))) {
        await runner.addColumn(existing, column);
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

  async runningRuns(): Promise<TaskRunRecord[]> {
    const rows = await this.rowsOrNone<RecordRow>(() => this.rows(this.sql.running()));
    return rows.map(toRecord);
  }

  async interruptOrphans(finishedAt: string): Promise<TaskRunRecord[]> {
    const rows = await this.rows<RecordRow>(this.sql.running());
    if (rows.length === 0) {
      return [];
    }
    await this.rows(this.sql.interruptRunning(finishedAt, ORPHANED_RUN_ERROR));
    return rows.map(toRecord);
  }

  async versionStates(deployId: string | null): Promise<VersionState[]> {
    // The deploy id as insertRun wrote it: escaped where the table's character set lacks some of it.
    const rows = await this.rowsOrNone<{ version: string; completed: unknown; in_deploy: unknown; cut_short: unknown; cancelled: unknown }>(() =>
      withCharsetFallback((fit) => this.rows(this.sql.versionStates(fit(deployId ?? '')))),
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
    const [row] = await this.rowsOrNone<RecordRow>(() => this.rows(this.sql.lastRun(version)));
    return row ? toRecord(row) : null;
  }

  async latestRuns(): Promise<TaskRunRecord[]> {
    const rows = await this.rowsOrNone<RecordRow>(() => this.rows(this.sql.latestRuns()));
    // Two runs of one version can share a start time; keep one.
    return [...new Map(rows.map((row) => [String(row.version), toRecord(row)])).values()];
  }

  async runsOf(version: string, page: RunPage): Promise<TaskRunRecord[]> {
    const rows = await this.rowsOrNone<RecordRow>(() => this.rows(this.sql.runsOf(version, page)));
    return rows.map(toRecord);
  }

  async insertRun(record: TaskRunRecord): Promise<void> {
    await this.write(() => withCharsetFallback((fit) => this.rows(this.sql.insert(fitRecord(record, fit)))));
  }

  async finishRun(id: string, completion: RunCompletion): Promise<boolean> {
    const finished = (await this.write(() => withCharsetFallback((fit) => this.affected(this.sql.finish(id, fitCompletion(completion, fit)))))) === 1;
    await this.controls.ended(id);
    return finished;
  }

  async updateRun(id: string, update: RunUpdate): Promise<void> {
    const statement = this.sql.update(id, update);
    if (statement) {
      await this.rows(statement);
    }
  }

  async resetVersion(version: string, note: string, options: { unfinished?: boolean } = {}): Promise<number> {
    const [count] = await this.rowsOrNone(async () => [
      await withCharsetFallback((fit) => this.affected(this.sql.reset(version, fit(note), resettable(options)))),
    ]);
    return count ?? 0;
  }

  requestControl(version: string, control: RunControl, actor: string | null = null): Promise<boolean> {
    return this.controls.request(version, control, actor);
  }

  readControl(id: string): Promise<ControlRequest | null> {
    return this.controls.read(id);
  }

  /**
   * Pause and cancel requests: on a SQLite database file beside it (see SqliteControlFiles),
   * elsewhere in the run's record.
   */
  private get controls(): ControlRequests {
    if (!this.controlRequests) {
      const database = String((this.dataSource.options as { database?: string }).database ?? '');
      const run: StatementRunner = {
        rows: (statement) => this.rows(statement),
        rowsOrNone: (statement) => this.rowsOrNone(() => this.rows(statement)),
        write: (work) => this.write(work),
        affected: (statement) => this.affected(statement),
      };
      const onFile = this.dialect.family === 'sqlite' && database !== '' && database !== ':memory:';
      const sql = (): TypeOrmSql => this.sql;
      this.controlRequests = new ControlRequests(onFile ? fileControls(new SqliteControlFiles(database, this.tableName), sql, run) : recordControls(sql, run));
    }
    return this.controlRequests;
  }

  private finishAndStart(id: string, completion: RunCompletion, next: TaskRunRecord): Promise<boolean> {
    return this.write(() => withCharsetFallback((fit) => this.finishAndStartOnce(id, fitCompletion(completion, fit), fitRecord(next, fit))));
  }

  private async finishAndStartOnce(id: string, completion: RunCompletion, next: TaskRunRecord): Promise<boolean> {
    if (this.dialect.family === 'postgres') {
      return (await this.rows(this.sql.finishAndStart(id, completion, next))).length === 1;
    }
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const finish = this.sql.finish(id, completion);
      if ((await runner.query(finish.sql, finish.params, true)).affected !== 1) {
        await runner.rollbackTransaction();
        return false;
      }
      const insert = this.sql.insert(next);
      await runner.query(insert.sql, insert.params);
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

  private get sql(): TypeOrmSql {
    return this.prepared().sql;
  }

  private prepared(): { dialect: SqlDialect; sql: TypeOrmSql } {
    if (!this.cached) {
      const dialect = dialectOf(this.dataSource.options.type);
      const quote = (identifier: string): string => this.dataSource.driver.escape(identifier);
      const qualified = (name: string): string => name.split('.').map(quote).join('.');
      this.cached = { dialect, sql: new TypeOrmSql(dialect, qualified(this.tableName), quote, qualified(batchesTableName(this.tableName))) };
    }
    return this.cached;
  }

  private rows<T = unknown>({ sql, params }: Statement): Promise<T[]> {
    return this.dataSource.query(sql, params);
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
  private async rowsOrNone<T>(read: () => Promise<T[]>): Promise<T[]> {
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
  // pg.Pool, then mysql2's Pool: the most the pool opens, how many it has open, how many of those are idle.
  return spare(pool.options?.max, pool.totalCount, pool.idleCount) ?? spare(pool.config?.connectionLimit, pool._allConnections, pool._freeConnections) ?? 0;
}

/** `most - open + idle`, when the pool exposes all three (as numbers or lists); undefined otherwise. */
function spare(most: unknown, open: unknown, idle: unknown): number | undefined {
  const [max, total, free] = [most, open, idle].map(count);
  return max === undefined || total === undefined || free === undefined ? undefined : max - total + free;
}

function count(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return value;
  }
  const length = (value as { length?: unknown } | null | undefined)?.length;
  return typeof length === 'number' ? length : undefined;
}
