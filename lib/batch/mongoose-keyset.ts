import type { Model, Require_id } from 'mongoose';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { MongoNullKeyError } from '../errors/mongo-null-key.error';
import { MongoUnsupportedKeyTypeError } from '../errors/mongo-unsupported-key-type.error';
import type { KeysetCollection } from '../interfaces/batched-task.interface';
import { decodeMongoKey, encodeMongoKey, readPath, type BsonClasses } from './mongoose-keyset.bson';
import { keyProjection } from './mongoose-keyset.projection';
import { refuseChangedCursor, verifyMongoKey } from './mongoose-keyset.verify';

/** Options of {@link mongooseKeyset}. */
export interface MongooseKeysetOptions {
  /** Which documents to work through (a query filter). @default all */
  filter?: Record<string, unknown>;
  /**
   * The unique field to page by (a dotted path reaches into an embedded document). Its values
   * must be of one BSON type (int, long, double and decimal count as one), never null or missing,
   * and unique within the filter: `verify()` refuses the key otherwise, before the first batch.
   * @default '_id'
   */
  key?: string;
  /** Fields to load (a Mongoose projection); all when left out. The key is always loaded. */
  projection?: Record<string, 0 | 1> | string;
  /** Count the documents for progress and ETA (one `countDocuments` per run). @default true */
  count?: boolean;
}

/**
 * Keyset pages of a Mongoose model by a unique field: `find({ ...filter, key: { $gt: cursor } })`
 * sorted by it, with a limit and `lean()` documents, never `skip`, so memory and the cost of a
 * page stay flat however large the collection. ObjectId and Date cursors are checkpointed as
 * `{ "@oid" }` and `{ "@date" }` (MongoDB refuses stored keys starting with `$`), longs beyond
 * 2^53 as `{ "@bigint" }`, and come back as themselves. Items are lean documents (plain objects,
 * not model instances), typed with their `_id` (`Require_id<T>`: a schema class without an `_id`
 * property gets `Types.ObjectId`).
 *
 * Before the first batch the runner calls `verify()`, which refuses a key MongoDB would page past
 * documents with: values of more than one BSON type, null or missing values, arrays, a schema
 * type that casts the cursor to another type or whose setters change it, and duplicates (see
 * `verifyMongoKey` for its cost). Every page checks its own cursor against the setters too, so a
 * key they would change stops the run rather than being stepped past.
 *
 * ```ts
 * collection() {
 *   return mongooseKeyset(this.users, { filter: { slug: { $exists: false } } });
 * }
 * ```
 */
export function mongooseKeyset<T>(model: Model<T>, options: MongooseKeysetOptions = {}): KeysetCollection<Require_id<T>, unknown> {
  const key = options.key ?? '_id';
  if (typeof key !== 'string' || key === '' || key.startsWith('$')) {
    throw new InvalidOptionsError(`mongooseKeyset needs a field name as key, not ${JSON.stringify(options.key)}.`);
  }
  // Typed loosely: the filter type of Mongoose 8 and 9 differ by name.
  const filter = (options.filter ?? {}) as any;
  const bson = (model as unknown as { base: { mongo: BsonClasses } }).base.mongo;
  const { projection, force } = keyProjection(options.projection, key);
  const between = (after: unknown, last?: unknown): Record<string, unknown> => {
    const bounds: Record<string, unknown> = {};
    if (after !== undefined) {
      refuseChangedCursor(model, key, after);
      bounds.$gt = after;
    }
    if (last !== undefined) {
      refuseChangedCursor(model, key, last);
      bounds.$lte = last;
    }
    return Object.keys(bounds).length === 0 ? filter : { $and: [filter, { [key]: bounds }] };
  };
  const find = (conditions: Record<string, unknown>, fields: typeof projection, forceKey = force) => {
    // `+key` first: a schema path with `select: false` is left out of pages otherwise, and
    // Mongoose forgets it when an exclusion comes before it.
    const query = forceKey ? model.find(conditions as never).select(`+${key}`) : model.find(conditions as never);
    return (fields === undefined ? query : query.select(fields as never)).sort({ [key]: 1 });
  };
  const keyOf = keyReader(model.modelName, key);
  const encodeCursor = (cursor: unknown): unknown => encodeMongoKey(cursor);
  const decodeCursor = (json: unknown): unknown => decodeMongoKey(json, bson);
  type Items = Array<Require_id<T>>;
  return {
    page: (cursor, limit) => find(between(cursor), projection).limit(limit).lean<Items>().exec() as Promise<Items>,
    range: (after, last) => find(between(after, last), projection).lean<Items>().exec() as Promise<Items>,
    keys: async (cursor, limit) => {
      // Only the key field: a dispatcher never loads the documents themselves.
      const docs = await find(between(cursor), { [key]: 1 }, false).limit(limit).lean().exec();
      return (docs as Array<Record<string, unknown>>).map(keyOf);
    },
    cursorOf: (item) => keyOf(item as Record<string, unknown>),
    count: options.count === false ? undefined : (after) => model.countDocuments(between(after)).exec(),
    verify: () =>
      verifyMongoKey({
        model: model as Model<any>,
        key,
        filter,
        checkpointed: (value) => decodeCursor(JSON.parse(JSON.stringify(encodeCursor(value)))),
      }),
    encodeCursor,
    decodeCursor,
  };
}

/**
 * The key of a page's document, or an error when it has none: an undefined cursor would make the
 * loop read the first page again forever, and a null one would end it with documents left.
 * `verify()` refuses such keys first; this holds for a collection used without it.
 */
function keyReader(model: string, key: string): (doc: Record<string, unknown>) => unknown {
  return (doc) => {
    const value = readPath(doc, key);
    if (value === undefined || value === null) {
      throw new MongoNullKeyError(model, key, value === null ? 'null' : 'missing', doc._id);
    }
    if (Array.isArray(value)) {
      throw new MongoUnsupportedKeyTypeError(model, key, 'array');
    }
    return value;
  };
}
