import { Test } from '@nestjs/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntitySchema, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { AfterPartyTask } from '../../lib';
import { decodeCursor, encodeCursor } from '../../lib/batch/cursor-codec';
import { refuseUnorderedKeys } from '../../lib/batch/key-order';
import { typeormKeyset } from '../../lib/batch/typeorm-keyset';
import type { BatchedTask, KeysetCollection } from '../../lib/interfaces/batched-task.interface';
import type { TaskRunRecord } from '../../lib/interfaces/run-record.interface';
import { AfterPartyTester, AfterPartyTestingModule } from '../../lib/testing';
import { openHarness, type StoreHarness } from '../support/store-harness';
import { describeEachStore, uniqueTable, type StoreTarget } from '../support/stores';

/**
 * Every item, page by page, as the runner reads them: the collection verified first, one item
 * more than a page, every key checked against the cursor and the key before it, and each page
 * resumed from the cursor as its checkpoint stores it (through JSON). Stops after 200 pages: a
 * page that ignores its cursor would otherwise loop for ever.
 */
async function walk<T>(collection: KeysetCollection<T, unknown>, size: number): Promise<T[]> {
  await collection.verify?.();
  const seen: T[] = [];
  let cursor: unknown;
  for (let pages = 0; pages < 200; pages++) {
    const page = await collection.page(cursor, size + 1);
    const keys = page.map((item) => encodeCursor(collection, collection.cursorOf(item)));
    refuseUnorderedKeys('walk', cursor === undefined ? undefined : encodeCursor(collection, cursor), keys);
    seen.push(...page.slice(0, size));
    if (page.length <= size) {
      return seen;
    }
    cursor = decodeCursor(collection, JSON.parse(JSON.stringify(keys[size - 1])));
  }
  throw new Error('walk: 200 pages and no end (a page ignored its cursor)');
}

/** The keys as a distributed dispatcher reads them: `keys()` pages, resumed through JSON. */
async function walkKeys(collection: KeysetCollection<unknown, unknown>, size: number): Promise<unknown[]> {
  const seen: unknown[] = [];
  let cursor: unknown;
  for (let pages = 0; pages < 200; pages++) {
    const keys = await collection.keys!(cursor, size);
    const encoded = keys.map((key) => encodeCursor(collection, key));
    refuseUnorderedKeys('walkKeys', cursor === undefined ? undefined : encodeCursor(collection, cursor), encoded);
    seen.push(...encoded);
    if (keys.length < size) {
      return seen;
    }
    cursor = decodeCursor(collection, JSON.parse(JSON.stringify(encoded[encoded.length - 1])));
  }
  throw new Error('walkKeys: 200 pages and no end (a page ignored its cursor)');
}

/** What a batched task over `collection` did when the runner ran it: its record and the items it processed. */
async function runBatched<T>(collection: KeysetCollection<T, unknown>, size: number): Promise<{ record: TaskRunRecord; processed: T[] }> {
  const processed: T[] = [];
  @AfterPartyTask({ version: '20260101000001', batch: { size } })
  class ContractTask implements BatchedTask<T> {
    collection(): KeysetCollection<T, unknown> {
      return collection;
    }
    processBatch(items: T[]): void {
      processed.push(...items);
    }
  }
  const moduleRef = await Test.createTestingModule({ imports: [AfterPartyTestingModule.forRoot()], providers: [ContractTask] }).compile();
  await moduleRef.init();
  try {
    const record = await moduleRef.get(AfterPartyTester).run(ContractTask);
    return { record, processed };
  } finally {
    await moduleRef.close();
  }
}

/** The ids of the items, in the order they came. */
const ids = (items: Array<{ id: unknown }>): unknown[] => items.map((item) => item.id);

/** What the collection's query returns without paging, in the database's key order. */
async function unpaged<T extends ObjectLiteral>(builder: SelectQueryBuilder<T>, key: string): Promise<T[]> {
  return builder.clone().orderBy(`${builder.alias}.${key}`, 'ASC').getMany();
}

/** A 16-byte key stored as binary, held by the entity as a UUID string. */
const uuidBytes = {
  to: (value: unknown): unknown => (typeof value === 'string' ? Buffer.from(value.replace(/-/g, ''), 'hex') : value),
  from: (value: unknown): unknown => {
    if (!Buffer.isBuffer(value)) {
      return value;
    }
    const hex = value.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  },
};

/** The column types of one database, for tables written by hand. */
function types(target: StoreTarget): { bytes: string; entityBytes: 'bytea' | 'binary' | 'blob'; time: string; bigint: string; text: string } {
  if (target.db === 'postgres') {
    return { bytes: 'bytea', entityBytes: 'bytea', time: 'timestamp(6)', bigint: 'bigint', text: 'varchar(40)' };
  }
  if (target.db === 'mysql') {
    return { bytes: 'binary(16)', entityBytes: 'binary', time: 'datetime(6)', bigint: 'bigint', text: 'varchar(40)' };
  }
  return { bytes: 'blob', entityBytes: 'blob', time: 'datetime', bigint: 'bigint', text: 'varchar(40)' };
}

describeEachStore(
  'typeormKeyset keeps the keyset contract',
  (target) => {
    let harness: StoreHarness;
    const table = uniqueTable('kc');
    const t = types(target);
    const tables = {
      nulls: `${table}_n`,
      or: `${table}_o`,
      tags: `${table}_t`,
      bytes: `${table}_b`,
      micro: `${table}_m`,
      big: `${table}_g`,
      dec: `${table}_d`,
      repeat: `${table}_r`,
      coll: `${table}_c`,
      uniq: `${table}_q`,
      whole: `${table}_w`,
    };

    const Nullable = new EntitySchema<{ id: number; rank: number | null; name: string | null }>({
      name: `Nullable_${table}`,
      tableName: tables.nulls,
      columns: { id: { type: Number, primary: true }, rank: { type: Number, nullable: true }, name: { type: String, nullable: true } },
    });
    const Item = new EntitySchema<{ id: number; a: number; b: number; tags?: unknown[] }>({
      name: `Item_${table}`,
      tableName: tables.or,
      columns: { id: { type: Number, primary: true }, a: { type: Number }, b: { type: Number } },
      relations: { tags: { type: 'one-to-many', target: `Tag_${table}`, inverseSide: 'item' } },
    });
    const Tag = new EntitySchema<{ id: number; itemId: number; label: string; item?: unknown }>({
      name: `Tag_${table}`,
      tableName: tables.tags,
      columns: { id: { type: Number, primary: true }, itemId: { type: Number, name: 'item_id' }, label: { type: String } },
      relations: { item: { type: 'many-to-one', target: `Item_${table}`, joinColumn: { name: 'item_id' } } },
    });
    const Binary = new EntitySchema<{ id: string; n: number }>({
      name: `Binary_${table}`,
      tableName: tables.bytes,
      columns: {
        id: { type: t.entityBytes, primary: true, ...(target.db === 'mysql' ? { length: 16 } : {}), transformer: uuidBytes },
        n: { type: Number },
      },
    });
    const Micro = new EntitySchema<{ id: number; at: Date }>({
      name: `Micro_${table}`,
      tableName: tables.micro,
      columns: { id: { type: Number, primary: true }, at: { type: target.db === 'postgres' ? 'timestamp' : 'datetime', precision: 6, unique: true } },
    });
    const Whole = new EntitySchema<{ id: number; at: Date }>({
      name: `Whole_${table}`,
      tableName: tables.whole,
      columns: { id: { type: Number, primary: true }, at: { type: target.db === 'postgres' ? 'timestamp' : 'datetime', precision: 3, unique: true } },
    });
    const Big = new EntitySchema<{ id: string; n: number }>({
      name: `Big_${table}`,
      tableName: tables.big,
      columns: { id: { type: 'bigint', primary: true }, n: { type: Number } },
    });
    const Dec = new EntitySchema<{ id: number; amount: string }>({
      name: `Dec_${table}`,
      tableName: tables.dec,
      columns: { id: { type: Number, primary: true }, amount: { type: 'decimal', precision: 30, scale: 20, unique: true } },
    });
    const Repeat = new EntitySchema<{ id: number; rank: number }>({
      name: `Repeat_${table}`,
      tableName: tables.repeat,
      columns: { id: { type: Number, primary: true }, rank: { type: Number } },
    });
    const Coll = new EntitySchema<{ id: number; code: string }>({
      name: `Coll_${table}`,
      tableName: tables.coll,
      columns: { id: { type: Number, primary: true }, code: { type: String } },
    });
    const Uniq = new EntitySchema<{ id: number; code: string }>({
      name: `Uniq_${table}`,
      tableName: tables.uniq,
      columns: { id: { type: Number, primary: true }, code: { type: String, unique: true } },
    });

    beforeAll(async () => {
      harness = await openHarness(target, { entities: [Nullable, Item, Tag, Binary, Micro, Whole, Big, Dec, Repeat, Coll, Uniq] });
      const sql = harness.sql!;
      const q = (name: string): string => (target.db === 'mysql' ? `\`${name}\`` : `"${name}"`);
      await sql(`CREATE TABLE ${tables.nulls} (id integer PRIMARY KEY, ${q('rank')} integer NULL, name varchar(20) NULL)`);
      // Ids 1..12; the rank is NULL for ids 3, 7 and 11, the name for 5.
      const nullRows = Array.from({ length: 12 }, (_, i) => `(${i + 1}, ${(i + 1) % 4 === 3 ? 'NULL' : (i + 1) * 10}, ${i + 1 === 5 ? 'NULL' : `'n${i + 1}'`})`);
      await sql(`INSERT INTO ${tables.nulls} VALUES ${nullRows.join(', ')}`);

      await sql(`CREATE TABLE ${tables.or} (id integer PRIMARY KEY, a integer NOT NULL, b integer NOT NULL)`);
      await sql(`INSERT INTO ${tables.or} VALUES ${Array.from({ length: 30 }, (_, i) => `(${i + 1}, ${(i + 1) % 3}, ${(i + 1) % 5})`).join(', ')}`);
      await sql(`CREATE TABLE ${tables.tags} (id integer PRIMARY KEY, item_id integer NOT NULL, label varchar(10) NOT NULL)`);
      await sql(`INSERT INTO ${tables.tags} VALUES ${Array.from({ length: 30 }, (_, i) => `(${i + 1}, ${i + 1}, '${(i + 1) % 2 ? 'odd' : 'even'}')`).join(', ')}`);

      await sql(`CREATE TABLE ${tables.bytes} (id ${t.bytes} PRIMARY KEY, n integer NOT NULL)`);
      const quoted = (hex: string): string => (target.db === 'postgres' ? `'\\x${hex}'::bytea` : `X'${hex}'`);
      // 25 keys whose byte order is neither their n's nor their text's order once read as UUIDs.
      const hexes = Array.from({ length: 25 }, (_, i) => ((i * 0x9e3779b1) >>> 0).toString(16).padStart(8, '0').repeat(4));
      await sql(`INSERT INTO ${tables.bytes} VALUES ${hexes.map((hex, i) => `(${quoted(hex)}, ${i})`).join(', ')}`);

      await sql(`CREATE TABLE ${tables.micro} (id integer PRIMARY KEY, at ${t.time} NOT NULL UNIQUE)`);
      // 40 times within one millisecond, their microseconds in another order than their ids.
      const micros = Array.from({ length: 40 }, (_, i) => `(${i + 1}, '2026-01-01 00:00:00.${String(((i + 1) * 37) % 1000).padStart(6, '0')}')`);
      await sql(`INSERT INTO ${tables.micro} VALUES ${micros.join(', ')}`);

      // On whole milliseconds, which the Date cursors of earlier versions held exactly.
      await sql(`CREATE TABLE ${tables.whole} (id integer PRIMARY KEY, at ${t.time} NOT NULL UNIQUE)`);
      await sql(`INSERT INTO ${tables.whole} VALUES ${[1, 2, 3, 4].map((s) => `(${s}, '2026-01-01 00:00:0${s}.000')`).join(', ')}`);

      await sql(`CREATE TABLE ${tables.big} (id ${t.bigint} PRIMARY KEY, n integer NOT NULL)`);
      // Past 2^53: a JavaScript number cannot tell neighbours apart.
      await sql(`INSERT INTO ${tables.big} VALUES ${Array.from({ length: 20 }, (_, i) => `(${9007199254740993n + BigInt(i)}, ${i})`).join(', ')}`);

      await sql(`CREATE TABLE ${tables.dec} (id integer PRIMARY KEY, amount decimal(30, 20) NOT NULL UNIQUE)`);
      // SQLite keeps decimals as doubles: its values differ where a double holds them apart.
      const amount = (i: number): string => (target.db === 'sqlite' ? String((i + 1) / 8) : `0.100000000000000000${String(i + 10)}`);
      await sql(`INSERT INTO ${tables.dec} VALUES ${Array.from({ length: 20 }, (_, i) => `(${i + 1}, ${amount(i)})`).join(', ')}`);

      await sql(`CREATE TABLE ${tables.repeat} (id integer PRIMARY KEY, ${q('rank')} integer NOT NULL)`);
      // Ranks 1..20, then 20 again: the repeat comes after the first batches.
      await sql(`INSERT INTO ${tables.repeat} VALUES ${Array.from({ length: 21 }, (_, i) => `(${i + 1}, ${Math.min(i + 1, 20)})`).join(', ')}`);
    });

    afterAll(async () => {
      for (const name of Object.values(tables)) {
        await harness?.sql!(`DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
      }
      await harness?.close();
    });

    describe('1. NULLs in the key column', () => {
      for (const plain of [false, true]) {
        it(`refuses before the first batch a key that is NULL in some rows of the query (${plain ? 'plain' : 'entities'}), naming the fix`, async () => {
          const repository = harness.dataSource!.getRepository(Nullable);
          const { record, processed } = await runBatched(typeormKeyset(repository.createQueryBuilder('x').where('x.id > :low', { low: 1 }), { key: 'rank', plain }), 4);
          expect(record.status).toBe('failed');
          expect(record.error).toBe(
            "typeormKeyset: the key \"rank\" is NULL in some rows of the collection's query, which keyset pages never reach: add `.andWhere('x.rank IS NOT NULL')` to process the others, or page by a non-null key such as the primary key.",
          );
          expect(processed).toEqual([]);
        });
      }

      it('names each nullable part of a composite key, and passes a query that leaves the NULLs out', async () => {
        const repository = harness.dataSource!.getRepository(Nullable);
        await expect(typeormKeyset(repository, { key: ['name', 'id'] }).verify!()).rejects.toThrow(
          /^typeormKeyset: the key \["name","id"\] is NULL in some rows .*`\.andWhere\('item\.name IS NOT NULL'\)`/,
        );
        const kept = typeormKeyset(repository.createQueryBuilder('x').where('x.rank IS NOT NULL'), { key: 'rank', plain: true });
        expect(ids(await walk(kept, 3))).toEqual([1, 2, 4, 5, 6, 8, 9, 10, 12]);
        // The NULLs outside the caller's conditions are not the collection's.
        await typeormKeyset(repository.createQueryBuilder('x').where('x.id < 3'), { key: 'rank' }).verify!();
      });
    });

    describe('2. the caller\'s conditions bracketed', () => {
      const items = () => harness.dataSource!.getRepository(Item);
      const cases: Array<[string, () => SelectQueryBuilder<{ id: number; a: number; b: number }>]> = [
        ["where('x.a = 1 OR x.b = 2')", () => items().createQueryBuilder('x').where('x.a = 1 OR x.b = 2')],
        ['where(...).orWhere(...) with named parameters', () => items().createQueryBuilder('x').where('x.a = :a', { a: 1 }).orWhere('x.b = :b', { b: 2 })],
        [
          'a join, and OR over the joined alias',
          () => items().createQueryBuilder('x').innerJoin('x.tags', 'tag').where('tag.label = :label OR x.b = :b', { label: 'odd', b: 0 }),
        ],
      ];
      for (const [name, builder] of cases) {
        for (const plain of [false, true]) {
          it(`${name} (${plain ? 'plain' : 'entities'}): pages, counts, keys and ranges only the matching rows, each once`, async () => {
            const expected = ids(await unpaged(builder(), 'id'));
            expect(expected.length).toBeGreaterThan(8);
            const collection = typeormKeyset(builder(), { key: 'id', plain });
            expect(ids(await walk(collection, 4))).toEqual(expected);
            const after = expected[3];
            expect(await collection.count!(after)).toBe(expected.length - 4);
            expect(await walkKeys(collection as KeysetCollection<unknown, unknown>, 3)).toEqual(expected);
            expect(await collection.keys!(after, 2)).toEqual(expected.slice(4, 6));
            expect(ids(await collection.range!(after, expected[6]))).toEqual(expected.slice(4, 7));
            const { record, processed } = await runBatched(collection, 4);
            expect(record.status).toBe('completed');
            expect(ids(processed)).toEqual(expected);
          });
        }
      }
    });

    describe('3. a key with a value transformer', () => {
      for (const plain of [false, true]) {
        it(`binds the cursor through the transformer; page, keys and range agree (${plain ? 'plain' : 'entities'})`, async () => {
          const repository = harness.dataSource!.getRepository(Binary);
          const expected = ids(await unpaged(repository.createQueryBuilder('item'), 'id'));
          expect(expected).toHaveLength(25);
          expect(expected[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
          const collection = typeormKeyset(repository, { key: 'id', plain });
          expect(ids(await walk(collection, 4))).toEqual(expected);
          expect(await walkKeys(collection as KeysetCollection<unknown, unknown>, 4)).toEqual(expected);
          const keys = await collection.keys!(expected[2], 3);
          expect(keys).toEqual(expected.slice(3, 6));
          expect(ids(await collection.range!(expected[2], keys[2]))).toEqual(expected.slice(3, 6));
          expect(await collection.count!(expected[2])).toBe(22);
        });
      }
    });

    describe('4. time, bigint and decimal keys', () => {
      for (const plain of [false, true]) {
        it(`pages a time key that keeps microseconds, every row once in the database's order (${plain ? 'plain' : 'entities'})`, async () => {
          const repository = harness.dataSource!.getRepository(Micro);
          const expected = (await harness.sql!(`SELECT id FROM ${tables.micro} ORDER BY at`)).map((row: { id: number }) => Number(row.id));
          for (const key of ['at', ['at', 'id']] as const) {
            const collection = typeormKeyset(repository, { key: key as never, plain });
            expect(ids(await walk(collection, 7))).toEqual(expected);
            expect(await walkKeys(collection as KeysetCollection<unknown, unknown>, 7)).toHaveLength(40);
          }
          // The items still hold dates.
          const [first] = await typeormKeyset(repository, { key: 'at', plain }).page(undefined, 1);
          expect(first.at).toBeInstanceOf(Date);
        });

        it(`pages a bigint key past 2^53 and a decimal key past a double's precision (${plain ? 'plain' : 'entities'})`, async () => {
          const big = typeormKeyset(harness.dataSource!.getRepository(Big), { key: 'id', plain });
          if (target.db === 'sqlite' && !plain) {
            // SQLite's driver reads such integers as rounded numbers, and TypeORM makes one entity
            // of the rows whose ids round alike: refused before those rows are processed.
            await expect(walk(big, 3)).rejects.toThrow(/^typeormKeyset: a page of 4 distinct keys made 3 entities: .* read the rows with `plain: true`/);
          } else {
            // Each row once (n tells the rows apart where ids are read rounded).
            expect((await walk(big, 3)).map((item) => item.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
          }
          // The dispatcher's keys, exact.
          expect((await walkKeys(big as KeysetCollection<unknown, unknown>, 3)).map(String)).toEqual(
            Array.from({ length: 20 }, (_, i) => String(9007199254740993n + BigInt(i))),
          );
          const dec = typeormKeyset(harness.dataSource!.getRepository(Dec), { key: 'amount', plain });
          expect(ids(await walk(dec, 3))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        });
      }

      if (target.db === 'postgres') {
        it('pages a float key holding NaN and Infinity, which JSON holds as null, every row once', async () => {
          const floats = `${table}_f`;
          const Float = new EntitySchema<{ id: number; score: number }>({
            name: `Float_${floats}`,
            tableName: floats,
            columns: { id: { type: Number, primary: true }, score: { type: 'float8', unique: true } },
          });
          await harness.sql!(`CREATE TABLE ${floats} (id integer PRIMARY KEY, score float8 NOT NULL UNIQUE)`);
          const source = await openHarness(target, { entities: [Float] });
          try {
            const values = ["'-Infinity'", '-1.5', '0.1', '0.30000000000000004', '0.3', '1e300', "'Infinity'", "'NaN'"];
            await harness.sql!(`INSERT INTO ${floats} VALUES ${values.map((value, i) => `(${i + 1}, ${value})`).join(', ')}`);
            const expected = (await harness.sql!(`SELECT id FROM ${floats} ORDER BY score`)).map((row: { id: number }) => row.id);
            for (const plain of [false, true]) {
              const collection = typeormKeyset(source.dataSource!.getRepository(Float), { key: 'score', plain });
              expect(ids(await walk(collection, 1))).toEqual(expected);
              expect(ids(await walk(collection, 3))).toEqual(expected);
            }
          } finally {
            await source.close();
            await harness.sql!(`DROP TABLE IF EXISTS ${floats}`);
          }
        });
      }

      it('refuses a saved cursor holding null (a NaN or Infinity saved by JSON), which would end the task short', () => {
        const single = typeormKeyset(harness.dataSource!.getRepository(Big), { key: 'n' });
        expect(() => decodeCursor(single, null)).toThrow(
          'typeormKeyset: the saved cursor null holds null for the key "n", which is never NULL: a float NaN or Infinity is saved as null in JSON, and paging on from it would skip the rest; page by another key, such as the primary key, and after-party:reset <task> starts the task over.',
        );
        const composite = typeormKeyset(harness.dataSource!.getRepository(Big), { key: ['n', 'id'] });
        expect(() => decodeCursor(composite, [null, '9007199254740993'])).toThrow(/^typeormKeyset: the saved cursor \[null,"9007199254740993"\] holds null for the key \["n","id"\]/);
      });

      it('resumes from a checkpoint an earlier version saved for a date key ({"@date": iso})', async () => {
        for (const plain of [false, true]) {
          const collection = typeormKeyset(harness.dataSource!.getRepository(Whole), { key: 'at', plain });
          const resumed = await collection.page(decodeCursor(collection, { '@date': '2026-01-01T00:00:02.000Z' }), 10);
          expect(ids(resumed)).toEqual([3, 4]);
          expect(await collection.count!(decodeCursor(collection, { '@date': '2026-01-01T00:00:01.000Z' }))).toBe(3);
          expect(await collection.keys!(decodeCursor(collection, { '@date': '2026-01-01T00:00:03.000Z' }), 10)).toHaveLength(1);
        }
      });

      it('pages a timestamp key across a daylight-saving gap in an app whose time zone is not UTC (America/New_York)', async () => {
        const zoned = `${table}_z`;
        const dir = target.db === 'sqlite' ? mkdtempSync(join(tmpdir(), 'after-party-tz-')) : undefined;
        const location = dir ? join(dir, 'db.sqlite') : target.url!;
        const type = target.db === 'postgres' ? 'timestamp(3)' : target.db === 'mysql' ? 'datetime(3)' : 'datetime';
        const ddl = `CREATE TABLE ${zoned} (id integer PRIMARY KEY, at ${type} NOT NULL UNIQUE)`;
        // 02:00 to 03:00 on 2026-03-08 does not exist in New York: a Date made of those local parts
        // is an hour later.
        const times = ['01:30', '01:50', '02:00', '02:10', '02:20', '02:30', '02:40', '02:50', '03:00', '03:05', '03:10', '03:20', '03:40'];
        const insert = `INSERT INTO ${zoned} VALUES ${times.map((time, i) => `(${i + 1}, '2026-03-08 ${time}:00.000')`).join(', ')}`;
        try {
          if (dir) {
            const Database = require('better-sqlite3');
            const db = new Database(location);
            db.exec(ddl);
            db.exec(insert);
            db.close();
          } else {
            await harness.sql!(ddl);
            await harness.sql!(insert);
          }
          const output = execFileSync(process.execPath, [join(__dirname, '..', 'support', 'keyset-time-zone-walk.js'), target.db, location, zoned], {
            env: { ...process.env, TZ: 'America/New_York' },
            encoding: 'utf8',
          });
          const all = Array.from({ length: 13 }, (_, i) => i + 1);
          expect(JSON.parse(output)).toEqual({ entities: all, plain: all });
        } finally {
          if (dir) {
            rmSync(dir, { recursive: true, force: true });
          } else {
            await harness.sql!(`DROP TABLE IF EXISTS ${zoned}`);
          }
        }
      });
    });

    describe('5. repeated keys, and keys equal under the collation', () => {
      it('asks the database nothing where the entity guarantees the key: a primary key, or a unique index on a non-nullable column', async () => {
        const queries = jest.spyOn(harness.dataSource!, 'createQueryRunner');
        try {
          await typeormKeyset(harness.dataSource!.getRepository(Repeat), { key: 'id' }).verify!();
          await typeormKeyset(harness.dataSource!.getRepository(Repeat), { key: ['rank', 'id'], plain: true }).verify!();
          await typeormKeyset(harness.dataSource!.getRepository(Micro), { key: 'at' }).verify!();
          expect(queries).not.toHaveBeenCalled();
          // A nullable column is checked for NULLs; a key without a unique index, for repeats.
          await typeormKeyset(harness.dataSource!.getRepository(Nullable).createQueryBuilder('x').where('x.rank IS NOT NULL'), { key: 'rank' }).verify!();
          expect(queries).toHaveBeenCalledTimes(2);
        } finally {
          queries.mockRestore();
        }
      });

      it('refuses a repeated key before the first batch, on every database', async () => {
        for (const plain of [false, true]) {
          const { record, processed } = await runBatched(typeormKeyset(harness.dataSource!.getRepository(Repeat), { key: 'rank', plain }), 4);
          expect(record.status).toBe('failed');
          expect(record.error).toMatch(
            /^typeormKeyset: the key "rank" repeats in the collection's query \(20 in 2 rows, as the database compares it\)[^\n]*: page by the primary key, or add it as a tiebreaker \(key: \['rank', 'id'\]\)\.$/,
          );
          expect(processed).toEqual([]);
        }
        // The primary key as a tiebreaker keeps it unique.
        const tied = await walk(typeormKeyset(harness.dataSource!.getRepository(Repeat), { key: ['rank', 'id'], plain: true }), 4);
        expect(tied).toHaveLength(21);
      });

      const collated: Record<StoreTarget['db'], { column: string; equal: string[][] } | undefined> = {
        // MariaDB's default collation: case-insensitive, and trailing spaces do not count.
        mysql: { column: 'varchar(40) NOT NULL', equal: [['a', 'A'], ['x', 'x ']] },
        postgres: { column: 'varchar(40) COLLATE after_party_ci NOT NULL', equal: [['a', 'A']] },
        sqlite: { column: 'varchar(40) COLLATE NOCASE NOT NULL', equal: [['a', 'A']] },
        mongo: undefined,
      };
      const setting = collated[target.db];
      if (setting) {
        it('refuses a key whose values are equal under the column\'s collation though JavaScript tells them apart', async () => {
          if (target.db === 'postgres') {
            await harness.sql!(`CREATE COLLATION IF NOT EXISTS after_party_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`);
          }
          for (const [first, second] of setting.equal) {
            await harness.sql!(`DROP TABLE IF EXISTS ${tables.coll}`);
            await harness.sql!(`CREATE TABLE ${tables.coll} (id integer PRIMARY KEY, code ${setting.column})`);
            await harness.sql!(`INSERT INTO ${tables.coll} VALUES (1, 'c'), (2, '${second}'), (3, 'b'), (4, '${first}'), (5, 'd')`);
            for (const plain of [false, true]) {
              const { record, processed } = await runBatched(typeormKeyset(harness.dataSource!.getRepository(Coll), { key: 'code', plain }), 1);
              expect(record.status).toBe('failed');
              expect(record.error).toMatch(/^typeormKeyset: the key "code" repeats in the collection's query \(.* in 2 rows, as the database compares it/);
              expect(processed).toEqual([]);
            }
          }
        });

        it('pages a unique key in the collation\'s order, which is not JavaScript\'s, every row once', async () => {
          await harness.sql!(`DROP TABLE IF EXISTS ${tables.uniq}`);
          await harness.sql!(`CREATE TABLE ${tables.uniq} (id integer PRIMARY KEY, code ${setting.column} UNIQUE)`);
          await harness.sql!(`INSERT INTO ${tables.uniq} VALUES (1, 'b'), (2, 'C'), (3, 'a'), (4, 'D'), (5, 'e'), (6, 'F')`);
          for (const plain of [false, true]) {
            const collection = typeormKeyset(harness.dataSource!.getRepository(Uniq), { key: 'code', plain });
            const { record, processed } = await runBatched(collection, 2);
            expect(record.status).toBe('completed');
            expect(processed.map((item) => item.code)).toEqual(['a', 'b', 'C', 'D', 'e', 'F']);
          }
        });
      }
    });
  },
  (target) => target.sql,
);
