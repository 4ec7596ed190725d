import type { RecordColumnType, RecordValueKind, SqlDialect } from './sql-dialect';

/**
 * Every message and deploy id fits whatever the database's default character set (latin1 on
 * many older servers); the binary collation compares deploy ids and versions exactly, as
 * JavaScript does, not case- or accent-insensitively.
 */
const CHARSET = 'utf8mb4';
const COLLATION = 'utf8mb4_bin';
const TEXT = { charset: CHARSET, collation: COLLATION };

const TYPES: Record<RecordValueKind, RecordColumnType> = {
  id: { type: 'varchar', length: '36', ...TEXT },
  short: { type: 'varchar', length: '64', ...TEXT },
  name: { type: 'varchar', length: '255', ...TEXT },
  integer: { type: 'int' },
  text: { type: 'text', ...TEXT },
  time: { type: 'datetime', precision: 3 },
  // Always utf8mb4: MySQL's json is, and MariaDB's is LONGTEXT in utf8mb4_bin (neither takes a charset).
  json: { type: 'json' },
};

/**
 * MySQL and MariaDB: `datetime(3)` times holding UTC (written and read as text, so the
 * connection's time zone never shifts them), `json` progress and checkpoints, text in utf8mb4
 * (the table's default too, for columns a later version adds).
 */
export const mysqlDialect: SqlDialect = {
  family: 'mysql',
  param: () => '?',
  typedParam: () => '?',
  columnType: (kind) => TYPES[kind],
  tableEngine: `InnoDB DEFAULT CHARSET=${CHARSET} COLLATE=${COLLATION}`,
  read: (column, kind) => {
    if (kind === 'time') {
      return `DATE_FORMAT(${column}, '%Y-%m-%dT%H:%i:%s.%fZ')`;
    }
    return kind === 'json' ? `CAST(${column} AS CHAR)` : column;
  },
  time: (iso) => iso.replace('T', ' ').replace('Z', ''),
  insertIgnoring: (table, columns, values) => `INSERT IGNORE INTO ${table} (${columns}) VALUES (${values})`,
};
