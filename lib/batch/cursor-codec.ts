import type { KeysetCollection } from '../interfaces/batched-task.interface';

/**
 * A cursor as JSON for its checkpoint: the collection's own encoding when it has one, else
 * dates as `{ "@date": iso }` and bigints as `{ "@bigint": digits }` (inside arrays too, for
 * composite keys). The tags do not start with `$`, which MongoDB refuses in stored documents.
 */
export function encodeCursor(collection: KeysetCollection<unknown, unknown>, cursor: unknown): unknown {
  return collection.encodeCursor ? collection.encodeCursor(cursor) : encodeValue(cursor);
}

/** The cursor back from its checkpoint JSON. */
export function decodeCursor(collection: KeysetCollection<unknown, unknown>, json: unknown): unknown {
  return collection.decodeCursor ? collection.decodeCursor(json) : decodeValue(json);
}

/** Whether two encoded cursors are the same key. */
export function sameCursor(a: unknown, b: unknown): boolean {
  // Runs for every item of every page: plain keys compare directly, with the same answer as their JSON.
  if ((typeof a === 'string' && typeof b === 'string') || (Number.isFinite(a) && Number.isFinite(b))) {
    return a === b;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The plain-JSON form of a key value (used by the keyset helpers too). */
export function encodeValue(value: unknown): unknown {
  if (typeof value === 'number') {
    // Most keys: their own encoding, and read for every item of every page.
    return value;
  }
  if (value instanceof Date) {
    return { '@date': value.toISOString() };
  }
  if (typeof value === 'bigint') {
    return { '@bigint': value.toString() };
  }
  if (Array.isArray(value)) {
    return value.map(encodeValue);
  }
  return value;
}

/** A key value back from its plain-JSON form. */
export function decodeValue(json: unknown): unknown {
  if (Array.isArray(json)) {
    return json.map(decodeValue);
  }
  if (json !== null && typeof json === 'object') {
    const tagged = json as { '@date'?: string; '@bigint'?: string };
    if (typeof tagged['@date'] === 'string') {
      return new Date(tagged['@date']);
    }
    if (typeof tagged['@bigint'] === 'string') {
      return BigInt(tagged['@bigint']);
    }
  }
  return json;
}
