import { decodeValue, encodeValue } from './cursor-codec';

/** The BSON classes a cursor is rebuilt with: the driver's own, as the model's Mongoose holds it. */
export interface BsonClasses {
  ObjectId: new (hex: string) => unknown;
  Decimal128: { fromString(text: string): unknown };
}

/**
 * The key types keyset pages step through: each compares in MongoDB as its cursor compares, and
 * comes back from a checkpoint as itself. They are `$type` aliases; `number` covers int, long,
 * double and decimal, which MongoDB compares as one type.
 */
export const PAGEABLE_TYPES: ReadonlySet<string> = new Set(['number', 'string', 'objectId', 'date', 'bool']);

/** `_bsontype` of the driver's classes, as their `$type` alias. */
const ALIASES: Record<string, string> = {
  ObjectId: 'objectId',
  ObjectID: 'objectId',
  Long: 'number',
  Int32: 'number',
  Double: 'number',
  Decimal128: 'number',
  Binary: 'binData',
  UUID: 'binData',
  Timestamp: 'timestamp',
  BSONRegExp: 'regex',
  MinKey: 'minKey',
  MaxKey: 'maxKey',
  Code: 'javascript',
  BSONSymbol: 'symbol',
  DBRef: 'object',
};

/**
 * The `$type` alias of a value as the driver reads it (`missing` for undefined), numbers of every
 * width as `number`.
 */
export function bsonTypeOf(value: unknown): string {
  if (value === undefined || value === null) {
    return value === null ? 'null' : 'missing';
  }
  return PRIMITIVE_ALIASES[typeof value] ?? objectTypeOf(value as object);
}

/** The aliases of JavaScript's primitive types (`object` and `function` are told apart by {@link objectTypeOf}). */
const PRIMITIVE_ALIASES: Partial<Record<string, string>> = { string: 'string', number: 'number', bigint: 'number', boolean: 'bool' };

/** The built-in classes the driver reads values as, in the order they are checked. */
const CLASS_ALIASES: ReadonlyArray<readonly [new (...args: never[]) => object, string]> = [
  [Date, 'date'],
  [RegExp, 'regex'],
  [Uint8Array, 'binData'],
];

function objectTypeOf(value: object): string {
  if (Array.isArray(value)) {
    return 'array';
  }
  const known = CLASS_ALIASES.find(([type]) => value instanceof type);
  if (known) {
    return known[1];
  }
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return (typeof tag === 'string' && ALIASES[tag]) || 'object';
}

/**
 * A Mongo key as checkpoint JSON. The driver's values that JSON would turn into something else get
 * a tag (none starts with `$`, which MongoDB refuses in the stored checkpoint): ObjectIds as
 * `{ "@oid" }`, longs beyond 2^53 (which the driver hands over as `Long`) as `{ "@bigint" }`,
 * decimals as `{ "@decimal" }`; dates as the cursor codec writes them.
 */
export function encodeMongoKey(value: unknown): unknown {
  const tag = (value as { _bsontype?: unknown } | null)?._bsontype;
  if (tag === 'ObjectId' || tag === 'ObjectID') {
    return { '@oid': String(value) };
  }
  if (tag === 'Long') {
    // Digits, exact: the key-order check compares `@bigint` keys as integers.
    return { '@bigint': String(value) };
  }
  if (tag === 'Decimal128') {
    return { '@decimal': String(value) };
  }
  if (tag === 'Int32' || tag === 'Double') {
    return (value as { valueOf(): number }).valueOf();
  }
  return encodeValue(value);
}

/**
 * A Mongo key back from its checkpoint JSON, as the driver sends it: ObjectIds and decimals as
 * the driver's classes, `@bigint` as a bigint (the driver writes it as a 64-bit integer).
 */
export function decodeMongoKey(json: unknown, bson: BsonClasses): unknown {
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const tagged = json as { '@oid'?: unknown; '@decimal'?: unknown };
    if (typeof tagged['@oid'] === 'string') {
      return new bson.ObjectId(tagged['@oid']);
    }
    if (typeof tagged['@decimal'] === 'string') {
      return bson.Decimal128.fromString(tagged['@decimal']);
    }
  }
  return decodeValue(json);
}

/**
 * The value at a field path of a lean document (`meta.slug` reads `doc.meta.slug`). An array on
 * the way is returned as it is: a key there has more than one value per document.
 */
export function readPath(doc: unknown, path: string): unknown {
  let value = doc;
  for (const part of path.split('.')) {
    if (value === null || value === undefined || Array.isArray(value) || typeof value !== 'object') {
      return Array.isArray(value) ? value : undefined;
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
