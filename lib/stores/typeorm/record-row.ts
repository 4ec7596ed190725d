import type { TaskProgressSnapshot, TaskRunRecord } from '../../interfaces/run-record.interface';

/** Columns of the records table, in insert order. */
export const RECORD_COLUMNS = [
  'id', 'version', 'name', 'status', 'kind', 'deploy_id', 'environment',
  'started_at', 'finished_at', 'duration_ms', 'host', 'pid', 'error', 'progress', 'checkpoint',
] as const;

/** A row as the drivers return it. */
export type RecordRow = Record<(typeof RECORD_COLUMNS)[number], unknown>;

/** A record as a row (JSON fields serialised). */
export function toRow(record: TaskRunRecord): RecordRow {
  return {
    id: record.id,
    version: record.version,
    name: record.name,
    status: record.status,
    kind: record.kind,
    deploy_id: record.deployId,
    environment: record.environment,
    started_at: record.startedAt,
    finished_at: record.finishedAt,
    duration_ms: record.durationMs,
    host: record.host,
    pid: record.pid,
    error: record.error,
    progress: record.progress === null ? null : JSON.stringify(record.progress),
    checkpoint: record.checkpoint === null || record.checkpoint === undefined ? null : JSON.stringify(record.checkpoint),
  };
}

/** A row as a record (JSON fields parsed, numbers normalised across drivers). */
export function toRecord(row: RecordRow): TaskRunRecord {
  return {
    id: String(row.id),
    version: String(row.version),
    name: String(row.name),
    status: row.status as TaskRunRecord['status'],
    kind: row.kind as TaskRunRecord['kind'],
    deployId: (row.deploy_id as string | null) ?? null,
    environment: (row.environment as string | null) ?? null,
    startedAt: String(row.started_at),
    finishedAt: (row.finished_at as string | null) ?? null,
    durationMs: row.duration_ms === null || row.duration_ms === undefined ? null : Number(row.duration_ms),
    host: String(row.host),
    pid: Number(row.pid),
    error: (row.error as string | null) ?? null,
    progress: parseJson(row.progress) as TaskProgressSnapshot | null,
    checkpoint: parseJson(row.checkpoint),
  };
}

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : null;
}
