import type { TaskRunRecord, TaskRunStatus } from '../../interfaces/run-record.interface';
import type { DistributedBatch, RunCompletion, RunUpdate } from '../../interfaces/store.interface';
import { CUT_SHORT } from '../../planning/run-status';
import { BATCH_COLUMNS, batchParams } from './batch-columns';
import type { SqlDialect } from './dialects/sql-dialect';
import { RECORD_COLUMNS } from './record-columns';
import { jsonText, recordParams, recordSelectList } from './record-row';

/** A statement and its parameters. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** The batch a ledger statement is about. */
export interface BatchRef {
  version: string;
  distributionId: string;
  batchNo: number;
}

/**
 * Every statement the TypeORM store issues on its tables (run records, pause and cancel requests,
 * the batches of distributed tasks), in one dialect. The store, its ledger and its transactions
 * only run them. All SQL is parameterised; the only identifiers in it are the validated, quoted
 * table names and the fixed column names. (The run locks' statements are the locks' own, in
 * `locks/`.)
 */
export class TypeOrmSql {
  /** The quoted (and schema-qualified) batches table. */
  readonly batches: string;

  constructor(
    private readonly dialect: SqlDialect,
    /** The quoted (and schema-qualified) records table. */
    readonly table: string,
    private readonly quote: (identifier: string) => string,
    batchesTable: string,
  ) {
    this.batches = batchesTable;
  }

  p(index: number): string {
    return this.dialect.param(index);
  }

  // ---- run records ----

  /** A statement that succeeds only when the records table exists. */
  probe(): Statement {
    // Names the newest column: a table made by an earlier version fails it and gains the column.
    return { sql: `SELECT actor FROM ${this.table} WHERE 1 = 0`, params: [] };
  }

  /** Every running record. */
  running(): Statement {
    return { sql: `SELECT ${recordSelectList(this.dialect)} FROM ${this.table} WHERE status = ${this.p(1)}`, params: ['running'] };
  }

  /** Running records become interrupted. */
  interruptRunning(finishedAt: string, error: string): Statement {
    return {
      sql: `UPDATE ${this.table} SET status = ${this.p(1)}, finished_at = ${this.p(2)}, error = ${this.p(3)} WHERE status = ${this.p(4)}`,
      params: ['interrupted', this.dialect.time(finishedAt), error, 'running'],
    };
  }

  /** One row per version: whether it completed (in deploy `deployId`), was cut short, was cancelled. */
  versionStates(deployId: string): Statement {
    const p = (index: number): string => this.p(index);
    const cutShort = CUT_SHORT.map((_, index) => p(4 + index)).join(', ');
    return {
      sql: `SELECT version,
             MAX(CASE WHEN status = ${p(1)} THEN 1 ELSE 0 END) AS completed,
             MAX(CASE WHEN status = ${p(2)} AND deploy_id = ${p(3)} THEN 1 ELSE 0 END) AS in_deploy,
             MAX(CASE WHEN status IN (${cutShort}) THEN 1 ELSE 0 END) AS cut_short,
             MAX(CASE WHEN status = ${p(4 + CUT_SHORT.length)} THEN 1 ELSE 0 END) AS cancelled
           FROM ${this.table} GROUP BY version`,
      params: ['completed', 'completed', deployId, ...CUT_SHORT, 'cancelled'],
    };
  }

  /** The most recent run of `version`. */
  lastRun(version: string): Statement {
    return {
      sql: `SELECT ${recordSelectList(this.dialect)} FROM ${this.table} WHERE version = ${this.p(1)} ORDER BY started_at DESC LIMIT 1`,
      params: [version],
    };
  }

  /** A page of a version's runs, newest first (by start, then id). */
  runsOf(version: string, page: { offset: number; limit: number }): Statement {
    // Whole numbers only, written into the statement: LIMIT takes no bound parameter on every driver.
    const limit = Math.max(0, Math.floor(page.limit));
    const offset = Math.max(0, Math.floor(page.offset));
    return {
      sql: `SELECT ${recordSelectList(this.dialect)} FROM ${this.table} WHERE version = ${this.p(1)} ORDER BY started_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`,
      params: [version],
    };
  }

  /** The most recent run of each version (two runs sharing a start time both come back). */
  latestRuns(): Statement {
    return {
      sql: `SELECT ${recordSelectList(this.dialect, 'r')} FROM ${this.table} r
         JOIN (SELECT version, MAX(started_at) AS last_started FROM ${this.table} GROUP BY version) l
           ON l.version = r.version AND l.last_started = r.started_at
         ORDER BY r.version`,
      params: [],
    };
  }

  /** INSERT of one record. */
  insert(record: TaskRunRecord): Statement {
    return { sql: this.insertSql(1), params: recordParams(record, this.dialect) };
  }

  /** How a run ended, written only while it is still running. */
  finish(id: string, completion: RunCompletion): Statement {
    return {
      sql: `UPDATE ${this.table} SET status = ${this.p(1)}, finished_at = ${this.p(2)}, duration_ms = ${this.p(3)}, error = ${this.p(4)}
            WHERE id = ${this.p(5)} AND status = ${this.p(6)}`,
      params: [completion.status, this.dialect.time(completion.finishedAt), completion.durationMs, completion.error, id, 'running'],
    };
  }

  /**
   * PostgreSQL: the completion and the next record in one statement (one round trip, one commit);
   * the insert happens only if the update matched, and returns a row then.
   */
  finishAndStart(id: string, completion: RunCompletion, next: TaskRunRecord): Statement {
    const finish = this.finish(id, completion);
    const insert = `INSERT INTO ${this.table} (${this.columnList()})
       SELECT ${RECORD_COLUMNS.map((c, i) => this.dialect.typedParam(7 + i, c.kind)).join(', ')} WHERE EXISTS (SELECT 1 FROM finished)`;
    return { sql: `WITH finished AS (${finish.sql} RETURNING 1) ${insert} RETURNING id`, params: [...finish.params, ...recordParams(next, this.dialect)] };
  }

  /** Progress and/or checkpoint of a record still running; null when there is nothing to write. */
  update(id: string, update: RunUpdate): Statement | null {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const column of ['progress', 'checkpoint'] as const) {
      if (update[column] !== undefined) {
        params.push(jsonText(update[column]));
        sets.push(`${column} = ${this.p(params.length)}`);
      }
    }
    if (sets.length === 0) {
      return null;
    }
    params.push(id, 'running');
    return { sql: `UPDATE ${this.table} SET ${sets.join(', ')} WHERE id = ${this.p(params.length - 1)} AND status = ${this.p(params.length)}`, params };
  }

  /** The runs of `version` in `statuses` become `reset`, with `note` as their error. */
  reset(version: string, note: string, statuses: TaskRunStatus[]): Statement {
    return {
      sql: `UPDATE ${this.table} SET status = ${this.p(1)}, error = ${this.p(2)} WHERE version = ${this.p(3)} AND status IN (${this.params(4, statuses.length)})`,
      params: ['reset', note, version, ...statuses],
    };
  }

  // ---- pause and cancel requests ----

  /** The ids of the running runs of `version`. */
  runningIds(version: string): Statement {
    return { sql: `SELECT id FROM ${this.table} WHERE version = ${this.p(1)} AND status = ${this.p(2)}`, params: [version, 'running'] };
  }

  /** Of `ids`, those still running. */
  stillRunning(ids: string[]): Statement {
    return { sql: `SELECT id FROM ${this.table} WHERE status = ${this.p(1)} AND id IN (${this.params(2, ids.length)})`, params: ['running', ...ids] };
  }

  /** A request written into run `id`'s record, while it runs. */
  setControl(id: string, control: string): Statement {
    return { sql: `UPDATE ${this.table} SET control = ${this.p(1)} WHERE id = ${this.p(2)} AND status = ${this.p(3)}`, params: [control, id, 'running'] };
  }

  /** The request in run `id`'s record, while it runs (a run that ended has none to read). */
  control(id: string): Statement {
    return { sql: `SELECT control FROM ${this.table} WHERE id = ${this.p(1)} AND status = ${this.p(2)}`, params: [id, 'running'] };
  }

  // ---- batches of distributed tasks ----

  clearBatches(version: string): Statement {
    return { sql: `DELETE FROM ${this.batches} WHERE version = ${this.p(1)}`, params: [version] };
  }

  /** INSERT of a batch that leaves a batch of the same version and number as it is. */
  addBatch(batch: DistributedBatch): Statement {
    const columns = BATCH_COLUMNS.map((column) => this.quote(column.name)).join(', ');
    return { sql: this.dialect.insertIgnoring(this.batches, columns, this.params(1, BATCH_COLUMNS.length)), params: batchParams(batch, this.dialect) };
  }

  /** The batches of a distribution in `states` (all when empty), by number. */
  listBatches(version: string, distributionId: string, states: Array<DistributedBatch['status']>): Statement {
    const inStates = states.length > 0 ? ` AND status IN (${this.params(3, states.length)})` : '';
    return {
      sql: `SELECT ${this.batchSelectList()} FROM ${this.batches} ${this.ofDistribution()}${inStates} ORDER BY batch_no`,
      params: [version, distributionId, ...states],
    };
  }

  /** Per status: how many batches, and their items. */
  batchCounts(version: string, distributionId: string): Statement {
    return {
      sql: `SELECT status, COUNT(*) AS n, SUM(items) AS items FROM ${this.batches} ${this.ofDistribution()} GROUP BY status`,
      params: [version, distributionId],
    };
  }

  /** How many distinct workers completed batches. */
  batchWorkers(version: string, distributionId: string): Statement {
    return {
      sql: `SELECT COUNT(DISTINCT worker) AS n FROM ${this.batches} ${this.ofDistribution()} AND status = ${this.p(3)}`,
      params: [version, distributionId, 'completed'],
    };
  }

  /** The number and error of the first failed batch. */
  firstFailedBatch(version: string, distributionId: string): Statement {
    return {
      sql: `SELECT batch_no, error FROM ${this.batches} ${this.ofDistribution()} AND status = ${this.p(3)} ORDER BY batch_no LIMIT 1`,
      params: [version, distributionId, 'failed'],
    };
  }

  batchState({ version, distributionId, batchNo }: BatchRef): Statement {
    return { sql: `SELECT status FROM ${this.batches} ${this.ofDistribution()} AND batch_no = ${this.p(3)}`, params: [version, distributionId, batchNo] };
  }

  /** Marks a batch completed unless it already is (of two deliveries only one changes the row). */
  completeBatch({ version, distributionId, batchNo }: BatchRef, worker: string, at: string): Statement {
    return {
      sql: `UPDATE ${this.batches} SET status = ${this.p(1)}, worker = ${this.p(2)}, error = NULL, updated_at = ${this.p(3)}
       WHERE version = ${this.p(4)} AND distribution_id = ${this.p(5)} AND batch_no = ${this.p(6)} AND status <> ${this.p(7)}`,
      params: ['completed', worker, this.dialect.time(at), version, distributionId, batchNo, 'completed'],
    };
  }

  /** Marks a batch failed, unless it is completed. */
  failBatch({ version, distributionId, batchNo }: BatchRef, error: string, attempts: number, at: string): Statement {
    return {
      sql: `UPDATE ${this.batches} SET status = ${this.p(1)}, error = ${this.p(2)}, attempts = ${this.p(3)}, updated_at = ${this.p(4)}
         WHERE version = ${this.p(5)} AND distribution_id = ${this.p(6)} AND batch_no = ${this.p(7)} AND status <> ${this.p(8)}`,
      params: ['failed', error, attempts, this.dialect.time(at), version, distributionId, batchNo, 'completed'],
    };
  }

  /** Failed batches of a distribution become queued again. */
  requeueBatches(version: string, distributionId: string): Statement {
    return {
      sql: `UPDATE ${this.batches} SET status = ${this.p(1)}, error = NULL WHERE version = ${this.p(2)} AND distribution_id = ${this.p(3)} AND status = ${this.p(4)}`,
      params: ['queued', version, distributionId, 'failed'],
    };
  }

  // ---- connections ----

  /**
   * Closes another connection on the server side (its transaction rolls back): PostgreSQL's
   * backend `pid`, MySQL's thread id. Null on SQLite, which has nothing to close.
   */
  terminate(connectionId: number): Statement | null {
    switch (this.dialect.family) {
      case 'postgres':
        return { sql: `SELECT pg_terminate_backend(${this.p(1)})`, params: [connectionId] };
      case 'mysql':
        return { sql: `KILL ${Number(connectionId)}`, params: [] };
      default:
        return null;
    }
  }

  private insertSql(first: number): string {
    return `INSERT INTO ${this.table} (${this.columnList()})
       VALUES (${this.params(first, RECORD_COLUMNS.length)})`;
  }

  private columnList(): string {
    return RECORD_COLUMNS.map((c) => this.quote(c.name)).join(', ');
  }

  /** `count` placeholders from `first`, comma-separated. */
  private params(first: number, count: number): string {
    return Array.from({ length: count }, (_, index) => this.p(first + index)).join(', ');
  }

  private ofDistribution(): string {
    return `WHERE version = ${this.p(1)} AND distribution_id = ${this.p(2)}`;
  }

  private batchSelectList(): string {
    return BATCH_COLUMNS.map(({ name, kind }) => {
      const read = this.dialect.read(name, kind);
      return read === name ? name : `${read} AS ${name}`;
    }).join(', ');
  }
}

/**
 * The statements of the PostgreSQL run lock: a session-level advisory lock on two keys, whose
 * holder waiters find through `pg_stat_activity`.
 */
export const postgresLockSql = {
  currentSchema: (): Statement => ({ sql: 'SELECT current_schema() AS schema', params: [] }),
  /** Names this session in `pg_stat_activity` (at most 63 characters). */
  nameSession: (name: string): Statement => ({ sql: `SELECT set_config('application_name', $1, false)`, params: [name.slice(0, 63)] }),
  tryLock: (keys: [number, number]): Statement => ({ sql: 'SELECT pg_try_advisory_lock($1, $2) AS locked', params: keys }),
  isHeld: (keys: [number, number]): Statement => ({
    sql: `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory' AND granted
               AND classid = $1 AND objid = $2 AND objsubid = 2) AS held`,
    params: keys,
  }),
  unlock: (keys: [number, number]): Statement => ({ sql: 'SELECT pg_advisory_unlock($1, $2)', params: keys }),
  holder: (keys: [number, number]): Statement => ({
    sql: `SELECT a.pid, a.application_name, a.client_addr, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    params: keys,
  }),
};

/** The statements of the MySQL/MariaDB run lock: a named lock (`GET_LOCK`), server-wide. */
export const mysqlLockSql = {
  currentDatabase: (): Statement => ({ sql: 'SELECT DATABASE() AS db', params: [] }),
  tryLock: (name: string): Statement => ({ sql: 'SELECT GET_LOCK(?, 0) AS locked', params: [name] }),
  isHeld: (name: string): Statement => ({ sql: 'SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS held', params: [name] }),
  unlock: (name: string): Statement => ({ sql: 'SELECT RELEASE_LOCK(?)', params: [name] }),
  holder: (name: string): Statement => ({ sql: 'SELECT IS_USED_LOCK(?) AS holder', params: [name] }),
  connection: (id: unknown): Statement => ({ sql: 'SELECT HOST AS host, TIME AS seconds FROM information_schema.PROCESSLIST WHERE ID = ?', params: [id] }),
};

/** Runs a statement on a query runner or data source; resolves its rows (as the driver gives them). */
export function run(on: { query(sql: string, params?: unknown[]): Promise<any> }, { sql, params }: Statement): Promise<any> {
  return on.query(sql, params);
}
