import type { RecordColumnType, RecordValueKind, SqlDialect } from './sql-dialect';

const TYPES: Record<RecordValueKind, RecordColumnType> = {
  id: { type: 'varchar', length: '36' },
  short: { type: 'varchar', length: '64' },
  name: { type: 'varchar', length: '255' },
  integer: { type: 'integer' },
  text: { type: 'text' },
  time: { type: 'timestamptz', precision: 3 },
  json: { type: 'jsonb' },
};

const CASTS: Record<RecordValueKind, string> = {
  id: 'varchar',
  short: 'varchar',
  name: 'varchar',
  integer: 'integer',
  text: 'text',
  time: 'timestamptz',
  json: 'jsonb',
};

/** PostgreSQL: `timestamptz` times, `jsonb` progress and checkpoints. */
export const postgresDialect: SqlDialect = {
  family: 'postgres',
  param: (index) => `$${index}`,
  typedParam: (index, kind) => `$${index}::${CASTS[kind]}`,
  columnType: (kind) => TYPES[kind],
  read: (column, kind) => {
    if (kind === 'time') {
      return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    }
    return kind === 'json' ? `${column}::text` : column;
  },
  time: (iso) => iso,
  insertIgnoring: (table, columns, values) => `INSERT INTO ${table} (${columns}) VALUES (${values}) ON CONFLICT DO NOTHING`,
};
