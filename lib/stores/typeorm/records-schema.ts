import type { EntitySchema, MigrationInterface, QueryRunner, Table } from 'typeorm';
import { DEFAULT_RECORDS_TABLE } from '../../after-party.constants';
import { validateTableName } from '../table-name';

// typeorm is an optional peer: it is required here only when one of these functions runs,
// so apps on the Mongoose store never load it.
function typeorm(): typeof import('typeorm') {
  return require('typeorm') as typeof import('typeorm');
}

interface ColumnSpec {
  name: string;
  type: 'varchar' | 'integer' | 'text';
  length?: number;
  nullable?: boolean;
  primary?: boolean;
}

/** Columns of the records table, one row per run. Times are ISO-8601 UTC strings. */
const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'varchar', length: 36, primary: true },
  { name: 'version', type: 'varchar', length: 14 },
  { name: 'name', type: 'varchar', length: 255 },
  { name: 'status', type: 'varchar', length: 16 },
  { name: 'kind', type: 'varchar', length: 16 },
  { name: 'deploy_id', type: 'varchar', length: 255, nullable: true },
  { name: 'environment', type: 'varchar', length: 64, nullable: true },
  { name: 'started_at', type: 'varchar', length: 24 },
  { name: 'finished_at', type: 'varchar', length: 24, nullable: true },
  { name: 'duration_ms', type: 'integer', nullable: true },
  { name: 'host', type: 'varchar', length: 255 },
  { name: 'pid', type: 'integer' },
  { name: 'error', type: 'text', nullable: true },
  { name: 'progress', type: 'text', nullable: true },
  { name: 'checkpoint', type: 'text', nullable: true },
];

function indexName(tableName: string): string {
  return `IDX_${tableName.replace('.', '_')}_version_status`;
}

/** The records table as a TypeORM `Table`, for `QueryRunner.createTable`. */
export function recordsTable(tableName: string): Table {
  const { Table, TableIndex } = typeorm();
  return new Table({
    name: tableName,
    columns: COLUMNS.map((column) => ({
      name: column.name,
      type: column.type,
      length: column.length === undefined ? undefined : String(column.length),
      isNullable: column.nullable === true,
      isPrimary: column.primary === true,
    })),
    indices: [new TableIndex({ name: indexName(tableName), columnNames: ['version', 'status'] })],
  });
}

/** Options of {@link createAfterPartyMigration} and {@link createAfterPartyRecordEntity}. */
export interface AfterPartyRecordsSchemaOptions {
  /** Must equal the module's `tableName`. @default 'after_party_runs' */
  tableName?: string;
}

/**
 * A TypeORM migration class that creates (and on `down`, drops) the records table, for
 * apps that manage their schema with migrations. Extend it with a timestamped name:
 *
 * ```ts
 * export class AfterPartyRecords1764150000000 extends createAfterPartyMigration() {}
 * ```
 */
export function createAfterPartyMigration(options: AfterPartyRecordsSchemaOptions = {}): new () => MigrationInterface {
  const tableName = validateTableName(options.tableName ?? DEFAULT_RECORDS_TABLE, true);
  return class AfterPartyRecordsMigration implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.createTable(recordsTable(tableName), true);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.dropTable(tableName, true);
    }
  };
}

/**
 * The records table as a TypeORM `EntitySchema`, for apps that generate migrations from
 * entities (`migration:generate`) or use `synchronize`: add it to the data source's entities.
 */
export function createAfterPartyRecordEntity(options: AfterPartyRecordsSchemaOptions = {}): EntitySchema {
  const tableName = validateTableName(options.tableName ?? DEFAULT_RECORDS_TABLE, true);
  const { EntitySchema } = typeorm();
  const [schema, table] = tableName.includes('.') ? tableName.split('.') : [undefined, tableName];
  return new EntitySchema({
    name: `AfterPartyRecord_${tableName}`,
    tableName: table,
    schema,
    columns: Object.fromEntries(
      COLUMNS.map((column) => [
        column.name,
        { type: column.type, length: column.length, nullable: column.nullable === true, primary: column.primary === true },
      ]),
    ),
    indices: [{ name: indexName(tableName), columns: ['version', 'status'] }],
  });
}
