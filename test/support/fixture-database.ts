import { createConnection, type Connection } from 'mongoose';
import { DataSource } from 'typeorm';
import type { FixtureApp } from './fixture-app';

/** The fixture app's database as the test process reads it, to check what a command left there. */
export interface FixtureDatabase {
  /** Whether a table (a collection on MongoDB) of that name exists. */
  hasTable(name: string): Promise<boolean>;
  /** The rows (documents) of a table whose columns equal `where`. */
  rows(table: string, where?: Record<string, string>): Promise<Array<Record<string, unknown>>>;
}

/** Opens the database the fixture app uses (its SQLite file, server database or MongoDB), runs `body`, closes it. */
export async function withFixtureDatabase<T>(app: FixtureApp, body: (db: FixtureDatabase) => Promise<T>): Promise<T> {
  const url = app.env().AP_DB_URL as string;
  if (app.target.db === 'mongo') {
    const connection = await createConnection(url, { serverSelectionTimeoutMS: 3000 }).asPromise();
    try {
      return await body(mongoDatabase(connection));
    } finally {
      await connection.close();
    }
  }
  const dataSource =
    app.target.db === 'sqlite'
      ? new DataSource({ type: 'better-sqlite3', database: url })
      : new DataSource({ type: app.target.db, url });
  await dataSource.initialize();
  try {
    return await body(sqlDatabase(dataSource));
  } finally {
    await dataSource.destroy();
  }
}

function mongoDatabase(connection: Connection): FixtureDatabase {
  return {
    hasTable: async (name) => ((await connection.db?.listCollections({ name }).toArray()) ?? []).length > 0,
    rows: (table, where = {}) => connection.collection(table).find(where).toArray(),
  };
}

function sqlDatabase(dataSource: DataSource): FixtureDatabase {
  return {
    hasTable: async (name) => {
      const runner = dataSource.createQueryRunner();
      try {
        return await runner.hasTable(name);
      } finally {
        await runner.release();
      }
    },
    rows: (table, where = {}) => {
      const query = dataSource.createQueryBuilder().select('*').from(table, 't');
      for (const [column, value] of Object.entries(where)) {
        query.andWhere(`t.${column} = :${column}`, { [column]: value });
      }
      return query.getRawMany();
    },
  };
}
