import { MAX_CONTROL_LENGTH, type ControlBackend } from '../control-requests';
import { withCharsetFallback } from './charset-fallback';
import type { SqliteControlFiles } from './locks/sqlite-control-files';
import type { Statement, TypeOrmSql } from './typeorm.sql';

/** How the TypeORM store runs its statements, for the request backends. */
export interface StatementRunner {
  rows<T>(statement: Statement): Promise<T[]>;
  /** Rows, or none when the records table does not exist yet. */
  rowsOrNone<T>(statement: Statement): Promise<T[]>;
  /** Runs a write; a refusal becomes an error that says what to do. */
  write<T>(work: () => Promise<T>): Promise<T>;
  affected(statement: Statement): Promise<number>;
}

const ids = (rows: Array<{ id: string }>): string[] => rows.map(({ id }) => id);

/** The request written into the run's record (`control`), or null. */
async function readColumn(sql: () => TypeOrmSql, run: StatementRunner, id: string): Promise<string | null> {
  const [row] = await run.rows<{ control: string | null }>(sql().control(id));
  return row?.control ?? null;
}

/** Requests in the run's record, on PostgreSQL and MySQL/MariaDB: they end with the run. */
export function recordControls(sql: () => TypeOrmSql, run: StatementRunner): ControlBackend {
  return {
    // Reported as the write it precedes: a records table not made yet (a pause before any run) says so.
    runningRuns: (version) => run.write(async () => ids(await run.rows(sql().runningIds(version)))),
    // Who asked may hold characters a legacy table's character set cannot: escaped, and cut to the column.
    write: async (id, control) => void (await run.write(() => withCharsetFallback((fit) => run.affected(sql().setControl(id, fit(control).slice(0, MAX_CONTROL_LENGTH)))))),
    read: (id) => readColumn(sql, run, id),
  };
}

/**
 * Requests in files beside a SQLite database file (see {@link SqliteControlFiles}): reading the
 * records needs no write lock, which a running task's batches hold nearly all the time.
 */
export function fileControls(files: SqliteControlFiles, sql: () => TypeOrmSql, run: StatementRunner): ControlBackend {
  return {
    runningRuns: async (version) => ids(await run.rowsOrNone(sql().runningIds(version))),
    write: async (id, control) => files.write(id, control),
    // Else a request written into the record by an earlier version of this store.
    read: async (id) => files.read(id) ?? (await readColumn(sql, run, id)),
    apart: {
      requested: async () => files.runIds(),
      stillRunning: async (of) => ids(await run.rows(sql().stillRunning(of))),
      remove: async (of) => of.forEach((id) => files.remove(id)),
    },
  };
}
