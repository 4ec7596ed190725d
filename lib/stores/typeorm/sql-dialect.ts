import type { DataSource } from 'typeorm';
import { StoreUnavailableError } from '../../errors/store-unavailable.error';

/** The SQL families the TypeORM store supports. */
export type SqlDialect = 'postgres' | 'mysql' | 'sqlite';

const DIALECTS: Record<string, SqlDialect> = {
  postgres: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  'aurora-mysql': 'mysql',
  'better-sqlite3': 'sqlite',
  sqlite: 'sqlite',
};

/** The dialect of a data source, or a clear error for drivers without a lock we trust. */
export function dialectOf(dataSource: DataSource): SqlDialect {
  const dialect = DIALECTS[dataSource.options.type];
  if (!dialect) {
    throw new StoreUnavailableError(
      `The typeorm store supports PostgreSQL, MySQL, MariaDB and SQLite (better-sqlite3), not "${dataSource.options.type}". ` +
        `Use one of those data sources for the records, via the module option connectionName.`,
    );
  }
  return dialect;
}
