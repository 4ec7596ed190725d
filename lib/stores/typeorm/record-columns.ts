import type { RecordValueKind } from './dialects/sql-dialect';

/** A column of the records table. */
export interface RecordColumn {
  name: string;
  kind: RecordValueKind;
  nullable?: boolean;
  primary?: boolean;
}

/** The records table, one row per run, in insert order. */
export const RECORD_COLUMNS: readonly RecordColumn[] = [
  { name: 'id', kind: 'id', primary: true },
  { name: 'version', kind: 'short' },
  { name: 'name', kind: 'name' },
  { name: 'status', kind: 'short' },
  { name: 'kind', kind: 'short' },
  { name: 'deploy_id', kind: 'name', nullable: true },
  { name: 'environment', kind: 'short', nullable: true },
  { name: 'started_at', kind: 'time' },
  { name: 'finished_at', kind: 'time', nullable: true },
  { name: 'duration_ms', kind: 'integer', nullable: true },
  { name: 'host', kind: 'name' },
  { name: 'pid', kind: 'integer' },
  { name: 'error', kind: 'text', nullable: true },
  { name: 'progress', kind: 'json', nullable: true },
  { name: 'checkpoint', kind: 'json', nullable: true },
  { name: 'control', kind: 'short', nullable: true },
  { name: 'actor', kind: 'name', nullable: true },
];

/** The name of the index the runner's reads use. */
export function recordsIndexName(tableName: string): string {
  return `IDX_${tableName.replace('.', '_')}_version_status`;
}
