import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';
import { NullKeyError } from '../errors/null-key.error';
import { RepeatedKeyError } from '../errors/repeated-key.error';
import type { KeyPart } from './typeorm-keyset.key-part';
import { scoped } from './typeorm-keyset.where';

/**
 * Checks, once before a run's first batch, that the key keeps the keyset contract over the
 * caller's query: never NULL (`key > :cursor` never reaches NULL) and unique as the database
 * compares values (its collation may equate strings JavaScript tells apart). Each check is one
 * query, skipped where the entity's metadata already guarantees it (a primary or non-nullable
 * column, a unique index): the NULL check stops at the first NULL; the repeat check groups the
 * query's rows by the key, which reads them all unless an index on the key serves the grouping.
 */
export async function verifyKey<T extends ObjectLiteral>(base: SelectQueryBuilder<T>, parts: readonly KeyPart[]): Promise<void> {
  await refuseNulls(base, parts);
  await refuseRepeats(base, parts);
}

/** The key as the collection names it in messages: `"rank"`, or `["name","id"]`. */
function keyLabel(parts: readonly KeyPart[]): string {
  return JSON.stringify(parts.length > 1 ? parts.map((part) => part.property) : parts[0].property);
}

async function refuseNulls<T extends ObjectLiteral>(base: SelectQueryBuilder<T>, parts: readonly KeyPart[]): Promise<void> {
  // Without metadata nothing is known of the column: it is checked.
  const nullable = parts.filter((part) => !part.column || (part.column.isNullable && !part.column.isPrimary));
  if (nullable.length === 0) {
    return;
  }
  const query = scoped(base);
  query.andWhere(`(${nullable.map((part) => `${part.path} IS NULL`).join(' OR ')})`);
  query.select('1', 'after_party_null').limit(1);
  const found: unknown[] = await query.getRawMany();
  if (found.length > 0) {
    throw new NullKeyError(keyLabel(parts), nullable.map((part) => `${part.path} IS NOT NULL`).join(' AND '));
  }
}

async function refuseRepeats<T extends ObjectLiteral>(base: SelectQueryBuilder<T>, parts: readonly KeyPart[]): Promise<void> {
  const mainAlias = base.expressionMap.mainAlias;
  const metadata = mainAlias?.hasMetadata ? mainAlias.metadata : undefined;
  if (metadata && uniqueByMetadata(metadata, parts)) {
    return;
  }
  // Grouped as the database compares the key (its collation), not as JavaScript would.
  const query = scoped(base);
  const counted = itemCount(base, metadata);
  query.select(parts[0].path, 'after_party_k0');
  parts.slice(1).forEach((part, index) => query.addSelect(part.path, `after_party_k${index + 1}`));
  query.addSelect(counted, 'after_party_rows');
  query.groupBy(parts[0].path);
  parts.slice(1).forEach((part) => query.addGroupBy(part.path));
  query.having(`${counted} > 1`).limit(1);
  const [repeated]: Array<Record<string, unknown>> = await query.getRawMany();
  if (repeated) {
    const values = parts.map((_, index) => shown(repeated[`after_party_k${index}`]));
    const primary = metadata?.primaryColumns.map((column) => column.propertyName) ?? ['id'];
    const tiebreaker = [...parts.map((part) => part.property), ...primary.filter((name) => !parts.some((part) => part.property === name))];
    throw new RepeatedKeyError(
      keyLabel(parts),
      parts.length > 1 ? `[${values.join(', ')}]` : values[0],
      Number(repeated.after_party_rows),
      `[${tiebreaker.map((name) => `'${name}'`).join(', ')}]`,
      parts.some((part, index) => (part.column ? isText(part.column) : typeof repeated[`after_party_k${index}`] === 'string')),
    );
  }
}

/**
 * How many items a group of rows holds: its rows, or, where joins can repeat an item's row, its
 * distinct primary keys (an entity with one primary column).
 */
function itemCount<T extends ObjectLiteral>(base: SelectQueryBuilder<T>, metadata: EntityMetadata | undefined): string {
  const primary = metadata?.primaryColumns ?? [];
  if (base.expressionMap.joinAttributes.length === 0 || primary.length !== 1) {
    return 'COUNT(*)';
  }
  return `COUNT(DISTINCT ${base.alias}.${primary[0].propertyPath})`;
}

/**
 * Whether the database already keeps the key unique: the primary key, or a unique index or
 * constraint (not a partial one), is made of the key's columns or some of them. Such a guarantee
 * holds under the column's collation, which is what keyset pages compare by.
 */
function uniqueByMetadata(metadata: EntityMetadata, parts: readonly KeyPart[]): boolean {
  const columns = new Set(parts.map((part) => part.column));
  const within = (candidates: readonly ColumnMetadata[]): boolean => candidates.length > 0 && candidates.every((column) => columns.has(column));
  return (
    within(metadata.primaryColumns) ||
    metadata.indices.some((index) => index.isUnique && !index.where && within(index.columns)) ||
    metadata.uniques.some((unique) => within(unique.columns))
  );
}

/** Whether a column holds text, which its collation compares. */
function isText(column: ColumnMetadata): boolean {
  return column.type === String || (typeof column.type === 'string' && /char|text|clob|string/i.test(column.type));
}

/** A key value as a message shows it. */
function shown(value: unknown): string {
  if (Buffer.isBuffer(value)) {
    return `0x${value.toString('hex')}`;
  }
  if (value instanceof Date) {
    return JSON.stringify(value.toISOString());
  }
  return typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
}
