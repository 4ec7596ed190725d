import type { RunCompletion, RunUpdate } from '../../interfaces/store.interface';
import type { SqlDialect } from './dialects/sql-dialect';
import { RECORD_COLUMNS } from './record-columns';
import { jsonText, recordSelectList } from './record-row';

/** A statement and its parameters. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * The statements of the records table in one dialect. All SQL is parameterised; the only
 * identifiers in it are the validated, quoted table name and the fixed column names.
 */
export class RecordsSql {
  constructor(
    private readonly dialect: SqlDialect,
    /** The quoted (and schema-qualified) table name. */
    readonly table: string,
    private readonly quote: (identifier: string) => string,
  ) {}

  /** Every column of a record, times and JSON as text. */
  select(alias?: string): string {
    return recordSelectList(this.dialect, alias);
  }

  p(index: number): string {
    return this.dialect.param(index);
  }

  /** INSERT of one record, its parameters numbered from `first`. */
  insert(first = 1): string {
    return `INSERT INTO ${this.table} (${RECORD_COLUMNS.map((c) => this.quote(c.name)).join(', ')})
       VALUES (${RECORD_COLUMNS.map((_, i) => this.p(first + i)).join(', ')})`;
  }

  /** INSERT ... SELECT of one record with typed parameters numbered from `first` (for a conditional insert). */
  insertSelect(first: number, condition: string): string {
    return `INSERT INTO ${this.table} (${RECORD_COLUMNS.map((c) => this.quote(c.name)).join(', ')})
       SELECT ${RECORD_COLUMNS.map((c, i) => this.dialect.typedParam(first + i, c.kind)).join(', ')} WHERE ${condition}`;
  }

  /** How a run ended, written only while it is still running. */
  finish(id: string, completion: RunCompletion): Statement {
    return {
      sql: `UPDATE ${this.table} SET status = ${this.p(1)}, finished_at = ${this.p(2)}, duration_ms = ${this.p(3)}, error = ${this.p(4)}
            WHERE id = ${this.p(5)} AND status = ${this.p(6)}`,
      params: [completion.status, this.dialect.time(completion.finishedAt), completion.durationMs, completion.error, id, 'running'],
    };
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

  /** Running records become interrupted. */
  interruptRunning(finishedAt: string, error: string): Statement {
    return {
      sql: `UPDATE ${this.table} SET status = ${this.p(1)}, finished_at = ${this.p(2)}, error = ${this.p(3)} WHERE status = ${this.p(4)}`,
      params: ['interrupted', this.dialect.time(finishedAt), error, 'running'],
    };
  }

  time(iso: string): string {
    return this.dialect.time(iso);
  }
}
