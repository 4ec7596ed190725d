import type { ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import type { KeysetCollection } from '../interfaces/batched-task.interface';

/** Options of {@link typeormKeyset}. */
export interface TypeOrmKeysetOptions {
  /**
   * The unique, non-null key to page by: a property name (`'id'`), or several for a composite
   * key in order (`['createdAt', 'id']`, compared as a row value). @default 'id'
   */
  key?: string | string[];
  /** Count the items for progress and ETA (one `COUNT` query per run). @default true */
  count?: boolean;
}

/**
 * Keyset pages of a TypeORM repository or query builder, by a unique key:
 * `WHERE key > :cursor ORDER BY key LIMIT n`, never OFFSET, so memory and the cost of a page stay
 * flat however large the collection. A query builder keeps its conditions and joins (avoid
 * joins that multiply rows: the limit counts rows); its own ordering is replaced by the key's.
 *
 * ```ts
 * collection() {
 *   return typeormKeyset(this.users.createQueryBuilder('user').where('user.slug IS NULL'), { key: 'id' });
 * }
 * ```
 */
export function typeormKeyset<T extends ObjectLiteral>(
  source: Repository<T> | SelectQueryBuilder<T>,
  options: TypeOrmKeysetOptions = {},
): KeysetCollection<T, unknown> {
  const keys = typeof options.key === 'string' ? [options.key] : (options.key ?? ['id']);
  if (keys.length === 0 || keys.some((key) => typeof key !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))) {
    throw new InvalidOptionsError(`typeormKeyset needs key property names (letters, digits, "_"), not ${JSON.stringify(options.key)}.`);
  }
  const base: SelectQueryBuilder<T> = isQueryBuilder(source) ? source : source.createQueryBuilder('item');
  const alias = base.alias;
  const columns = keys.map((key) => `${alias}.${key}`);
  const composite = keys.length > 1;
  // `key > :after` (or `<= :last`), as a row value for a composite key.
  const compare = (query: SelectQueryBuilder<T>, operator: '>' | '<=', cursor: unknown, name: string): void => {
    const values = composite ? (cursor as unknown[]) : [cursor];
    const params = Object.fromEntries(values.map((value, index) => [`after_party_${name}_${index}`, value]));
    const placeholders = values.map((_, index) => `:after_party_${name}_${index}`);
    query.andWhere(composite ? `(${columns.join(', ')}) ${operator} (${placeholders.join(', ')})` : `${columns[0]} ${operator} ${placeholders[0]}`, params);
  };
  const ordered = (after: unknown, last?: unknown): SelectQueryBuilder<T> => {
    const query = base.clone();
    if (after !== undefined) {
      compare(query, '>', after, 'after');
    }
    if (last !== undefined) {
      compare(query, '<=', last, 'last');
    }
    query.orderBy(columns[0], 'ASC');
    for (const column of columns.slice(1)) {
      query.addOrderBy(column, 'ASC');
    }
    return query;
  };
  const cursorOf = (item: T): unknown => (composite ? keys.map((key) => item[key]) : item[keys[0]]);
  return {
    page: (cursor, limit) => ordered(cursor).limit(limit).getMany(),
    range: (after, last) => ordered(after, last).getMany(),
    keys: async (cursor, limit) => {
      // Only the key columns: a dispatcher never loads the items themselves.
      const query = ordered(cursor).limit(limit);
      query.select(columns.map((column, index) => `${column} AS after_party_k${index}`));
      const rows: Array<Record<string, unknown>> = await query.getRawMany();
      return rows.map((row) => (composite ? keys.map((_, index) => row[`after_party_k${index}`]) : row.after_party_k0));
    },
    cursorOf,
    count:
      options.count === false
        ? undefined
        : (after) => {
            const query = base.clone();
            if (after !== undefined) {
              compare(query, '>', after, 'after');
            }
            return query.getCount();
          },
  };
}

function isQueryBuilder<T extends ObjectLiteral>(source: Repository<T> | SelectQueryBuilder<T>): source is SelectQueryBuilder<T> {
  return typeof (source as SelectQueryBuilder<T>).getMany === 'function' && 'expressionMap' in source;
}
