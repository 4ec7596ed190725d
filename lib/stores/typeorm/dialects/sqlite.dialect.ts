import type { RecordColumnType, RecordValueKind, SqlDialect } from './sql-dialect';

const TYPES: Record<RecordValueKind, RecordColumnType> = {
  id: { type: 'varchar', length: '36' },
  short: { type: 'varchar', length: '64' },
  name: { type: 'varchar', length: '255' },
  integer: { type: 'integer' },
  text: { type: 'text' },
  time: { type: 'varchar', length: '24' },
  json: { type: 'text' },
};

/** SQLite: ISO-8601 UTC text times (they sort as times), JSON as text. */
export const sqliteDialect: SqlDialect = {
  family: 'sqlite',
  param: () => '?',
  typedParam: () => '?',
  columnType: (kind) => TYPES[kind],
  read: (column) => column,
  time: (iso) => iso,
  insertIgnoring: (table, columns, values) => `INSERT OR IGNORE INTO ${table} (${columns}) VALUES (${values})`,
};
