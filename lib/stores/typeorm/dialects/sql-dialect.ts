import type { TableColumnOptions } from 'typeorm';

/** The SQL families the TypeORM store supports. */
export type SqlFamily = 'postgres' | 'mysql' | 'sqlite';

/** A column of the records table, in the types of one database. */
export type RecordColumnType = Pick<TableColumnOptions, 'type' | 'length' | 'precision' | 'charset' | 'collation'>;

/** The kinds of value the records table holds. */
export type RecordValueKind = 'id' | 'short' | 'name' | 'integer' | 'text' | 'time' | 'json';

/**
 * What differs between the SQL databases for run records: placeholders, column types, and how
 * times and JSON go in and come out. Times are read back as ISO-8601 UTC text and JSON as text
 * whatever the driver's own parsing, so records read the same everywhere.
 */
export interface SqlDialect {
  readonly family: SqlFamily;
  /** The placeholder of the `index`th parameter (1-based). */
  param(index: number): string;
  /** A placeholder typed for a column of `kind` where the database cannot infer it (INSERT ... SELECT). */
  typedParam(index: number, kind: RecordValueKind): string;
  /** The column type for values of `kind`. */
  columnType(kind: RecordValueKind): RecordColumnType;
  /**
   * The `ENGINE` clause of the tables after-party creates, where the database takes table
   * options there (MySQL/MariaDB: the default character set); undefined for the driver's own.
   */
  readonly tableEngine?: string;
  /** A select expression reading `column` (of `kind`) as text. */
  read(column: string, kind: RecordValueKind): string;
  /** An ISO-8601 UTC time as the database takes it. */
  time(iso: string): string;
  /** `INSERT` that leaves an existing row with the same primary key alone. */
  insertIgnoring(table: string, columns: string, values: string): string;
}
