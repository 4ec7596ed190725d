import type { ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { MergedEntitiesError } from '../errors/merged-entities.error';
import { NullCursorError } from '../errors/null-cursor.error';
import type { KeysetCollection } from '../interfaces/batched-task.interface';
import { decodeValue, encodeValue, sameCursor } from './cursor-codec';
import { keyParts, type KeyPart } from './typeorm-keyset.key-part';
import { keyReader, plainReader } from './typeorm-keyset.plain';
import { verifyKey } from './typeorm-keyset.verify';
import { compareKey, orderByKey, scoped } from './typeorm-keyset.where';

export { hydrator, keyReader, type Hydrator } from './typeorm-keyset.plain';

/** Options of {@link typeormKeyset}. */
export interface TypeOrmKeysetOptions {
  /**
   * The unique, non-null key to page by: a property name (`'id'`), or several for a composite
   * key in order (`['createdAt', 'id']`, compared as a row value). @default 'id'
   */
  key?: string | string[];
  /** Count the items for progress and ETA (one `COUNT` query per run). @default true */
  count?: boolean;
  /**
   * Read plain objects instead of entities: `{ property: value }` with the entity's own columns
   * (or those named by `select`), each value as the entity would hold it (the column's type and
   * transformer applied), without building entities, relations or embedded objects. Each shape
   * of page is one SQL statement built once and reused, so a 1,000-row page costs about 0.5 ms of
   * CPU less than with entities. For backfills that write with `UPDATE`s or `ctx.manager.update`,
   * not `save()`. @default false
   */
  plain?: boolean;
  /**
   * With `plain`: the properties to read (the key's are read too). Relations, embedded entities
   * and virtual properties are never read in plain mode; a column of the entity's own behind a
   * relation (`userId`) is. @default the entity's own columns, except those marked `select: false`
   */
  select?: readonly string[];
}

/**
 * Keyset pages of a TypeORM repository or query builder, by a unique key:
 * `WHERE (conditions) AND key > :cursor ORDER BY key LIMIT n`, never OFFSET, so memory and the
 * cost of a page stay flat however large the collection. A query builder keeps its conditions
 * (bracketed, so an `OR` among them still pages) and joins (with joins, a page reads its distinct
 * keys first, then the items up to the last of them: a limit counts rows, and a join can give an
 * item several); its own ordering is replaced by the key's.
 *
 * The database decides order and equality: `verify()` (run before a run's first batch) refuses a
 * key that is NULL in some rows or repeats as the database compares it (its collation), and
 * cursors are bound in the column's own representation (transformers applied; a time key, or a
 * SQLite bigint, held as the database's text of the value). An item's cursor is that text for
 * the items of the last two pages read; for other items, the value the item holds.
 *
 * ```ts
 * collection() {
 *   return typeormKeyset(this.users.createQueryBuilder('user').where('user.slug IS NULL'), { key: 'id' });
 * }
 * ```
 */
export function typeormKeyset<T extends ObjectLiteral, K extends keyof T & string, Key extends keyof T & string = 'id' & keyof T>(
  source: Repository<T> | SelectQueryBuilder<T>,
  options: Omit<TypeOrmKeysetOptions, 'key' | 'select'> & { key?: Key | readonly Key[]; plain: true; select: readonly K[] },
): KeysetCollection<Pick<T, K | Key>, unknown>;
export function typeormKeyset<T extends ObjectLiteral>(
  source: Repository<T> | SelectQueryBuilder<T>,
  options?: TypeOrmKeysetOptions & { select?: undefined },
): KeysetCollection<T, unknown>;
export function typeormKeyset<T extends ObjectLiteral>(
  source: Repository<T> | SelectQueryBuilder<T>,
  options: TypeOrmKeysetOptions = {},
): KeysetCollection<T, unknown> {
  const keys = keyNamesOf(options.key);
  const base: SelectQueryBuilder<T> = isQueryBuilder(source) ? source : source.createQueryBuilder('item');
  refuseUnknownKeys(base, keys);
  const parts = keyParts(base, keys);
  const composite = keys.length > 1;
  const valuesOf = (cursor: unknown): unknown[] => (composite ? (cursor as unknown[]) : [cursor]);
  const bound = (cursor: unknown): unknown[] | undefined => (cursor === undefined ? undefined : valuesOf(cursor).map((value, index) => parts[index].bind(value)));
  const ordered = (after: readonly unknown[] | undefined, last?: readonly unknown[]): SelectQueryBuilder<T> => orderedQuery(base, parts, after, last);
  const cursors = textCursors<T>(parts);
  const plain = options.plain === true ? plainReader<T>(base, parts, options.select, ordered, cursors.remember) : undefined;
  if (!plain && options.select !== undefined) {
    throw new InvalidOptionsError('typeormKeyset: `select` needs `plain: true` (entities are read whole).');
  }
  const entities = (query: SelectQueryBuilder<T>): Promise<T[]> => (cursors.held ? entitiesWithCursors(query, parts, cursors.remember) : query.getMany());
  // A join can give an item several rows, and a limit counts rows: with joins, a page's keys are
  // read first (distinct), then the items up to the last of them, however many rows they take.
  const joined = base.expressionMap.joinAttributes.length > 0;
  const keysAfter = (cursor: unknown, limit: number): Promise<unknown[]> => readKeys(ordered(bound(cursor)).limit(limit), parts, composite, joined);
  const range = (after: unknown, last: unknown): Promise<T[]> => {
    cursors.turn();
    return plain ? plain(after, last).then((rows) => (joined ? onePerKey(rows, cursors.cursorOf) : rows)) : entities(ordered(bound(after), bound(last)));
  };
  return {
    page: async (cursor, limit) => {
      if (joined) {
        const pageKeys = await keysAfter(cursor, limit);
        return pageKeys.length === 0 ? [] : range(cursor, pageKeys[pageKeys.length - 1]);
      }
      cursors.turn();
      return plain ? plain(cursor, undefined, limit) : entities(ordered(bound(cursor)).limit(limit));
    },
    range,
    keys: keysAfter,
    cursorOf: cursors.cursorOf,
    verify: () => verifyKey(base, parts),
    decodeCursor: (json) => fittingCursor(json, keys),
    count: options.count === false ? undefined : (after) => countAfter(base, parts, bound(after)),
  };
}

/** The key's property names, refused unless they are plain identifiers. */
function keyNamesOf(key: TypeOrmKeysetOptions['key']): readonly string[] {
  const keys = typeof key === 'string' ? [key] : (key ?? ['id']);
  if (keys.length === 0 || keys.some((name) => typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))) {
    throw new InvalidOptionsError(`typeormKeyset needs key property names (letters, digits, "_"), not ${JSON.stringify(key)}.`);
  }
  return keys;
}

/** Refuses key properties that are not columns of the query's entity (when it has one). */
function refuseUnknownKeys(base: SelectQueryBuilder<ObjectLiteral>, keys: readonly string[]): void {
  const mainAlias = base.expressionMap.mainAlias;
  if (!mainAlias?.hasMetadata) {
    return;
  }
  const metadata = mainAlias.metadata;
  const missing = keys.filter((key) => !metadata.findColumnWithPropertyPath(key));
  if (missing.length > 0) {
    throw new InvalidOptionsError(
      `typeormKeyset: the key ${missing.map((key) => JSON.stringify(key)).join(', ')} is not a column of ${metadata.name} (its columns: ${metadata.columns.map((column) => column.propertyPath).join(', ')}).`,
    );
  }
}

/** The caller's query, its conditions bracketed, after `after` and up to `last` (bound values), in key order. */
function orderedQuery<T extends ObjectLiteral>(base: SelectQueryBuilder<T>, parts: KeyPart[], after: readonly unknown[] | undefined, last?: readonly unknown[]): SelectQueryBuilder<T> {
  const query = scoped(base);
  if (after !== undefined) {
    compareKey(query, parts, '>', after, 'after');
  }
  if (last !== undefined) {
    compareKey(query, parts, '<=', last, 'last');
  }
  orderByKey(query, parts);
  return query;
}

/** The items of the caller's query after `after` (bound values), or all of them. */
function countAfter<T extends ObjectLiteral>(base: SelectQueryBuilder<T>, parts: KeyPart[], after: readonly unknown[] | undefined): Promise<number> {
  const query = scoped(base);
  if (after !== undefined) {
    compareKey(query, parts, '>', after, 'after');
  }
  return query.getCount();
}

/** Where items' cursors come from: see {@link textCursors}. */
interface ItemCursors<T> {
  /** Whether some key part is held as text, remembered per item. */
  held: boolean;
  /** A page is being read: its items' cursors follow, and those of the page before the last are dropped. */
  turn(): void;
  remember(item: object, cursor: unknown): void;
  cursorOf(item: T): unknown;
}

/**
 * Where items' cursors come from. Most keys are read off the item. A key part held as the
 * database's text is not on the item (which holds a `Date`, say): the text read beside each item
 * is remembered for it when its page is read, for that page and the one after it (the runner asks
 * for the cursors of the page it just read). Plain maps dropped a page later, rather than one
 * weak map for all items: a weak map's entries cost about six times as much to add.
 */
function textCursors<T extends ObjectLiteral>(parts: readonly KeyPart[]): ItemCursors<T> {
  const read = keyReader<T>(parts.map((part) => part.property));
  if (parts.every((part) => part.text === undefined)) {
    return { held: false, turn: () => undefined, remember: () => undefined, cursorOf: read };
  }
  let current = new Map<object, unknown>();
  let previous = current;
  return {
    held: true,
    turn: () => {
      previous = current;
      current = new Map();
    },
    remember: (item, cursor) => current.set(item, cursor),
    // An item the collection did not read (or read pages ago): its key as the entity holds it.
    cursorOf: (item) => (current.has(item) ? current.get(item) : previous.has(item) ? previous.get(item) : read(item)),
  };
}

/**
 * Entities of a page, each remembered with its cursor: the key parts held as text are read beside
 * them. The page is ordered by the key and the key is unique, so an entity's rows (several with
 * joins) are next to each other: the n-th run of rows with the same key is the n-th entity.
 */
async function entitiesWithCursors<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, parts: readonly KeyPart[], remember: (item: object, cursor: unknown) => void): Promise<T[]> {
  parts.forEach((part, index) => query.addSelect(part.text ?? part.sql, `after_party_c${index}`));
  const { entities, raw } = await query.getRawAndEntities();
  const cursors: unknown[][] = [];
  let previous: string | undefined;
  for (const row of raw as Array<Record<string, unknown>>) {
    const values = parts.map((_, index) => row[`after_party_c${index}`]);
    const signature = JSON.stringify(values);
    if (signature !== previous) {
      cursors.push(values.map((value, index) => (parts[index].text === undefined ? parts[index].hydrate(value) : value)));
      previous = signature;
    }
  }
  if (cursors.length !== entities.length) {
    throw new MergedEntitiesError(cursors.length, entities.length);
  }
  entities.forEach((entity, index) => remember(entity, parts.length > 1 ? cursors[index] : cursors[index][0]));
  return entities;
}

/**
 * Only the keys of a page, as cursors: what a distributed task's dispatcher reads, and a joined
 * query's pages start from. `distinct` where joins repeat an item's row (the columns it is ordered
 * by are selected too, as DISTINCT asks on PostgreSQL and MySQL).
 */
async function readKeys<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, parts: readonly KeyPart[], composite: boolean, distinct = false): Promise<unknown[]> {
  query.select(parts[0].text ?? parts[0].path, 'after_party_k0');
  parts.slice(1).forEach((part, index) => query.addSelect(part.text ?? part.path, `after_party_k${index + 1}`));
  if (distinct) {
    query.distinct(true);
    parts.forEach((part, index) => part.text !== undefined && query.addSelect(part.path, `after_party_o${index}`));
  }
  const rows: Array<Record<string, unknown>> = await query.getRawMany();
  // Converted as the items' keys are (transformers applied), so that keys() and page() agree.
  const cursorOf = (row: Record<string, unknown>, index: number): unknown => {
    const value = row[`after_party_k${index}`];
    return parts[index].text === undefined ? parts[index].hydrate(value) : value;
  };
  return rows.map((row) => (composite ? parts.map((_, index) => cursorOf(row, index)) : cursorOf(row, 0)));
}

/**
 * A saved cursor, which must fit the key: one that does not was saved by a run with another key.
 * A part held as text is a string; a `{ "@date": iso }` part was saved by an earlier version, and
 * is bound as that version bound it. A null part is refused: the key is never NULL, so it stands
 * for a value JSON cannot hold (NaN, Infinity), and `key > NULL` would end the task short.
 */
function fittingCursor(json: unknown, keys: readonly string[]): unknown {
  const cursor = decodeValue(json);
  const composite = keys.length > 1;
  const keyText = JSON.stringify(composite ? keys : keys[0]);
  if (!fitsKey(cursor, keys.length)) {
    throw new InvalidOptionsError(
      `typeormKeyset: the saved cursor ${JSON.stringify(json)} does not fit the key ${keyText} (was the key changed after the run that saved it?). after-party:reset <task> starts the task over.`,
    );
  }
  if (composite ? (cursor as unknown[]).includes(null) : cursor === null) {
    throw new NullCursorError(JSON.stringify(json), keyText);
  }
  return cursor;
}

/** Whether a decoded cursor has the shape of a key of `parts` parts: an array of as many, or one value. */
function fitsKey(cursor: unknown, parts: number): boolean {
  if (parts > 1) {
    return Array.isArray(cursor) && cursor.length === parts;
  }
  return !Array.isArray(cursor) && (cursor === null || typeof cursor !== 'object' || cursor instanceof Date);
}

/**
 * Plain rows of a joined query, one per item: the rows an item's join repeats are next to each
 * other (the page is in key order and the key is unique), with the same key.
 */
function onePerKey<T>(rows: T[], cursorOf: (row: T) => unknown): T[] {
  return rows.filter((row, index) => index === 0 || !sameCursor(encodeValue(cursorOf(rows[index - 1])), encodeValue(cursorOf(row))));
}

function isQueryBuilder<T extends ObjectLiteral>(source: Repository<T> | SelectQueryBuilder<T>): source is SelectQueryBuilder<T> {
  return typeof (source as SelectQueryBuilder<T>).getMany === 'function' && 'expressionMap' in source;
}
