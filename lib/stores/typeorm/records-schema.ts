import type { EntitySchema, EntitySchemaColumnOptions, MigrationInterface, QueryRunner, Table } from 'typeorm';
import { DEFAULT_RECORDS_TABLE } from '../../config/after-party.constants';
import { InvalidOptionsError } from '../../errors/invalid-options.error';
import { validateTableName } from '../../config/table-name';
import { dialectOf } from './dialects/dialect-of';
import type { SqlDialect } from './dialects/sql-dialect';
import { BATCH_COLUMNS, batchesTableName } from './batch-columns';
import { RECORD_COLUMNS, recordsIndexName } from './record-columns';

// typeorm is an optional peer: it is required here only when one of these functions runs,
// so apps on the Mongoose store never load it.
function typeorm(): typeof import('typeorm') {
  return require('typeorm') as typeof import('typeorm');
}

/**
 * The records table as a TypeORM `Table` for `QueryRunner.createTable`, in the database's own
 * types: timestamps with time zone and `jsonb` on PostgreSQL, `datetime(3)` and `json` on
 * MySQL/MariaDB (in utf8mb4 whatever the database's default character set), ISO-8601 text on SQLite.
 */
export function recordsTable(tableName: string, dialect: SqlDialect): Table {
  const { Table, TableIndex } = typeorm();
  return new Table({
    name: tableName,
    columns: RECORD_COLUMNS.map((column) => ({
      name: column.name,
      ...dialect.columnType(column.kind),
      isNullable: column.nullable === true,
      isPrimary: column.primary === true,
    })),
    indices: [new TableIndex({ name: recordsIndexName(tableName), columnNames: ['version', 'status'] })],
    engine: dialect.tableEngine,
  });
}

/** The batches table of distributed tasks as a TypeORM `Table`, in the database's own types. */
export function batchesTable(tableName: string, dialect: SqlDialect): Table {
  const { Table } = typeorm();
  return new Table({
    name: tableName,
    columns: BATCH_COLUMNS.map((column) => ({
      name: column.name,
      ...dialect.columnType(column.kind),
      isNullable: column.nullable === true,
      isPrimary: column.primary === true,
    })),
    engine: dialect.tableEngine,
  });
}

/** Options of {@link createAfterPartyMigration}. */
export interface AfterPartyRecordsSchemaOptions {
  /** Must equal the module's `tableName`. @default 'after_party_runs' */
  tableName?: string;
}

/** Options of {@link createAfterPartyRecordEntity}. */
export interface AfterPartyRecordEntityOptions extends AfterPartyRecordsSchemaOptions {
  /**
   * The data source's `type` (`'postgres'`, `'mysql'`, `'mariadb'`, `'better-sqlite3'`,
   * `'sqlite'`): the column types differ between databases.
   */
  type: string;
}

/**
 * A TypeORM migration class that creates (and on `down`, drops) the records table and the
 * batches table of distributed tasks, in the types of the database it runs on, for apps that
 * manage their schema with migrations. Extend it with a timestamped name:
 *
 * ```ts
 * export class AfterPartyRecords1764150000000 extends createAfterPartyMigration() {}
 * ```
 */
export function createAfterPartyMigration(options: AfterPartyRecordsSchemaOptions = {}): new () => MigrationInterface {
  const tableName = validateTableName(options.tableName ?? DEFAULT_RECORDS_TABLE, true);
  return class AfterPartyRecordsMigration implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
      const dialect = dialectOf(queryRunner.connection.options.type);
      await queryRunner.createTable(recordsTable(tableName, dialect), true);
      await queryRunner.createTable(batchesTable(batchesTableName(tableName), dialect), true);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.dropTable(batchesTableName(tableName), true);
      await queryRunner.dropTable(tableName, true);
    }
  };
}

/**
 * The records table as a TypeORM `EntitySchema`, for apps that generate migrations from
 * entities (`migration:generate`) or use `synchronize`: add it to the data source's entities.
 *
 * ```ts
 * entities: [createAfterPartyRecordEntity({ type: 'postgres' })]
 * ```
 */
export function createAfterPartyRecordEntity(options: AfterPartyRecordEntityOptions): EntitySchema {
  const tableName = validateTableName(options?.tableName ?? DEFAULT_RECORDS_TABLE, true);
  if (typeof options?.type !== 'string') {
    throw new InvalidOptionsError(
      "createAfterPartyRecordEntity needs the data source's type, whose column types it uses: createAfterPartyRecordEntity({ type: 'postgres' }).",
    );
  }
  const dialect = dialectOf(options.type as Parameters<typeof dialectOf>[0]);
  const { EntitySchema } = typeorm();
  const [schema, table] = tableName.includes('.') ? tableName.split('.') : [undefined, tableName];
  return new EntitySchema({
    name: `AfterPartyRecord_${tableName}`,
    tableName: table,
    schema,
    columns: Object.fromEntries(
      RECORD_COLUMNS.map((column): [string, EntitySchemaColumnOptions] => {
        const { type, length, precision, charset, collation } = dialect.columnType(column.kind);
        return [
          column.name,
          {
            type: type as EntitySchemaColumnOptions['type'],
            length,
            precision: precision ?? undefined,
            // An entity cannot set the table's default character set: each text column carries it.
            charset,
            collation,
            nullable: column.nullable === true,
            primary: column.primary === true,
          },
        ];
      }),
    ),
    indices: [{ name: recordsIndexName(tableName), columns: ['version', 'status'] }],
  });
}
