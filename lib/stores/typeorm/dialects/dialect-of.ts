import type { DataSource } from 'typeorm';
import { StoreUnavailableError } from '../../../errors/store-unavailable.error';
import { mysqlDialect } from './mysql.dialect';
import { postgresDialect } from './postgres.dialect';
import type { SqlDialect } from './sql-dialect';
import { sqliteDialect } from './sqlite.dialect';

const DIALECTS: Record<string, SqlDialect> = {
  postgres: postgresDialect,
  mysql: mysqlDialect,
  mariadb: mysqlDialect,
  'aurora-mysql': mysqlDialect,
  'better-sqlite3': sqliteDialect,
  sqlite: sqliteDialect,
};

/** The dialect of a data source type, or a clear error for drivers without a lock we trust. */
export function dialectOf(type: DataSource['options']['type']): SqlDialect {
  const dialect = DIALECTS[type];
  if (!dialect) {
    throw new StoreUnavailableError(
      `The typeorm store supports PostgreSQL, MySQL, MariaDB and SQLite (better-sqlite3), not "${type}". ` +
        'Use one of those data sources for the records, via the module option connectionName.',
    );
  }
  return dialect;
}
