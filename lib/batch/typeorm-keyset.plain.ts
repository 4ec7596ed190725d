import type { ObjectLiteral, QueryRunner, SelectQueryBuilder } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import type { KeyPart } from './typeorm-keyset.key-part';

/**
 * Drivers whose shortcuts below were read in their source: they bind numbers and strings as they
 * are, and hydrate a `Number` column with parseInt.
 */
const KNOWN_DRIVERS = new Set(['postgres', 'mysql', 'mariadb', 'better-sqlite3', 'sqlite']);

/** The name a key part's text is read under. */
const textName = (index: number): string => `after_party_c${index}`;

/** Marks where a cursor value goes in a statement built once: a string no real parameter can be. */
const slot = (name: string, index: number): string => `\u0000after_party_${name}_${index}`;

/**
 * The columns plain rows hold: those of `select` (else what an entity would hold: columns marked
 * `select: false` left out) and the key's. Only the entity's own columns: not those TypeORM adds
 * for a relation without a property of their own (an explicit `userId` column behind a relation
 * stays), embedded ones or virtual properties.
 */
function plainColumns(all: ColumnMetadata[], select: readonly string[] | undefined, keys: readonly string[]): ColumnMetadata[] {
  const own = all.filter((column) => !column.embeddedMetadata && !column.isVirtual && !(column as { isVirtualProperty?: boolean }).isVirtualProperty);
  const byName = new Map(own.map((column) => [column.propertyName, column]));
  const unknown = [...(select ?? []), ...keys].filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new InvalidOptionsError(
      `typeormKeyset: plain mode reads the entity's own columns (${[...byName.keys()].join(', ')}), not ${unknown.map((name) => JSON.stringify(name)).join(', ')}.`,
    );
  }
  const chosen = select ?? own.filter((column) => column.isSelect !== false).map((column) => column.propertyName);
  return [...new Set([...chosen, ...keys])].map((name) => byName.get(name)!);
}

/** A cursor value as the driver binds a parameter (SQLite: dates as text, booleans as 0 or 1). */
function binder(driver: SelectQueryBuilder<ObjectLiteral>['connection']['driver'], known: boolean): (value: unknown) => unknown {
  return (value) => {
    if (known && (typeof value === 'number' || typeof value === 'string')) {
      // Bound as they are: most keys.
      return value;
    }
    // TypeORM before 0.3.18 takes a third argument, native parameters; later ones ignore it.
    const escape = driver.escapeQueryWithParameters as (sql: string, parameters: ObjectLiteral, native: ObjectLiteral) => [string, unknown[]];
    const [, escaped] = escape.call(driver, ':value', { value }, {});
    return escaped.length === 1 ? escaped[0] : value;
  };
}

/** A page statement built once per shape: its SQL, its parameters, and where the cursor values go among them. */
interface BuiltStatement {
  sql: string;
  params: unknown[];
  slots: Array<[number, 'after' | 'last', number]>;
}

/** The slot markers of a cursor's values, or undefined without a cursor. */
function marked(keys: readonly string[], name: 'after' | 'last', cursor: unknown): string[] | undefined {
  return cursor === undefined ? undefined : keys.map((_, index) => slot(name, index));
}

/** Selects the plain columns (and the key's text) on `query`, built with slot markers, and finds where each slot went. */
function buildStatement(
  query: SelectQueryBuilder<ObjectLiteral>,
  { alias, columns, texts, keys, limit }: { alias: string; columns: ColumnMetadata[]; texts: Array<[number, string]>; keys: readonly string[]; limit: number | undefined },
): BuiltStatement {
  if (limit !== undefined) {
    query.limit(limit);
  }
  // Each column under its property name: the driver's rows are the items, converted in place.
  query.select(`${alias}.${columns[0].propertyPath}`, columns[0].propertyName);
  columns.slice(1).forEach((column) => query.addSelect(`${alias}.${column.propertyPath}`, column.propertyName));
  // Last: a property added last is taken off a row without slowing it down.
  texts.forEach(([index, text]) => query.addSelect(text, textName(index)));
  const [sql, params] = query.getQueryAndParameters();
  const slots: BuiltStatement['slots'] = [];
  params.forEach((param, position) => {
    for (const name of ['after', 'last'] as const) {
      keys.forEach((_, index) => param === slot(name, index) && slots.push([position, name, index]));
    }
  });
  return { sql, params, slots };
}

/**
 * Plain-object pages: the statement for each shape of page (with or without a start and an end,
 * and its limit) is built once through the query builder, which keeps its conditions and
 * parameters; later pages only put their cursor values into its parameter list. Where the key is
 * held as the database's text (time types), that text is read beside the row, given to
 * `remember` as the row's cursor, and taken off the row.
 */
export function plainReader<T extends ObjectLiteral>(
  base: SelectQueryBuilder<T>,
  parts: readonly KeyPart[],
  select: readonly string[] | undefined,
  ordered: (after: readonly unknown[] | undefined, last?: readonly unknown[]) => SelectQueryBuilder<T>,
  remember: (row: object, cursor: unknown) => void,
): (after: unknown, last: unknown, limit?: number) => Promise<T[]> {
  const keys = parts.map((part) => part.property);
  const alias = base.expressionMap.mainAlias;
  if (!alias?.hasMetadata) {
    throw new InvalidOptionsError('typeormKeyset: `plain: true` needs a repository or a query builder over an entity.');
  }
  const columns = plainColumns(alias.metadata.columns, select, keys);
  const names = columns.map((column) => column.propertyName);
  const driver = base.connection.driver;
  const known = KNOWN_DRIVERS.has(String(driver.options.type));
  // These drivers hydrate a `Number` column without a transformer with parseInt, which gives a
  // safe integer back unchanged: such values (keys, counters) skip the call.
  const integersAsRead = columns.map((column) => known && column.type === Number && !column.transformer);
  const hydrate = hydrator(names, integersAsRead, (value, index) => driver.prepareHydratedValue(value, columns[index]));
  // The key parts held as the database's text, read under names no property has.
  const texts = parts.flatMap((part, index): Array<[number, string]> => (part.text === undefined ? [] : [[index, part.text]]));
  const takeCursors = cursorTaker(parts, remember);
  const statements = new Map<string, BuiltStatement>();
  const composite = keys.length > 1;
  const valuesOf = (cursor: unknown): unknown[] => (composite ? (cursor as unknown[]) : [cursor]);
  const bindable = binder(driver, known);
  const statement = (after: unknown, last: unknown, limit: number | undefined) => {
    const shape = `${after !== undefined}:${last !== undefined}:${limit ?? ''}`;
    let built = statements.get(shape);
    if (!built) {
      built = buildStatement(ordered(marked(keys, 'after', after), marked(keys, 'last', last)), { alias: alias.name, columns, texts, keys, limit });
      statements.set(shape, built);
    }
    const params = [...built.params];
    for (const [position, name, index] of built.slots) {
      params[position] = bindable(parts[index].bind(valuesOf(name === 'after' ? after : last)[index]));
    }
    return { sql: built.sql, params };
  };

  return async (after, last, limit) => {
    const { sql, params } = statement(after, last, limit);
    const runner = (base as unknown as { queryRunner?: QueryRunner }).queryRunner;
    const rows: Array<Record<string, unknown>> = await (runner ? runner.query(sql, params) : base.connection.query(sql, params));
    hydrate(rows);
    if (texts.length > 0) {
      takeCursors(rows);
    }
    return rows as T[];
  };
}

/**
 * An item's key (an array of its parts for a composite key), read for every item of every page:
 * written out with literal property names like {@link hydrator}, or by name where code generation
 * is off.
 */
export function keyReader<T extends ObjectLiteral>(keys: string[]): (item: T) => unknown {
  const byName = keys.length > 1 ? (item: T): unknown => keys.map((key) => item[key]) : (item: T): unknown => item[keys[0]];
  const parts = keys.map((key) => `item[${JSON.stringify(key)}]`);
  return writtenOut(byName, () => new Function('item', `return ${keys.length > 1 ? `[${parts.join(', ')}]` : parts[0]};`) as (item: T) => unknown);
}

/** `write()`, a function made with `new Function`, or `byName` where code generation is turned off. */
function writtenOut<F>(byName: F, write: () => F): F {
  try {
    return write();
  } catch {
    return byName;
  }
}

/** Converts the driver's rows in place, each value as the entity would hold it. */
export type Hydrator = (rows: Array<Record<string, unknown>>) => void;

/**
 * A function that converts rows in place: `convert` for every value, except safe integers of the
 * columns in `integersAsRead`. Written out for the page's columns (a driver's row is read fastest
 * by literal property names: about 15 times faster than by names held in variables); where code
 * generation is turned off (`--disallow-code-generation-from-strings`), the same loop by name.
 */
export function hydrator(names: string[], integersAsRead: boolean[], convert: (value: unknown, index: number) => unknown, generate = true): Hydrator {
  const byName: Hydrator = (rows) => {
    for (const row of rows) {
      for (let index = 0; index < names.length; index++) {
        const value = row[names[index]];
        if (!(integersAsRead[index] && Number.isSafeInteger(value))) {
          const converted = convert(value, index);
          if (converted !== value) {
            row[names[index]] = converted;
          }
        }
      }
    }
  };
  if (!generate) {
    return byName;
  }
  const steps = names.map((name, index) => {
    // A property name as a string literal: JSON escapes anything an entity's property name holds.
    const property = `row[${JSON.stringify(name)}]`;
    const convert = `{ const converted = convert(value, ${index}); if (converted !== value) ${property} = converted; }`;
    return `value = ${property}; ${integersAsRead[index] ? `if (!Number.isSafeInteger(value)) ${convert}` : convert}`;
  });
  const body = `return function hydrate(rows) { for (let r = 0; r < rows.length; r++) { const row = rows[r]; let value; ${steps.join(' ')} } };`;
  return writtenOut(byName, () => new Function('convert', body)(convert) as Hydrator);
}

/**
 * Reads each row's cursor (the text read for a part held as text, the converted property for the
 * others), gives it to `remember`, and takes the texts off the row.
 */
function cursorTaker(parts: readonly KeyPart[], remember: (row: object, cursor: unknown) => void): (rows: Array<Record<string, unknown>>) => void {
  const names = parts.map((part, index) => (part.text === undefined ? part.property : textName(index)));
  const texts = names.filter((_, index) => parts[index].text !== undefined);
  if (parts.length === 1) {
    const [name] = names;
    return (rows) => {
      for (const row of rows) {
        remember(row, row[name]);
        delete row[name];
      }
    };
  }
  return (rows) => {
    for (const row of rows) {
      remember(
        row,
        names.map((name) => row[name]),
      );
      for (const text of texts) {
        delete row[text];
      }
    }
  };
}
