import fc from 'fast-check';
import { Schema, mongo, type Connection, type Model } from 'mongoose';
import { mongooseKeyset } from '../../lib/batch/mongoose-keyset';
import { openHarness, type StoreHarness } from '../support/store-harness';
import { uniqueTable, type StoreTarget } from '../support/stores';
import { runCase, type Expectation } from './run-collection';

/** A BSON value as generated, in plain JSON (so that a counterexample can be written down). */
export type BsonValue =
  | { t: 'int'; v: number }
  | { t: 'double'; v: number }
  | { t: 'long'; v: string }
  | { t: 'string'; v: string }
  | { t: 'date'; v: string }
  | { t: 'oid'; v: string }
  | { t: 'uuid'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'missing' };

/** A key kind on the MongoDB-wire server: the schema type Mongoose maps the key with, and its values. */
export interface MongoKind {
  name: string;
  /** The key field: `k`, or `_id` itself. */
  key: 'k' | '_id';
  schemaType: unknown;
  value: fc.Arbitrary<BsonValue>;
}

const TWO_53 = 2n ** 53n;
const int = fc.integer({ min: -40, max: 40 }).map((v): BsonValue => ({ t: 'int', v }));
const double = fc.integer({ min: -80, max: 80 }).map((v): BsonValue => (v % 2 === 0 ? { t: 'int', v: v / 2 } : { t: 'double', v: v / 2 }));
const long = fc.tuple(fc.constantFrom(TWO_53, -TWO_53, 2n ** 62n), fc.bigInt({ min: -12n, max: 12n })).map(([base, offset]): BsonValue => ({
  t: 'long',
  v: (base + offset).toString(),
}));
const string = fc
  .string({
    unit: fc.constantFrom('a', 'A', 'á', 'b', 'B', 'é', 'z', ' '),
    maxLength: 3,
  })
  .map((v): BsonValue => ({ t: 'string', v }));
const date = fc
  .tuple(
    fc.constantFrom('2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z'),
    fc.integer({ min: -90, max: 90 }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([base, minutes, ms]): BsonValue => ({
    t: 'date',
    v: new Date(Date.parse(base) + minutes * 60_000 + ms).toISOString(),
  }));
// ObjectIds whose timestamps differ little: their order is decided by the later bytes too.
const oid = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 0xffff })).map(([second, rest]): BsonValue => ({
  t: 'oid',
  v: `6b12b2${second.toString(16).padStart(2, '0')}000000000000${rest.toString(16).padStart(4, '0')}`,
}));
const uuid = fc.uuid().map((v): BsonValue => ({ t: 'uuid', v }));
const mixed = fc.oneof(
  int,
  string,
  date,
  fc.boolean().map((v): BsonValue => ({ t: 'bool', v })),
  fc.constant<BsonValue>({ t: 'null' }),
  fc.constant<BsonValue>({ t: 'missing' }),
);

/**
 * The MongoDB kinds. Decimal128 is left out: FerretDB 1.24 closes the connection on one (a real
 * MongoDB holds it).
 */
export const MONGO_KINDS: MongoKind[] = [
  { name: 'int32', key: 'k', schemaType: Number, value: int },
  {
    name: 'numbers (int32 and double)',
    key: 'k',
    schemaType: Number,
    value: double,
  },
  {
    name: 'int64 past 2^53 (Schema.Types.BigInt)',
    key: 'k',
    schemaType: Schema.Types.BigInt,
    value: long,
  },
  { name: 'string', key: 'k', schemaType: String, value: string },
  { name: 'date', key: 'k', schemaType: Date, value: date },
  {
    name: 'ObjectId _id',
    key: '_id',
    schemaType: Schema.Types.ObjectId,
    value: oid,
  },
  {
    name: 'UUID (binary subtype 4)',
    key: 'k',
    schemaType: Schema.Types.UUID,
    value: uuid,
  },
  {
    name: 'mixed BSON types (Schema.Types.Mixed)',
    key: 'k',
    schemaType: Schema.Types.Mixed,
    value: mixed,
  },
];

export interface MongoRow {
  rid: number;
  grp: number;
  flag: number;
  pid: number;
  k: BsonValue;
}

export type MongoShape =
  | { type: 'all' }
  | { type: 'in'; groups: number[] }
  | { type: 'or'; grp: number; flag: number }
  | { type: 'or-and'; grp: number; flag: number; pid: number }
  | { type: 'key-present' }
  | { type: 'key-or'; pivot: BsonValue; flag: number };

export type MongoChange =
  | { after: number; op: 'delete'; pick: number }
  | {
      after: number;
      op: 'insert';
      k: BsonValue;
      grp: number;
      flag: number;
      pid: number;
    };

export interface MongoCase {
  rows: MongoRow[];
  shape: MongoShape;
  size: number;
  pauseAfter: number[];
  changes: MongoChange[];
  /** Run as a distributed task (keys, then ranges in `order`) instead of the batch loop; no changes meanwhile. */
  distributed?: { order: number };
}

/** A generated value as BSON. */
export function toBson(value: BsonValue): unknown {
  switch (value.t) {
    case 'int':
      return new mongo.Int32(value.v);
    case 'double':
      return new mongo.Double(value.v);
    case 'long':
      return mongo.Long.fromString(value.v);
    case 'date':
      return new Date(value.v);
    case 'oid':
      return new mongo.ObjectId(value.v);
    case 'uuid':
      return new mongo.UUID(value.v);
    case 'null':
      return null;
    case 'missing':
      return undefined;
    default:
      return value.v;
  }
}

/** MongoDB's comparison bracket of a value (numbers of every type compare with each other). */
function bracket(value: BsonValue): string {
  return value.t === 'int' || value.t === 'double' || value.t === 'long' ? 'number' : value.t;
}

/** Equal values (as MongoDB compares) have the same identity. */
function identity(value: BsonValue): string {
  if (value.t === 'null' || value.t === 'missing') {
    return 'null';
  }
  if (value.t === 'int' || value.t === 'double' || value.t === 'long') {
    return `number:${String(value.v)}`;
  }
  return `${value.t}:${String(value.v)}`;
}

export function mongoCases(kind: MongoKind): fc.Arbitrary<MongoCase> {
  const small = fc.integer({ min: 0, max: 3 });
  return fc
    .record({
      values: fc.uniqueArray(kind.value, { maxLength: 45, selector: identity, size: 'medium' }),
      trouble: fc.integer({ min: 0, max: 9 }),
      repeats: fc.array(fc.tuple(fc.nat(), fc.nat()), {
        minLength: 1,
        maxLength: 3,
      }),
      nulls: fc.array(fc.tuple(fc.nat(), fc.boolean()), {
        minLength: 1,
        maxLength: 2,
      }),
      extra: fc.array(
        fc.record({
          grp: small,
          flag: fc.integer({ min: 0, max: 1 }),
          pid: small,
        }),
        { minLength: 60, maxLength: 60 },
      ),
      shape: fc.oneof(
        fc.constant<MongoShape>({ type: 'all' }),
        fc.record({
          type: fc.constant('in' as const),
          groups: fc.uniqueArray(small, { minLength: 1, maxLength: 3 }),
        }),
        fc.record({
          type: fc.constant('or' as const),
          grp: small,
          flag: fc.integer({ min: 0, max: 1 }),
        }),
        fc.record({
          type: fc.constant('or-and' as const),
          grp: small,
          flag: fc.integer({ min: 0, max: 1 }),
          pid: small,
        }),
        fc.constant<MongoShape>({ type: 'key-present' }),
        // A condition on the key itself, inside an $or (Mongoose refuses $gte on a UUID path in any filter).
        ...(kind.schemaType === Schema.Types.UUID
          ? []
          : [fc.record({ type: fc.constant('key-or' as const), pivot: kind.value, flag: fc.integer({ min: 0, max: 1 }) })]),
      ),
      size: fc.integer({ min: 1, max: 7 }),
      pauseAfter: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), {
        maxLength: 3,
      }),
      distributed: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.record({ order: fc.nat(100) }), weight: 1 }),
      changes: fc.array(
        fc.oneof(
          fc.record({
            after: fc.integer({ min: 1, max: 10 }),
            op: fc.constant('delete' as const),
            pick: fc.nat(),
          }),
          fc.record({
            after: fc.integer({ min: 1, max: 10 }),
            op: fc.constant('insert' as const),
            k: kind.value,
            grp: small,
            flag: fc.integer({ min: 0, max: 1 }),
            pid: small,
          }),
        ),
        { maxLength: 4 },
      ),
    })
    .map(({ values, trouble, repeats, nulls, extra, shape, size, pauseAfter, changes, distributed }) => {
      const keys: BsonValue[] = [...values];
      if (trouble >= 6 && trouble !== 8 && values.length > 0) {
        for (const [from, to] of repeats) {
          keys.splice(to % (keys.length + 1), 0, values[from % values.length]);
        }
      }
      if (trouble >= 8 && kind.key !== '_id') {
        for (const [at, missing] of nulls) {
          keys.splice(at % (keys.length + 1), 0, missing ? { t: 'missing' } : { t: 'null' });
        }
      }
      // An _id cannot repeat: the server refuses the insert.
      const unique = kind.key === '_id' ? keys.filter((key, index) => keys.findIndex((other) => identity(other) === identity(key)) === index) : keys;
      const rows: MongoRow[] = unique.slice(0, 60).map((k, index) => ({ rid: index + 1, ...extra[index], k }));
      return { rows, shape, size, pauseAfter, changes, ...(distributed ? { distributed } : {}) } satisfies MongoCase;
    });
}

interface Doc {
  rid: number;
}

/** The collections of the MongoDB-wire server, one per kind, and how to run a case on them. */
export class MongoPropertyEnvironment {
  private harness!: StoreHarness;
  private readonly base = uniqueTable('prop');
  private readonly models = new Map<string, Model<any>>();

  constructor(
    private readonly target: StoreTarget,
    readonly kinds: MongoKind[] = MONGO_KINDS,
  ) {}

  async setUp(): Promise<void> {
    this.harness = await openHarness(this.target);
  }

  async tearDown(): Promise<void> {
    if (!this.harness) {
      return;
    }
    for (const model of this.models.values()) {
      await model.collection.drop().catch(() => undefined);
    }
    await this.harness.close();
  }

  private get connection(): Connection {
    return this.harness.mongo!;
  }

  private model(kind: MongoKind): Model<any> {
    const model = this.models.get(kind.name);
    if (!model) {
      const name = `${this.base}_${MONGO_KINDS.indexOf(kind)}`;
      const fields: Record<string, unknown> = {
        rid: Number,
        grp: Number,
        flag: Number,
        pid: Number,
      };
      if (kind.key === '_id') {
        fields._id = kind.schemaType;
      } else {
        fields.k = kind.schemaType;
      }
      const created = this.connection.model(name, new Schema(fields as never, { versionKey: false, strict: false }), name) as unknown as Model<any>;
      this.models.set(kind.name, created);
      return created;
    }
    return model;
  }

  private filter(shape: MongoShape, kind: MongoKind): Record<string, unknown> {
    switch (shape.type) {
      case 'all':
        return {};
      case 'in':
        return { grp: { $in: shape.groups } };
      case 'or':
        return { $or: [{ grp: shape.grp }, { flag: shape.flag }] };
      case 'or-and':
        return {
          $or: [{ grp: shape.grp }, { flag: shape.flag }],
          pid: { $ne: shape.pid },
        };
      case 'key-present':
        return { [kind.key]: { $exists: true, $ne: null } };
      case 'key-or':
        return { $or: [{ [kind.key]: { $gte: toBson(shape.pivot) } }, { flag: shape.flag }] };
    }
  }

  private document(kind: MongoKind, row: MongoRow): Record<string, unknown> {
    const doc: Record<string, unknown> = {
      rid: row.rid,
      grp: row.grp,
      flag: row.flag,
      pid: row.pid,
    };
    if (row.k.t !== 'missing') {
      doc[kind.key] = toBson(row.k);
    }
    return doc;
  }

  private async unpaged(model: Model<any>, filter: Record<string, unknown>): Promise<number[]> {
    const docs = (await model.find(filter).lean().exec()) as unknown as Doc[];
    return docs.map((doc) => Number(doc.rid)).sort((a, b) => a - b);
  }

  async run(kindName: string, sample: MongoCase): Promise<string | null> {
    const kind = this.kinds.find((candidate) => candidate.name === kindName);
    if (!kind) {
      throw new Error(`no MongoDB key kind ${JSON.stringify(kindName)}`);
    }
    const model = this.model(kind);
    const raw = this.connection.db!.collection(model.collection.collectionName);
    await raw.deleteMany({});
    if (sample.rows.length > 0) {
      await raw.insertMany(sample.rows.map((row) => this.document(kind, row)));
    }
    const filter = this.filter(sample.shape, kind);
    const expected = await this.unpaged(model, filter);
    const values = new Map(sample.rows.map((row) => [row.rid, row.k]));
    return runCase<Doc, Extract<MongoChange, { op: 'insert' }>>({
      label: `${kind.name} on the MongoDB-wire server`,
      expected,
      expectation: this.expectation(sample.rows, new Set(expected)),
      collection: () => mongooseKeyset(model, { filter, key: kind.key }),
      ridOf: (doc) => Number(doc.rid),
      size: sample.size,
      pauseAfter: sample.pauseAfter,
      changes: sample.changes,
      distributed: sample.distributed,
      deleteRow: async (rid) => {
        await raw.deleteOne({ rid });
        values.delete(rid);
      },
      insertRow: async (change, rid, last) => {
        // Only a key of the kind's own type that no document has, so that the data stays as it was.
        const cursor = values.get(Number(last.rid))!;
        if (
          bracket(change.k) !== bracket(cursor) ||
          change.k.t === 'null' ||
          change.k.t === 'missing' ||
          [...values.values()].some((value) => identity(value) === identity(change.k))
        ) {
          return null;
        }
        await raw.insertOne(this.document(kind, { rid, grp: change.grp, flag: change.flag, pid: change.pid, k: change.k }));
        values.set(rid, change.k);
        // Ahead of the cursor as the server compares.
        return (await raw.countDocuments({ rid, [kind.key]: { $gt: toBson(cursor) } })) > 0 ? 'ahead' : 'behind';
      },
      unpaged: () => this.unpaged(model, filter),
    });
  }

  /** Null or missing keys, equal keys, keys of more than one type (numbers of any type are one), binary keys. */
  private expectation(rows: MongoRow[], inQuery: Set<number>): Expectation {
    const troubles = (subset: MongoRow[]): string[] => {
      const found: string[] = [];
      const absent = subset.filter((row) => row.k.t === 'null' || row.k.t === 'missing');
      if (absent.length > 0) found.push(`null or missing keys in rows ${absent.map((row) => row.rid).join(', ')}`);
      const present = subset.filter((row) => row.k.t !== 'null' && row.k.t !== 'missing');
      const seen = new Map<string, number>();
      for (const row of present) {
        const other = seen.get(identity(row.k));
        if (other !== undefined) found.push(`equal keys in rows ${other}=${row.rid}`);
        seen.set(identity(row.k), row.rid);
      }
      const brackets = new Set(present.map((row) => bracket(row.k)));
      if (brackets.size > 1) found.push(`keys of types ${[...brackets].join(', ')}`);
      // mongooseKeyset refuses binary keys by design: Mongoose casts no $gt cursor on a UUID path.
      const binary = present.filter((row) => row.k.t === 'uuid');
      if (binary.length > 0) found.push(`binData keys in rows ${binary.map((row) => row.rid).join(', ')}`);
      return found;
    };
    const inside = troubles(rows.filter((row) => inQuery.has(row.rid)));
    const everywhere = troubles(rows);
    return {
      refusalRequired: inside.length > 0,
      refusalAllowed: everywhere.length > 0,
      why: [...inside, ...(everywhere.length > inside.length ? ['null, missing, equal or mixed keys outside the query'] : [])].join('; '),
    };
  }
}
