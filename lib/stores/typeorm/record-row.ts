import type { TaskProgressSnapshot, TaskRunRecord } from '../../interfaces/run-record.interface';
import type { SqlDialect } from './dialects/sql-dialect';
import { RECORD_COLUMNS } from './record-columns';

/** A row as the store's select list returns it: times and JSON as text. */
export type RecordRow = Record<string, unknown>;

/** The select list of a record: every column, times and JSON read as text. */
export function recordSelectList(dialect: SqlDialect, alias?: string): string {
  return RECORD_COLUMNS.map(({ name, kind }) => {
    const column = alias ? `${alias}.${name}` : name;
    const read = dialect.read(column, kind);
    return read === column ? column : `${read} AS ${name}`;
  }).join(', ');
}

/** A record as the parameters of an INSERT, in column order. */
export function recordParams(record: TaskRunRecord, dialect: SqlDialect): unknown[] {
  return [
    record.id,
    record.version,
    record.name,
    record.status,
    record.kind,
    record.deployId,
    record.environment,
    dialect.time(record.startedAt),
    record.finishedAt === null ? null : dialect.time(record.finishedAt),
    record.durationMs,
    record.host,
    record.pid,
    record.error,
    jsonText(record.progress),
    jsonText(record.checkpoint),
    null,
  ];
}

/** JSON text of a value, null for null or undefined. */
export function jsonText(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** A row as a record (JSON parsed, times and numbers normalised across drivers). */
export function toRecord(row: RecordRow): TaskRunRecord {
  return {
    id: String(row.id),
    version: String(row.version),
    name: String(row.name),
    status: row.status as TaskRunRecord['status'],
    kind: row.kind as TaskRunRecord['kind'],
    deployId: (row.deploy_id as string | null) ?? null,
    environment: (row.environment as string | null) ?? null,
    startedAt: isoTime(row.started_at) as string,
    finishedAt: isoTime(row.finished_at),
    durationMs: row.duration_ms === null || row.duration_ms === undefined ? null : Number(row.duration_ms),
    host: String(row.host),
    pid: Number(row.pid),
    error: (row.error as string | null) ?? null,
    progress: parseJson(row.progress) as TaskProgressSnapshot | null,
    checkpoint: parseJson(row.checkpoint),
  };
}

function isoTime(value: unknown): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : null;
}
