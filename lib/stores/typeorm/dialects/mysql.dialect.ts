import type { RecordColumnType, RecordValueKind, SqlDialect } from './sql-dialect';

const TYPES: Record<RecordValueKind, RecordColumnType> = {
  id: { type: 'varchar', length: '36' },
  short: { type: 'varchar', length: '64' },
  name: { type: 'varchar', length: '255' },
  integer: { type: 'int' },
  text: { type: 'text' },
  time: { type: 'datetime', precision: 3 },
  json: { type: 'json' },
};

/**
 * MySQL and MariaDB: `datetime(3)` times holding UTC (written and read as text, so the
 * connection's time zone never shifts them), `json` progress and checkpoints.
 */
export const mysqlDialect: SqlDialect = {
  family: 'mysql',
  param: () => '?',
  typedParam: () => '?',
  columnType: (kind) => TYPES[kind],
  read: (column, kind) => {
    if (kind === 'time') {
      return `DATE_FORMAT(${column}, '%Y-%m-%dT%H:%i:%s.%fZ')`;
    }
    return kind === 'json' ? `CAST(${column} AS CHAR)` : column;
  },
  time: (iso) => iso.replace('T', ' ').replace('Z', ''),
  insertIgnoring: (table, columns, values) => `INSERT IGNORE INTO ${table} (${columns}) VALUES (${values})`,
};
