import type { Model, Require_id } from 'mongoose';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import type { KeysetCollection } from '../interfaces/batched-task.interface';
import { decodeValue, encodeValue } from './cursor-codec';

/** Options of {@link mongooseKeyset}. */
export interface MongooseKeysetOptions {
  /** Which documents to work through (a query filter). @default all */
  filter?: Record<string, unknown>;
  /** The unique field to page by. @default '_id' */
  key?: string;
  /** Fields to load (a Mongoose projection); all when left out. */
  projection?: Record<string, 0 | 1> | string;
  /** Count the documents for progress and ETA (one `countDocuments` per run). @default true */
  count?: boolean;
}

/**
 * Keyset pages of a Mongoose model by a unique field: `find({ ...filter, key: { $gt: cursor } })`
 * sorted by it, with a limit and `lean()` documents, never `skip`, so memory and the cost of a
 * page stay flat however large the collection. ObjectId and Date cursors are checkpointed as
 * `{ "@oid" }` and `{ "@date" }` (MongoDB refuses stored keys starting with `$`) and come back
 * as themselves. Items are lean documents (plain objects, not model instances), typed with their
 * `_id` (`Require_id<T>`: a schema class without an `_id` property gets `Types.ObjectId`).
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
  const ObjectId = (model as unknown as { base: { Types: { ObjectId: new (hex: string) => unknown } } }).base.Types.ObjectId;
  const between = (after: unknown, last?: unknown): Record<string, unknown> => {
    const bounds: Record<string, unknown> = {};
    if (after !== undefined) {
      bounds.$gt = after;
    }
    if (last !== undefined) {
      bounds.$lte = last;
    }
    return Object.keys(bounds).length === 0 ? filter : { $and: [filter, { [key]: bounds }] };
  };
  type Items = Array<Require_id<T>>;
  return {
    page: (cursor, limit) => model.find(between(cursor), options.projection).sort({ [key]: 1 }).limit(limit).lean<Items>().exec() as Promise<Items>,
    range: (after, last) => model.find(between(after, last), options.projection).sort({ [key]: 1 }).lean<Items>().exec() as Promise<Items>,
    keys: async (cursor, limit) => {
      // Only the key field: a dispatcher never loads the documents themselves.
      const docs = await model.find(between(cursor), { [key]: 1 }).sort({ [key]: 1 }).limit(limit).lean().exec();
      return (docs as Array<Record<string, unknown>>).map((doc) => doc[key]);
    },
    cursorOf: (item) => (item as Record<string, unknown>)[key],
    count: options.count === false ? undefined : (after) => model.countDocuments(between(after)).exec(),
    encodeCursor: (cursor) =>
      (cursor as { _bsontype?: string } | null)?._bsontype === 'ObjectId' ? { '@oid': String(cursor) } : encodeValue(cursor),
    decodeCursor: (json) =>
      json !== null && typeof json === 'object' && typeof (json as { '@oid'?: unknown })['@oid'] === 'string'
        ? new ObjectId((json as { '@oid': string })['@oid'])
        : decodeValue(json),
  };
}
