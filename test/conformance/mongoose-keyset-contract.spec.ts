import { Logger } from '@nestjs/common';
import { mongo, Schema, type Model } from 'mongoose';
import { runBatches } from '../../lib/batch/batch-loop';
import { decodeCursor, encodeCursor } from '../../lib/batch/cursor-codec';
import { mongooseKeyset, type MongooseKeysetOptions } from '../../lib/batch/mongoose-keyset';
import { decodeMongoKey, encodeMongoKey, type BsonClasses } from '../../lib/batch/mongoose-keyset.bson';
import { sameCollation, uniqueIndexCovers } from '../../lib/batch/mongoose-keyset.unique-index';
import { anArrayOn } from '../../lib/batch/mongoose-keyset.verify';
import type { BatchedTask, KeysetCollection } from '../../lib/interfaces/batched-task.interface';
import type { AfterPartyStore } from '../../lib/interfaces/store.interface';
import { batchLoopDeps } from '../support/batch-loop-deps';
import { openHarness, type StoreHarness } from '../support/store-harness';
import { describeEachStore, uniqueTable } from '../support/stores';

/** A run stops here rather than hang: a loop that re-reads its first page never ends. */
const SPINNING = 40;

/** What one run of a batched task over `model` did: the keys processed, and how it ended. */
interface Outcome {
  processed: unknown[];
  batches: number;
  end: unknown;
  error: (Error & { exitCode?: number }) | undefined;
}

/**
 * Runs the runner's own batch loop over `mongooseKeyset(model, options)`, batches of `size`,
 * every cursor checkpointed through JSON as the loop does. The store answers no control and
 * keeps nothing: what is checked is what the collection hands the loop.
 */
async function run(model: Model<any>, options: MongooseKeysetOptions, size = 2): Promise<Outcome> {
  const processed: unknown[] = [];
  let batches = 0;
  const store = { capabilities: {}, readControl: async () => null, updateRun: async () => undefined } as unknown as AfterPartyStore;
  const key = options.key ?? '_id';
  const task: BatchedTask = {
    collection: () => mongooseKeyset(model, options),
    processBatch: (items: Array<Record<string, unknown>>) => {
      if (++batches > SPINNING) {
        throw new Error(`spinning: ${SPINNING} batches over a small collection`);
      }
      processed.push(...items.map((item) => key.split('.').reduce<any>((value, part) => value?.[part], item)));
    },
  };
  const deps = batchLoopDeps({ task, store, options: { size, transaction: false, pause: 0, maxBackoff: 1000, distribute: null } });
  deps.logger = new Logger('contract');
  try {
    return { processed, batches, end: await runBatches(deps), error: undefined };
  } catch (error) {
    return { processed, batches, end: undefined, error: error as Outcome['error'] };
  }
}

/** The keys of the page after `item`, its cursor read back from a checkpoint (through JSON), as a resumed run reads it. */
async function resumeAfter<T>(collection: KeysetCollection<T, unknown>, item: T): Promise<unknown[]> {
  const saved = JSON.parse(JSON.stringify(encodeCursor(collection, collection.cursorOf(item))));
  const page = await collection.page(decodeCursor(collection, saved), 100);
  return page.map((doc) => collection.cursorOf(doc));
}

/** A refusal before the first batch: a typed after-party error whose message is one line and says how to fix it. */
function expectRefused(outcome: Outcome, name: string, message: RegExp): void {
  expect(outcome.error?.name).toBe(name);
  expect(outcome.error?.message).toMatch(message);
  expect(outcome.error?.message).not.toContain('\n');
  // AfterPartyExitCode.TaskFailed
  expect(outcome.error?.exitCode).toBe(1);
  expect(outcome.batches).toBe(0);
}

describeEachStore(
  'mongooseKeyset keeps the keyset contract or refuses before the first batch',
  (target) => {
    let harness: StoreHarness;
    const made: string[] = [];

    beforeAll(async () => {
      harness = await openHarness(target);
    });

    afterAll(async () => {
      for (const name of made) {
        await harness.mongo!.db!.dropCollection(name).catch(() => undefined);
      }
      await harness?.close();
    });

    /** A fresh collection and its model; documents are written by the driver, as they are stored, not as the schema casts them. */
    async function collectionOf(docs: Array<Record<string, unknown>>, fields: Record<string, unknown> = { k: Schema.Types.Mixed }): Promise<Model<any>> {
      const name = uniqueTable('mkc');
      made.push(name);
      const model = harness.mongo!.model<any>(name, new Schema<any>(fields as never, { versionKey: false, autoIndex: false }), name);
      if (docs.length > 0) {
        await model.collection.insertMany(docs);
      }
      return model as unknown as Model<any>;
    }

    describe('1. a key of more than one BSON type', () => {
      it('refuses strings and ObjectIds (a string cursor never reaches an ObjectId), naming the $type filter', async () => {
        const ids = Array.from({ length: 5 }, () => new mongo.ObjectId());
        const model = await collectionOf([...['a', 'b', 'c', 'd', 'e'].map((k) => ({ k })), ...ids.map((k) => ({ k }))]);
        expectRefused(await run(model, { key: 'k' }), 'MongoMixedKeyTypesError', /both string and objectId values.*\{ k: \{ \$type: 'string' \} \}.*page by another key/);
        // The fix it names: one type, every document of it once.
        const fixed = await run(model, { key: 'k', filter: { k: { $type: 'objectId' } } });
        expect(fixed.error).toBeUndefined();
        expect(fixed.processed.map(String)).toEqual(ids.map(String));
      });

      it('refuses numbers and strings, within the caller\'s filter only', async () => {
        const model = await collectionOf([
          ...[1, 2, 3, 4, 5].map((k) => ({ k, kind: 'x' })),
          ...['1', '10', '2'].map((k) => ({ k, kind: 'x' })),
          { k: 'z', kind: 'y' },
        ]);
        expectRefused(await run(model, { key: 'k', filter: { kind: 'x' } }), 'MongoMixedKeyTypesError', /"k" .*both number and string values/);
        const numbers = await run(model, { key: 'k', filter: { kind: 'x', k: { $type: 'number' } } });
        expect(numbers.processed).toEqual([1, 2, 3, 4, 5]);
        // Outside the filter another type does not count.
        const strings = await run(model, { key: 'k', filter: { kind: 'y' } });
        expect(strings.error).toBeUndefined();
        expect(strings.processed).toEqual(['z']);
      });

      it('takes int, long and double as one numeric type, in numeric order', async () => {
        const model = await collectionOf([{ k: new mongo.Int32(3) }, { k: new mongo.Long(1) }, { k: new mongo.Double(2.5) }, { k: new mongo.Double(4) }, { k: new mongo.Long(5) }]);
        const outcome = await run(model, { key: 'k' });
        expect(outcome.error).toBeUndefined();
        expect(outcome.processed).toEqual([1, 2.5, 3, 4, 5]);
      });

      it('refuses a key that holds arrays (a document matches a cursor by any element)', async () => {
        const model = await collectionOf([{ k: 1 }, { k: [2, 9] }, { k: 3 }]);
        expectRefused(await run(model, { key: 'k' }), 'MongoUnsupportedKeyTypeError', /the key "k" of \S+ holds an array/);
      });

      it('refuses an array whose elements lie between the scalars around it', async () => {
        const model = await collectionOf([{ k: 1 }, { k: [2, 2.5] }, { k: 3 }]);
        expectRefused(await run(model, { key: 'k' }), 'MongoUnsupportedKeyTypeError', /the key "k" of \S+ holds an array/);
      });

      it('refuses _id of strings and ObjectIds (imported documents next to created ones)', async () => {
        const model = await collectionOf([{ _id: 'legacy-1' }, { _id: 'legacy-2' }, { _id: new mongo.ObjectId() }]);
        expectRefused(await run(model, {}), 'MongoMixedKeyTypesError', /"_id" .*both string and objectId values.*\{ _id: \{ \$type: 'string' \} \}/);
      });

      it('refuses keys of a type a checkpoint cannot give back (binary data, embedded documents)', async () => {
        const binary = await collectionOf([{ k: new mongo.Binary(Buffer.from('a')) }, { k: new mongo.Binary(Buffer.from('b')) }]);
        expectRefused(await run(binary, { key: 'k' }), 'MongoUnsupportedKeyTypeError', /holds binData values; .*page by _id/);
        const embedded = await collectionOf([{ k: { a: 1 } }, { k: { a: 2 } }]);
        expectRefused(await run(embedded, { key: 'k' }), 'MongoUnsupportedKeyTypeError', /holds object values; /);
      });
    });

    describe('2. a null key and 3. a missing key', () => {
      it('looks within the caller\'s filter only', async () => {
        const model = await collectionOf([{ k: 'a', on: true }, { k: null, on: false }, { on: false }, { k: 'b', on: true }]);
        expect((await run(model, { key: 'k', filter: { on: true } })).processed).toEqual(['a', 'b']);
      });

      it('refuses a null key (a cursor never comes back to null), naming the filter that leaves it out', async () => {
        const model = await collectionOf([{ k: 'a' }, { k: null }, { k: 'b' }, { k: 'c' }]);
        expectRefused(await run(model, { key: 'k' }), 'MongoNullKeyError', /null as its key "k".*\{ k: \{ \$exists: true, \$ne: null \} \}.*page by _id/);
        const fixed = await run(model, { key: 'k', filter: { k: { $exists: true, $ne: null } } });
        expect(fixed.processed).toEqual(['a', 'b', 'c']);
      });

      it('refuses a missing key (it would re-read the first page forever)', async () => {
        const model = await collectionOf([{ k: 'a' }, { other: 1 }, { other: 2 }, { other: 3 }, { k: 'b' }]);
        expectRefused(await run(model, { key: 'k' }), 'MongoNullKeyError', /no key "k".*\{ k: \{ \$exists: true, \$ne: null \} \}/);
      });

      it('never hands the loop an undefined cursor: an item without its key stops the run with one clear line', async () => {
        const model = await collectionOf([{ other: 1 }, { other: 2 }, { other: 3 }]);
        const collection = mongooseKeyset(model, { key: 'k' });
        const [first] = await collection.page(undefined, 1);
        expect(() => collection.cursorOf(first)).toThrow(/has no key "k"/);
        await expect(collection.keys!(undefined, 2)).rejects.toThrow(/has no key "k"/);
      });
    });

    describe('4. duplicate values of a key other than _id', () => {
      it('refuses them before the first batch, naming the value', async () => {
        const model = await collectionOf(['a', 'b', 'c', 'd', 'd', 'e', 'f'].map((k) => ({ k })));
        expectRefused(await run(model, { key: 'k' }, 10), 'MongoDuplicateKeyError', /the key "k" of \S+ is not unique \(more than one document has "d"\).*page by _id.*unique index/);
      });

      it('trusts a unique index on the key instead of reading the collection', async () => {
        const model = await collectionOf(['a', 'b', 'c'].map((k) => ({ k })));
        await model.collection.createIndex({ k: 1 }, { unique: true });
        const aggregate = jest.spyOn(model, 'aggregate');
        const outcome = await run(model, { key: 'k' });
        expect(outcome.processed).toEqual(['a', 'b', 'c']);
        expect(aggregate).not.toHaveBeenCalled();
      });

      it('does not look for duplicates of _id', async () => {
        const model = await collectionOf(['a', 'b', 'c'].map((k) => ({ k })));
        const aggregate = jest.spyOn(model, 'aggregate');
        expect((await run(model, {})).processed).toHaveLength(3);
        expect(aggregate).not.toHaveBeenCalled();
        // What verify() costs by _id: two limit-1 reads along its index, nothing else.
        const sent: string[] = [];
        harness.mongo!.set('debug', (_collection: string, method: string, ...args: unknown[]) => {
          sent.push(`${method} ${JSON.stringify(args)}`);
        });
        try {
          await mongooseKeyset(model).verify!();
        } finally {
          harness.mongo!.set('debug', false);
        }
        expect(sent).toEqual(['find [{},{"sort":{"_id":1},"limit":1,"projection":{"_id":1}}]', 'find [{},{"sort":{"_id":-1},"limit":1,"projection":{"_id":1}}]']);
      });
    });

    describe('5. where the cursor and the database could disagree', () => {
      it('pages longs beyond 2^53 exactly, their cursor surviving the checkpoint', async () => {
        const base = mongo.Long.fromString('9007199254740993');
        const model = await collectionOf(Array.from({ length: 5 }, (_, i) => ({ k: base.add(i * 2) })));
        const outcome = await run(model, { key: 'k' });
        expect(outcome.error).toBeUndefined();
        expect(outcome.processed.map(String)).toEqual(Array.from({ length: 5 }, (_, i) => base.add(i * 2).toString()));
        // A resumed run: the cursor read back from its checkpoint.
        const collection = mongooseKeyset(model, { key: 'k' });
        const [, second] = await collection.page(undefined, 2);
        expect((await resumeAfter(collection, second)).map(String)).toEqual(Array.from({ length: 3 }, (_, i) => base.add(i * 2 + 4).toString()));
      });

      it('refuses a schema type that casts the cursor to another BSON type than the stored keys', async () => {
        const model = await collectionOf([1, 2, 3, 4, 5].map((k) => ({ k })), { k: String });
        expectRefused(await run(model, { key: 'k' }), 'MongoKeyCastMismatchError', /"k" .*stores number .*schema casts .*string/);
        // Dates imported as ISO text under a Date path, numbers as text under a Number path.
        const isoDays = await collectionOf(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z'].map((k) => ({ k })), { k: Date });
        expectRefused(await run(isoDays, { key: 'k' }), 'MongoKeyCastMismatchError', /"k" .*stores string values but the schema casts a cursor to date \(Date\)/);
        const digits = await collectionOf(['1', '2', '3'].map((k) => ({ k })), { k: Number });
        expectRefused(await run(digits, { key: 'k' }), 'MongoKeyCastMismatchError', /"k" .*stores string values but the schema casts a cursor to number \(Number\)/);
      });

      it('never steps past keys the schema\'s setters change in a cursor (lowercase over keys stored before it): refused, never completed short', async () => {
        const lowercase = { k: { type: String, lowercase: true } };
        // 'Bob' as a cursor would be cast to 'bob', and { $gt: 'bob' } steps past 'Carol'.
        const imported = await collectionOf(['Alice', 'Bob', 'Carol', 'dave', 'erin'].map((k) => ({ k })), lowercase);
        expectRefused(await run(imported, { key: 'k' }), 'MongoKeyCastMismatchError', /setters change a cursor of the key "k" .*from "Alice" to "alice".*page by _id/);
        // Lowest and highest keys the setters keep: the run stops at the first cursor they would change.
        const middle = await collectionOf(['0', 'Bob', 'Carol', 'dave', 'erin'].map((k) => ({ k })), lowercase);
        const outcome = await run(middle, { key: 'k' });
        expect(outcome.end).toBeUndefined();
        expect(outcome.error?.name).toBe('MongoKeyCastMismatchError');
        expect(outcome.error?.message).toMatch(/"Bob" to "bob"/);
        // Keys the setters keep as they are page as before.
        const kept = await collectionOf(['alice', 'bob', 'carol'].map((k) => ({ k })), lowercase);
        expect(await run(kept, { key: 'k' })).toMatchObject({ processed: ['alice', 'bob', 'carol'], error: undefined });
      });

      it('takes a long read back as a number and cast to a bigint by Schema.Types.BigInt as the same key (no setter changes it)', async () => {
        const longs = ['9007199254740991', '9007199254740992', '9007199254740993', '9007199254740994'].map((digits) => mongo.Long.fromString(digits));
        const model = await collectionOf(longs.map((k) => ({ k })), { k: Schema.Types.BigInt });
        const outcome = await run(model, { key: 'k' }, 1);
        expect(outcome.error).toBeUndefined();
        expect(outcome.processed.map(String)).toEqual(longs.map(String));
      });

      it('refuses a key the schema does not declare when strictQuery drops conditions on it (the cursor would be dropped too)', async () => {
        const name = uniqueTable('mkc');
        made.push(name);
        const model = harness.mongo!.model<any>(name, new Schema<any>({ n: Number }, { versionKey: false, strictQuery: true }), name);
        await model.collection.insertMany(['a', 'b', 'c', 'd', 'e'].map((k) => ({ k })));
        expectRefused(await run(model as unknown as Model<any>, { key: 'k' }), 'MongoUndeclaredKeyError', /"k" .*strictQuery.*declare "k" in the schema/);
        model.schema.set('strictQuery', 'throw');
        expectRefused(await run(model as unknown as Model<any>, { key: 'k' }), 'MongoUndeclaredKeyError', /"k" .*strictQuery.*declare "k" in the schema/);
      });

      it('pages by date keys to the millisecond', async () => {
        const days = Array.from({ length: 5 }, (_, i) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)));
        const model = await collectionOf(days.map((k) => ({ k })), { k: Date });
        const outcome = await run(model, { key: 'k' });
        expect(outcome.processed).toEqual(days);
        const collection = mongooseKeyset(model, { key: 'k' });
        const [, second] = await collection.page(undefined, 2);
        expect(await resumeAfter(collection, second)).toEqual(days.slice(2));
      });

      it('loads the key whatever the projection: an inclusion without it, a schema field with select: false', async () => {
        const model = await collectionOf(['a', 'b', 'c'].map((k, n) => ({ k, n })), { k: { type: String, select: false }, n: Number });
        for (const projection of [undefined, { n: 1 } as const, 'n', { n: 0 } as const, '-n']) {
          const outcome = await run(model, { key: 'k', projection });
          expect([projection, outcome.error?.message, outcome.processed]).toEqual([projection, undefined, ['a', 'b', 'c']]);
        }
        expect(() => mongooseKeyset(model, { key: 'k', projection: { k: 0 } })).toThrow(/projection leaves out the key "k"/);
        expect(() => mongooseKeyset(model, { key: 'k', projection: '-k' })).toThrow(/projection leaves out the key "k"/);
      });

      it('pages by a field of an embedded document (a dotted key)', async () => {
        const model = await collectionOf(['c', 'a', 'b'].map((k) => ({ meta: { k } })), { meta: { k: String } });
        const outcome = await run(model, { key: 'meta.k' });
        expect(outcome.error).toBeUndefined();
        expect(outcome.processed).toEqual(['a', 'b', 'c']);
      });

      it('refuses a dotted key that runs through an array of embedded documents (one document, several keys)', async () => {
        const model = await collectionOf(
          [{ meta: { k: 'a' } }, { meta: [{ k: 'b' }, { k: 'y' }] }, { meta: { k: 'c' } }, { meta: { k: 'z' } }],
          { meta: Schema.Types.Mixed },
        );
        expectRefused(await run(model, { key: 'meta.k' }), 'MongoUnsupportedKeyTypeError', /"meta\.k".*holds an array/);
      });
    });
  },
  (target) => target.db === 'mongo',
);

describe('mongooseKeyset: what needs no server', () => {
  const bson = { ObjectId: mongo.ObjectId, Decimal128: mongo.Decimal128 } as unknown as BsonClasses;
  const checkpointed = (value: unknown) => decodeMongoKey(JSON.parse(JSON.stringify(encodeMongoKey(value))), bson);

  it('gives every pageable key back from its checkpoint as the driver sends it', () => {
    const id = new mongo.ObjectId();
    expect(String(checkpointed(id))).toBe(String(id));
    expect(checkpointed(mongo.Long.fromString('9223372036854775807'))).toBe(9223372036854775807n);
    expect(String(checkpointed(mongo.Decimal128.fromString('1.10')))).toBe('1.10');
    expect(checkpointed(new Date(0))).toEqual(new Date(0));
    expect(checkpointed(new mongo.Double(2.5))).toBe(2.5);
    expect([checkpointed('a'), checkpointed(7), checkpointed(true)]).toEqual(['a', 7, true]);
  });

  it('looks for an array at every step of a dotted key (MongoDB\'s { \'a.b\': { $type: \'array\' } } looks at each b of an array a, never at a)', () => {
    expect(anArrayOn('k')).toEqual({ k: { $type: 'array' } });
    expect(anArrayOn('meta.k')).toEqual({ $or: [{ meta: { $type: 'array' } }, { 'meta.k': { $type: 'array' } }] });
  });

  it('trusts a unique index only on the key alone, over every document, under the collation pages use', () => {
    const unique = { key: { k: 1 }, unique: true };
    expect(uniqueIndexCovers([unique], 'k', undefined)).toBe(true);
    expect(uniqueIndexCovers([{ key: { k: 1 } }], 'k', undefined)).toBe(false);
    expect(uniqueIndexCovers([{ key: { k: 1, other: 1 }, unique: true }], 'k', undefined)).toBe(false);
    expect(uniqueIndexCovers([{ ...unique, partialFilterExpression: { on: true } }], 'k', undefined)).toBe(false);
    // Distinct in binary, equal case-insensitively: a binary unique index proves nothing then.
    const caseless = { locale: 'en', strength: 2 };
    expect(uniqueIndexCovers([unique], 'k', caseless)).toBe(false);
    expect(uniqueIndexCovers([{ ...unique, collation: { locale: 'en', strength: 2, caseLevel: false, version: '57.1' } }], 'k', caseless)).toBe(true);
    expect(uniqueIndexCovers([{ ...unique, collation: { locale: 'en', strength: 3 } }], 'k', caseless)).toBe(false);
    expect(uniqueIndexCovers([{ ...unique, collation: { locale: 'simple' } }], 'k', undefined)).toBe(true);
    expect(sameCollation({ locale: 'fr' }, { locale: 'fr', strength: 3 })).toBe(true);
  });
});
