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
    for (let index = 0; index < Math.min(a.length, b.length); index++) {
      const order = compareKeys(a[index], b[index]);
      if (order !== 0) {
        return order;
      }
    }
    return a.length === b.length ? 0 : null;
  }
  const date = [tagged(a, '@date'), tagged(b, '@date')];
  if (date[0] !== undefined && date[1] !== undefined) {
    return Math.sign(Date.parse(date[0]) - Date.parse(date[1]));
  }
  const big = [tagged(a, '@bigint'), tagged(b, '@bigint')];
  if (big[0] !== undefined && big[1] !== undefined) {
    const [x, y] = [BigInt(big[0]), BigInt(big[1])];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const oid = [tagged(a, '@oid'), tagged(b, '@oid')];
  if (oid[0] !== undefined && oid[1] !== undefined) {
    // Fixed-length hex: text order is byte order.
    return oid[0] < oid[1] ? -1 : oid[0] > oid[1] ? 1 : 0;
  }
  return null;
}

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
    before = key;
  }
}
