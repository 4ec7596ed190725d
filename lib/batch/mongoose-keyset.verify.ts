import type { Model } from 'mongoose';
import { MongoDuplicateKeyError } from '../errors/mongo-duplicate-key.error';
import { MongoKeyCastMismatchError } from '../errors/mongo-key-cast-mismatch.error';
import { MongoMixedKeyTypesError } from '../errors/mongo-mixed-key-types.error';
import { MongoNullKeyError } from '../errors/mongo-null-key.error';
import { MongoUndeclaredKeyError } from '../errors/mongo-undeclared-key.error';
import { MongoUnsupportedKeyTypeError } from '../errors/mongo-unsupported-key-type.error';
import { bsonTypeOf, encodeMongoKey, PAGEABLE_TYPES, readPath } from './mongoose-keyset.bson';
import { uniqueIndexCovers, type IndexDescription } from './mongoose-keyset.unique-index';

/** What {@link verifyMongoKey} checks: the model, its key, the caller's filter, and how a cursor goes through its checkpoint. */
export interface MongoKeyTarget {
  model: Model<any>;
  key: string;
  filter: Record<string, unknown>;
  /** A key as the next page's query gets it after a checkpoint: encoded, through JSON, decoded. */
  checkpointed(value: unknown): unknown;
}

/**
 * Refuses, with one line naming the fix, a key that keyset pages over `filter` would step past
 * documents with. It relies on MongoDB's sort order, which ranks values by type before value
 * (null and missing first, then numbers, strings, objects, arrays, binary, ObjectIds, booleans,
 * dates...): the lowest and the highest key have the same type exactly when every key has.
 *
 * Cost, once per run, for `_id`: two `find` with `limit(1)` sorted by the key, walking the `_id`
 * index from either end to the first document the filter matches (as the first page and
 * `countDocuments` do). For another key, also one `limit(1)` for an array value (a scan of the
 * filtered documents when none is found), and, without a unique index on the key, one
 * aggregation grouping the filtered documents by key (a scan); the two sorted reads are top-1
 * sorts when the key has no index.
 */
export async function verifyMongoKey(target: MongoKeyTarget): Promise<void> {
  const { model, key, filter } = target;
  refuseDroppedKey(model, key);
  const one = async (conditions: Record<string, unknown>, order?: 1 | -1): Promise<Record<string, unknown> | undefined> => {
    const query = model.find(conditions as never, { [key]: 1 });
    const [doc] = await (order === undefined ? query : query.sort({ [key]: order })).limit(1).lean().exec();
    return doc as Record<string, unknown> | undefined;
  };
  const [first, last] = await Promise.all([one(filter, 1), one(filter, -1)]);
  if (first === undefined || last === undefined) {
    return;
  }
  const lowest = readPath(first, key);
  const type = refuseLowestKey(model.modelName, key, lowest, first._id);
  const highest = bsonTypeOf(readPath(last, key));
  if (highest !== type) {
    throw highest === 'array' ? new MongoUnsupportedKeyTypeError(model.modelName, key, highest) : new MongoMixedKeyTypesError(model.modelName, key, type, highest);
  }
  // An array sorts by its smallest (or largest) element, so it can hide between two scalars.
  // MongoDB refuses an array as `_id`.
  if (key !== '_id' && (await one({ $and: [filter, anArrayOn(key)] })) !== undefined) {
    throw new MongoUnsupportedKeyTypeError(model.modelName, key, 'array');
  }
  refuseCastToAnotherType(target, lowest, readPath(last, key), type);
  if (key !== '_id') {
    await refuseDuplicates(target);
  }
}

/** The BSON type of the lowest key, refused when keyset pages cannot start from it. */
function refuseLowestKey(name: string, key: string, lowest: unknown, id: unknown): string {
  // Null and missing sort before every other type.
  if (lowest === null || lowest === undefined) {
    throw new MongoNullKeyError(name, key, lowest === null ? 'null' : 'missing', id);
  }
  const type = bsonTypeOf(lowest);
  if (!PAGEABLE_TYPES.has(type)) {
    throw new MongoUnsupportedKeyTypeError(name, key, type);
  }
  if (typeof lowest === 'number' && Number.isNaN(lowest)) {
    // NaN sorts before every number; a checkpoint would keep it as null, after which no number comes.
    throw new MongoUnsupportedKeyTypeError(name, key, 'NaN');
  }
  return type;
}

/**
 * A condition matching a document with an array anywhere along the key's path: `{ 'a.b': { $type:
 * 'array' } }` alone looks at each `b` of an array `a` of embedded documents, never at `a`, so a
 * document holding several keys there would pass it.
 */
export function anArrayOn(key: string): Record<string, unknown> {
  const parts = key.split('.');
  const paths = parts.map((_, index) => parts.slice(0, index + 1).join('.'));
  return paths.length === 1 ? { [key]: { $type: 'array' } } : { $or: paths.map((path) => ({ [path]: { $type: 'array' } })) };
}

/** With `strictQuery`, Mongoose drops (or, set to `'throw'`, refuses) conditions on paths its schema does not declare: the cursor's too. */
function refuseDroppedKey(model: Model<any>, key: string): void {
  let kept: boolean;
  try {
    kept = key in (model.find().cast(model, { [key]: { $exists: true } }) as Record<string, unknown>);
  } catch {
    // `strictQuery: 'throw'` refuses the condition instead of dropping it.
    kept = false;
  }
  if (!kept) {
    throw new MongoUndeclaredKeyError(model.modelName, key);
  }
}

/**
 * The schema casts the cursor of every page query: a path declared `String` over stored numbers
 * casts the cursor `5` to `'5'`, which no number matches. The lowest key, as a checkpoint gives it
 * back, must cast to its own type; the lowest and the highest must cast to themselves (setters
 * such as `lowercase` run on query values too; `refuseChangedCursor` guards every page after).
 */
function refuseCastToAnotherType(target: MongoKeyTarget, lowest: unknown, highest: unknown, type: string): void {
  const { model, key } = target;
  const declared = (model.schema.path(key) as { instance?: string } | undefined)?.instance;
  let cast: string;
  try {
    cast = bsonTypeOf(castCursor(model, key, target.checkpointed(lowest)));
  } catch {
    cast = declared ?? 'another type';
  }
  if (cast !== type) {
    throw new MongoKeyCastMismatchError(model.modelName, key, type, declared === undefined || declared === 'Mixed' ? cast : `${cast} (${declared})`);
  }
  refuseChangedCursor(model, key, target.checkpointed(lowest));
  refuseChangedCursor(model, key, target.checkpointed(highest));
}

/** A cursor as the schema casts it in `{ key: { $gt: cursor } }`. */
function castCursor(model: Model<any>, key: string, cursor: unknown): unknown {
  const conditions = model.find().cast(model, { [key]: { $gt: cursor } }) as Record<string, { $gt: unknown }>;
  return conditions[key].$gt;
}

/**
 * Refuses a cursor that the schema casts into another value of its type (its setters: `lowercase`
 * turns `Bob` into `bob`, and `$gt: 'bob'` steps past `Carol`). Local work, no query: the pages of
 * `mongooseKeyset` run it on every cursor they bind, so such keys stop the run instead of being
 * stepped past.
 */
export function refuseChangedCursor(model: Model<any>, key: string, cursor: unknown): void {
  let cast: unknown;
  try {
    cast = castCursor(model, key, cursor);
  } catch {
    // A cursor the schema cannot cast at all: the query says so itself.
    return;
  }
  if (sameKeyValue(cursor, cast)) {
    return;
  }
  const [from, to] = [cursor, cast].map((value) => JSON.stringify(encodeMongoKey(value)));
  throw new MongoKeyCastMismatchError(model.modelName, key, bsonTypeOf(cursor), { from, to });
}

/**
 * Whether two keys are one value as MongoDB compares them: numbers of every width by their value
 * (a long of 2^53 read as a number and cast by `Schema.Types.BigInt` to a bigint is the same key),
 * anything else by its checkpoint form.
 */
function sameKeyValue(a: unknown, b: unknown): boolean {
  if (bsonTypeOf(a) === 'number' && bsonTypeOf(b) === 'number') {
    return numericText(a) === numericText(b);
  }
  return JSON.stringify(encodeMongoKey(a)) === JSON.stringify(encodeMongoKey(b));
}

/** A number of any width as exact text: integers as their digits, others as the driver writes them. */
function numericText(value: unknown): string {
  const plain = typeof value === 'object' && value !== null && (value as { _bsontype?: unknown })._bsontype !== 'Long' && (value as { _bsontype?: unknown })._bsontype !== 'Decimal128'
    ? (value as { valueOf(): unknown }).valueOf()
    : value;
  return typeof plain === 'number' && Number.isInteger(plain) ? BigInt(plain).toString() : String(plain);
}

/**
 * Two documents with one key value: a page ending between them would skip the second. A unique
 * index on the key under the queries' collation proves there are none; otherwise one aggregation
 * looks for a value counted twice (under the same collation: Mongoose applies the schema's to
 * both `find` and `aggregate`, MongoDB the collection's default).
 */
async function refuseDuplicates(target: MongoKeyTarget): Promise<void> {
  const { model, key } = target;
  const collation = (model.schema.options as { collation?: Record<string, unknown> }).collation ?? (await defaultCollation(model));
  const indexes = (await model.collection.indexes()) as IndexDescription[];
  if (uniqueIndexCovers(indexes, key, collation)) {
    return;
  }
  // The caller's filter as `find` casts it: `$match` casts nothing.
  const match = model.find(target.filter as never).cast(model) as Record<string, unknown>;
  const [twice] = await model.aggregate<{ _id: unknown }>([
    { $match: match },
    { $group: { _id: `$${key}`, count: { $sum: 1 } } },
    { $match: { count: { $gt: 1 } } },
    { $limit: 1 },
  ]);
  if (twice !== undefined) {
    throw new MongoDuplicateKeyError(model.modelName, key, twice._id);
  }
}

/** The collection's default collation (what its queries use without one of their own), if it has one. */
async function defaultCollation(model: Model<any>): Promise<Record<string, unknown> | undefined> {
  const db = model.db.db;
  if (db === undefined) {
    return undefined;
  }
  const [info] = await db.listCollections({ name: model.collection.collectionName }).toArray();
  return (info as { options?: { collation?: Record<string, unknown> } } | undefined)?.options?.collation;
}
