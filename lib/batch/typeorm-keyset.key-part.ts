import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * One part of a `typeormKeyset` key (the only one for a single-column key): how it is named in
 * statements, how a cursor value is bound for it, and how a value read for it becomes a cursor.
 */
export interface KeyPart {
  /** The entity's property (`'createdAt'`). */
  readonly property: string;
  /** The property path in the query builder (`'user.createdAt'`), replaced by TypeORM with the column. */
  readonly path: string;
  /**
   * The column as raw SQL (`"user"."created_at"`), for reading it beside an entity: TypeORM takes a
   * property path selected under another name as the entity's own column, which it then lacks.
   */
  readonly sql: string;
  /** The entity's column, where the query builder has an entity. */
  readonly column: ColumnMetadata | undefined;
  /**
   * SQL giving the value as the database writes it as text, where the cursor is that text (time
   * types, SQLite's big integers); undefined where the cursor is the value the entity holds.
   */
  readonly text: string | undefined;
  /** A cursor value as the statement's parameter: the column's own representation. */
  bind(value: unknown): unknown;
  /** A value read from the database (not a text one) as the cursor value the entity would hold. */
  hydrate(value: unknown): unknown;
}

/** Column types whose JavaScript values lose what the database keeps: a `Date` has no microseconds and reads local time. */
const TIME_TYPES = /^(timestamp|datetime|date|time|smalldatetime)/i;
/** SQLite's drivers read integers as numbers, rounded past 2^53; the other drivers read these types as strings already. */
const SQLITE_BIG_TYPES = /^(bigint|int8|unsigned big int)$/i;

/** How each driver TypeORM names writes a value as text; drivers not named keep the cursor as the entity holds it. */
const TEXT_CASTS: Partial<Record<string, (column: string) => string>> = {
  postgres: (column) => `CAST(${column} AS text)`,
  mysql: (column) => `CAST(${column} AS CHAR)`,
  mariadb: (column) => `CAST(${column} AS CHAR)`,
  sqlite: (column) => `CAST(${column} AS TEXT)`,
  'better-sqlite3': (column) => `CAST(${column} AS TEXT)`,
};

/**
 * PostgreSQL's floats, read as numbers: NaN and Infinity, which JSON holds as null, are exact in
 * its text (and so is every other value, written with as many digits as it needs).
 */
const POSTGRES_FLOAT_TYPES = /^(float|float4|float8|real|double precision|double)$/i;

/** Whether a cursor for this column is best held as the database's text of the value. */
function keptAsText(column: ColumnMetadata, driverType: string): boolean {
  const type = column.type;
  if (type === Date || (typeof type === 'string' && TIME_TYPES.test(type))) {
    return true;
  }
  if (typeof type !== 'string') {
    return false;
  }
  return driverType === 'postgres' ? POSTGRES_FLOAT_TYPES.test(type) : (driverType === 'sqlite' || driverType === 'better-sqlite3') && SQLITE_BIG_TYPES.test(type);
}

/** The parts of `keys` over the query builder's main alias (checked to be its columns already, where it has an entity). */
export function keyParts<T extends ObjectLiteral>(base: SelectQueryBuilder<T>, keys: readonly string[]): KeyPart[] {
  const alias = base.alias;
  const mainAlias = base.expressionMap.mainAlias;
  const metadata = mainAlias?.hasMetadata ? mainAlias.metadata : undefined;
  const driver = base.connection.driver;
  const driverType = String(driver.options.type);
  const cast = TEXT_CASTS[driverType];
  return keys.map((property): KeyPart => {
    const column = metadata?.findColumnWithPropertyPath(property);
    const path = `${alias}.${property}`;
    if (!column) {
      // A query builder without an entity: values as the driver reads and binds them.
      return { property, path, sql: path, column, text: undefined, bind: (value) => value, hydrate: (value) => value };
    }
    const sql = `${driver.escape(alias)}.${driver.escape(column.databaseName)}`;
    const text = cast && keptAsText(column, driverType) ? cast(sql) : undefined;
    return {
      property,
      path,
      sql,
      column,
      text,
      // A text cursor is compared as it is, in the column's type; a `Date` is what a checkpoint of
      // an earlier version holds, bound as that version bound it.
      bind: text !== undefined ? (value) => value : (value) => driver.preparePersistentValue(value, column),
      hydrate: (value) => driver.prepareHydratedValue(value, column),
    };
  });
}
