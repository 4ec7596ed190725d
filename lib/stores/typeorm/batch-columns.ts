import type { DistributedBatch } from '../../interfaces/store.interface';
import type { SqlDialect } from './dialects/sql-dialect';
import type { RecordColumn } from './record-columns';
import { jsonText, parseJson } from './record-row';

/** The batches table of distributed tasks, one row per batch, keyed by (version, batch_no). */
export const BATCH_COLUMNS: readonly RecordColumn[] = [
  { name: 'version', kind: 'short', primary: true },
  { name: 'batch_no', kind: 'integer', primary: true },
  { name: 'distribution_id', kind: 'id' },
  { name: 'status', kind: 'short' },
  { name: 'after_cursor', kind: 'json', nullable: true },
  { name: 'last_cursor', kind: 'json', nullable: true },
  { name: 'items', kind: 'integer' },
  { name: 'attempts', kind: 'integer' },
  { name: 'error', kind: 'text', nullable: true },
  { name: 'worker', kind: 'name', nullable: true },
  { name: 'updated_at', kind: 'time' },
];

/** The batches table's name beside the records table. */
export function batchesTableName(recordsTable: string): string {
  return `${recordsTable}_batches`;
}

/** A batch as INSERT parameters, in column order. */
export function batchParams(batch: DistributedBatch, dialect: SqlDialect): unknown[] {
  return [
    batch.version,
    batch.batchNo,
    batch.distributionId,
    batch.status,
    jsonText(batch.after),
    jsonText(batch.last),
    batch.items,
    batch.attempts,
    batch.error,
    batch.worker,
    dialect.time(batch.updatedAt),
  ];
}

/** A row (times and JSON read as text) as a batch. */
export function toBatch(row: Record<string, unknown>): DistributedBatch {
  return {
    version: String(row.version),
    batchNo: Number(row.batch_no),
    distributionId: String(row.distribution_id),
    status: row.status as DistributedBatch['status'],
    after: parseJson(row.after_cursor),
    last: parseJson(row.last_cursor),
    items: Number(row.items),
    attempts: Number(row.attempts),
    error: (row.error as string | null) ?? null,
    worker: (row.worker as string | null) ?? null,
    updatedAt: new Date(String(row.updated_at)).toISOString(),
  };
}
