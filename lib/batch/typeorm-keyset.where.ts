import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { KeyPart } from './typeorm-keyset.key-part';

/** The shape of TypeORM's where clauses (`expressionMap.wheres`). */
type WhereClauses = SelectQueryBuilder<ObjectLiteral>['expressionMap']['wheres'];

/**
 * A copy of the caller's query builder whose conditions are one bracketed condition, so that
 * conditions added to it bind to all of them: `(a = 1 OR b = 2) AND key > :cursor`, not
 * `a = 1 OR b = 2 AND key > :cursor`, which pages ignoring the cursor. Its own ordering is dropped.
 */
export function scoped<T extends ObjectLiteral>(base: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  const query = base.clone();
  query.orderBy();
  const wheres: WhereClauses = query.expressionMap.wheres;
  if (wheres.length === 0) {
    return query;
  }
  // TypeORM brackets a list of clauses only when it holds two or more: the caller's conditions are
  // written out as SQL (their parameters stay named) and bracketed here.
  const render = (query as unknown as { createWhereClausesExpression?: (clauses: WhereClauses) => string }).createWhereClausesExpression;
  if (typeof render === 'function') {
    const written = render.call(query, wheres).trim();
    query.expressionMap.wheres = written === '' ? [] : [{ type: 'simple', condition: `(${written})` }];
  } else {
    // A TypeORM without that method: a second, always-true clause makes it bracket the list itself.
    query.expressionMap.wheres = [{ type: 'simple', condition: [...wheres, { type: 'and', condition: '1=1' }] }];
  }
  return query;
}

/**
 * Adds `key > :after` (or `<=` for the last key of a range), as a row value for a composite key.
 * `values` are the parameters already bound for each part (or a plain statement's markers).
 */
export function compareKey<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, parts: readonly KeyPart[], operator: '>' | '<=', values: readonly unknown[], name: string): void {
  const params = Object.fromEntries(values.map((value, index) => [`after_party_${name}_${index}`, value]));
  const placeholders = values.map((_, index) => `:after_party_${name}_${index}`);
  const columns = parts.map((part) => part.path);
  query.andWhere(parts.length > 1 ? `(${columns.join(', ')}) ${operator} (${placeholders.join(', ')})` : `${columns[0]} ${operator} ${placeholders[0]}`, params);
}

/** Orders by the key, part by part. */
export function orderByKey<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, parts: readonly KeyPart[]): void {
  query.orderBy(parts[0].path, 'ASC');
  for (const part of parts.slice(1)) {
    query.addOrderBy(part.path, 'ASC');
  }
}
