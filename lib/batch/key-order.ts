import { NonUniqueKeyError, UnorderedKeysError } from '../errors/non-unique-key.error';
import { sameCursor } from './cursor-codec';

/**
 * The order of two encoded keys where JavaScript knows the database's: numbers, dates, bigints
 * and ObjectIds, and arrays of them (compared part by part); null where it cannot tell (strings
 * follow the database's collation).
 */
export function compareKeys(a: unknown, b: unknown): number | null {
  if (a === b) {
    // Equal parts of a composite key, strings included: the later parts decide.
    return 0;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.sign(a - b);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return compareParts(a, b);
  }
  for (const [tag, order] of TAGGED_ORDERS) {
    const [x, y] = [tagged(a, tag), tagged(b, tag)];
    if (x !== undefined && y !== undefined) {
      return order(x, y);
    }
  }
  return null;
}

/** Composite keys, part by part; null when one is a prefix of the other (they are not keys of one shape). */
function compareParts(a: unknown[], b: unknown[]): number | null {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const order = compareKeys(a[index], b[index]);
    if (order !== 0) {
      return order;
    }
  }
  return a.length === b.length ? 0 : null;
}

const ascending = <T>(x: T, y: T): number => (x < y ? -1 : x > y ? 1 : 0);

/** How the tagged encodings (see the cursor codec) compare. */
const TAGGED_ORDERS: ReadonlyArray<readonly ['@date' | '@bigint' | '@oid', (x: string, y: string) => number]> = [
  ['@date', (x, y) => Math.sign(Date.parse(x) - Date.parse(y))],
  ['@bigint', (x, y) => ascending(BigInt(x), BigInt(y))],
  // Fixed-length hex: text order is byte order.
  ['@oid', ascending],
];

function tagged(value: unknown, tag: '@date' | '@bigint' | '@oid'): string | undefined {
  const text = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[tag] : undefined;
  return typeof text === 'string' ? text : undefined;
}

/**
 * The encoded keys of one page must rise strictly after the cursor (`previous`, undefined or null
 * at the start). A repeated key means the key is not unique; a key lower than the one before
 * means JavaScript does not hold the key as the database orders it (a date that keeps
 * microseconds). Either way keyset paging would skip or repeat items, so the task stops before
 * the page is processed.
 */
export function refuseUnorderedKeys(task: string, previous: unknown, keys: unknown[]): void {
  let before = previous;
  for (const key of keys) {
    if (before !== undefined && before !== null) {
      refuseOutOfOrder(task, before, key);
    }
    before = key;
  }
}

/** Throws when `key` does not rise strictly after `before`: repeated, or lower. */
function refuseOutOfOrder(task: string, before: unknown, key: unknown): void {
  if (typeof before === 'number' && typeof key === 'number') {
    // Most keys: one comparison.
    if (key <= before) {
      throw key === before ? new NonUniqueKeyError(task, key) : new UnorderedKeysError(task, before, key);
    }
  } else if (sameCursor(before, key)) {
    throw new NonUniqueKeyError(task, key);
  } else if ((compareKeys(before, key) ?? -1) > 0) {
    throw new UnorderedKeysError(task, before, key);
  }
}
