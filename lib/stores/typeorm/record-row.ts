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
    record.actor ?? null,
  ];
}

/** The tag of JSON kept in ASCII: `{ "@json": "<the JSON text, every character beyond ASCII a \\u escape>" }`. */
const ASCII_JSON = '@json';
const HAS_BEYOND_ASCII = /[\u0080-\uffff]/;
const BEYOND_ASCII = /[\u0080-\uffff]/g;

/**
 * JSON text of a value, null for null or undefined. JSON holding text beyond ASCII (a text
 * cursor, a progress message) is written as ASCII inside `{ "@json": ... }`: the records may be
 * in a character set without that text (a LATIN1 PostgreSQL database, whose jsonb turns a `\u`
 * escape back into the character and fails alike), and a checkpoint must come back exactly,
 * never escaped as free text is. {@link parseJson} gives the value back.
 */
export function jsonText(value: unknown): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  const text = JSON.stringify(value);
  if (!HAS_BEYOND_ASCII.test(text)) {
    return text;
  }
  const ascii = text.replace(BEYOND_ASCII, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return JSON.stringify({ [ASCII_JSON]: ascii });
}

/** A value back from the JSON text a column holds (as {@link jsonText} wrote it), null for none. */
export function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') {
    return null;
  }
  const parsed: unknown = JSON.parse(value);
  const inner = parsed !== null && typeof parsed === 'object' && Object.keys(parsed).length === 1 ? (parsed as Record<string, unknown>)[ASCII_JSON] : undefined;
  return typeof inner === 'string' ? JSON.parse(inner) : parsed;
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
    actor: (row.actor as string | null) ?? null,
  };
}

function isoTime(value: unknown): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}
