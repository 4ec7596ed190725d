import { Schema } from 'mongoose';
import { EntitySchema } from 'typeorm';
import { decodeCursor, encodeCursor } from '../../lib/batch/cursor-codec';
import { refuseUnorderedKeys } from '../../lib/batch/key-order';
import { mongooseKeyset } from '../../lib/batch/mongoose-keyset';
import { typeormKeyset } from '../../lib/batch/typeorm-keyset';
import type { KeysetCollection } from '../../lib/interfaces/batched-task.interface';
import { dropTestTables } from '../support/drop-tables';
import { runRecord } from '../support/run-records';
import { openHarness, type StoreHarness } from '../support/store-harness';
import { describeEachStore, uniqueTable } from '../support/stores';

interface Event {
  id: number;
  day: Date;
  kind: string;
}

/**
 * Every item, page by page, as the runner reads them: one item more than a page, every key
 * checked against the cursor and the key before it, and each page resumed from the cursor as its
 * checkpoint stores it (through JSON).
 */
async function walk<T>(collection: KeysetCollection<T, unknown>, size: number): Promise<T[]> {
  const seen: T[] = [];
  let cursor: unknown;
  for (;;) {
    const page = await collection.page(cursor, size + 1);
    const keys = page.map((item) => encodeCursor(collection, collection.cursorOf(item)));
    refuseUnorderedKeys('walk', cursor === undefined ? undefined : encodeCursor(collection, cursor), keys);
    seen.push(...page.slice(0, size));
    if (page.length <= size) {
      return seen;
    }
    cursor = decodeCursor(collection, JSON.parse(JSON.stringify(keys[size - 1])));
  }
}

describeEachStore(
  'keyset helpers: typeormKeyset',
  (target) => {
    let harness: StoreHarness;
    const table = uniqueTable('keyset');
    const EventEntity = new EntitySchema<Event>({
      name: `Event_${table}`,
      tableName: table,
      columns: { id: { type: Number, primary: true }, day: { type: target.db === 'postgres' ? 'timestamptz' : 'datetime' }, kind: { type: String } },
    });

    // A pet's owner is a relation; its `ownerId` is a column of its own behind it.
    const owners = `${table}_own`;
    const pets = `${table}_pet`;
    const Owner = new EntitySchema<{ id: number }>({ name: `Owner_${table}`, tableName: owners, columns: { id: { type: Number, primary: true } } });
    const Pet = new EntitySchema<{ id: number; ownerId: number; name: string; secret: string; owner?: unknown }>({
      name: `Pet_${table}`,
      tableName: pets,
      columns: {
        id: { type: Number, primary: true },
        ownerId: { type: Number, name: 'owner_id' },
        name: { type: String },
        secret: { type: String, select: false },
      },
      relations: { owner: { type: 'many-to-one', target: `Owner_${table}`, joinColumn: { name: 'owner_id' } } },
    });

    beforeAll(async () => {
      harness = await openHarness(target, { entities: [EventEntity, Owner, Pet] });
      await harness.sql!(`CREATE TABLE ${table} (id integer PRIMARY KEY, day ${target.db === 'postgres' ? 'timestamptz' : 'datetime'} NOT NULL, kind varchar(10) NOT NULL)`);
      // 57 events over 5 days: days repeat, (day, id) is unique. Written as TypeORM writes
      // datetimes (SQLite keeps them as text, compared as text).
      const rows = Array.from({ length: 57 }, (_, i) => `(${i + 1}, '2026-01-0${1 + (i % 5)} 00:00:00.000', '${i % 3 === 0 ? 'a' : 'b'}')`);
      await harness.sql!(`INSERT INTO ${table} (id, day, kind) VALUES ${rows.join(', ')}`);
    });

    afterAll(async () => {
      await dropTestTables(target, table);
      await harness?.close();
    });

    const repository = () => harness.dataSource!.getRepository(EventEntity);

    it('pages a query builder by its primary key: every matching row once, in order, and counts them', async () => {
      const collection = typeormKeyset(repository().createQueryBuilder('event').where('event.kind = :kind', { kind: 'a' }), { key: 'id' });
      const ids = (await walk(collection, 4)).map((event) => event.id);
      expect(ids).toEqual(Array.from({ length: 19 }, (_, i) => i * 3 + 1));
      expect(await collection.count!()).toBe(19);
      expect(await collection.keys!(4, 3)).toEqual([7, 10, 13]);
      expect((await collection.range!(4, 13)).map((event) => event.id)).toEqual([7, 10, 13]);
    });

    it('pages by a composite key whose first part repeats (date, id), with the date cursor surviving JSON', async () => {
      const collection = typeormKeyset(repository(), { key: ['day', 'id'] });
      const events = await walk(collection, 5);
      expect(events.map((event) => event.id).sort((a, b) => a - b)).toEqual(Array.from({ length: 57 }, (_, i) => i + 1));
      const order = events.map((event) => [new Date(event.day).getTime(), event.id]);
      expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
      // The date part of the cursor of an item just read is the database's own text of the value,
      // bound back as it is.
      const [first] = await collection.page(undefined, 1);
      expect(encodeCursor(collection, collection.cursorOf(first))).toEqual([expect.stringMatching(/^2026-01-01 00:00:00/), first.id]);
    });

    it('plain: pages plain objects of the selected columns, with column types applied and the builder\'s conditions kept', async () => {
      const builder = repository().createQueryBuilder('event').where('event.kind = :kind', { kind: 'a' });
      const collection = typeormKeyset(builder, { key: 'id', plain: true });
      // Page after page through one statement, each with its own cursor.
      const events = await walk(collection, 4);
      expect(events.map((event) => event.id)).toEqual(Array.from({ length: 19 }, (_, i) => i * 3 + 1));
      expect(Object.keys(events[0]).sort()).toEqual(['day', 'id', 'kind']);
      // A date column comes back as a Date on every database (SQLite keeps text).
      expect(events.every((event) => event.day instanceof Date && event.kind === 'a')).toBe(true);
      expect(events[1].day.toISOString()).toBe('2026-01-04T00:00:00.000Z');
      expect(await collection.count!(4)).toBe(17);
      expect(await collection.keys!(4, 3)).toEqual([7, 10, 13]);
      expect((await collection.range!(4, 13)).map((event) => event.id)).toEqual([7, 10, 13]);
      expect((await collection.range!(undefined, 4)).map((event) => event.id)).toEqual([1, 4]);

      const narrow = typeormKeyset(repository(), { key: 'id', plain: true, select: ['kind'] });
      const [first] = await narrow.page(10, 2);
      expect(first).toEqual({ id: 11, kind: 'b' });
    });

    it('plain: pages by a composite key, the date cursor surviving JSON', async () => {
      const collection = typeormKeyset(repository(), { key: ['day', 'id'], plain: true, select: ['day', 'id'] });
      const events = await walk(collection, 5);
      expect(events).toHaveLength(57);
      const order = events.map((event) => [event.day.getTime(), event.id]);
      expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
      expect(new Set(events.map((event) => event.id)).size).toBe(57);
    });

    it('plain: reads a column of its own behind a relation, leaves out `select: false` columns unless selected, and never the relation', async () => {
      await harness.sql!(`CREATE TABLE ${owners} (id integer PRIMARY KEY)`);
      await harness.sql!(`CREATE TABLE ${pets} (id integer PRIMARY KEY, owner_id integer NOT NULL, name varchar(20) NOT NULL, secret varchar(20) NOT NULL)`);
      try {
        await harness.sql!(`INSERT INTO ${owners} (id) VALUES (1), (2)`);
        await harness.sql!(`INSERT INTO ${pets} (id, owner_id, name, secret) VALUES (1, 2, 'rex', 's1'), (2, 1, 'tom', 's2'), (3, 1, 'kit', 's3')`);
        const repository = harness.dataSource!.getRepository(Pet);
        expect(await walk(typeormKeyset(repository, { key: 'id', plain: true }), 2)).toEqual([
          { id: 1, ownerId: 2, name: 'rex' },
          { id: 2, ownerId: 1, name: 'tom' },
          { id: 3, ownerId: 1, name: 'kit' },
        ]);
        const byOwner = typeormKeyset(repository, { key: ['ownerId', 'id'], plain: true, select: ['secret'] });
        expect(await walk(byOwner, 2)).toEqual([
          { ownerId: 1, id: 2, secret: 's2' },
          { ownerId: 1, id: 3, secret: 's3' },
          { ownerId: 2, id: 1, secret: 's1' },
        ]);
        expect(() => typeormKeyset(repository, { key: 'id', plain: true, select: ['owner'] as never })).toThrow(/not "owner"/);
      } finally {
        await harness.sql!(`DROP TABLE IF EXISTS ${pets}`);
        await harness.sql!(`DROP TABLE IF EXISTS ${owners}`);
      }
    });

    if (target.db === 'postgres') {
      it('pages a date key that keeps microseconds, every row once in the database\'s order (the cursor is the database\'s text, not a Date)', async () => {
        const micro = `${table}_us`;
        const MicroEntity = new EntitySchema<{ id: number; at: Date }>({
          name: `Micro_${micro}`,
          tableName: micro,
          columns: { id: { type: Number, primary: true }, at: { type: 'timestamptz' } },
        });
        await harness.sql!(`CREATE TABLE ${micro} (id integer PRIMARY KEY, at timestamptz NOT NULL)`);
        try {
          // 40 rows within one millisecond, their microseconds in another order than their ids.
          await harness.sql!(`INSERT INTO ${micro} (id, at) SELECT i, '2026-01-01T00:00:00Z'::timestamptz + ((i * 37) % 1000) * interval '1 microsecond' FROM generate_series(1, 40) i`);
          const expected = (await harness.sql!(`SELECT id FROM ${micro} ORDER BY at`)).map((row: { id: number }) => row.id);
          const source = await openHarness(target, { entities: [MicroEntity] });
          try {
            const repository = source.dataSource!.getRepository(MicroEntity);
            for (const plain of [false, true]) {
              expect((await walk(typeormKeyset(repository, { key: ['at', 'id'], plain }), 10)).map((row) => row.id)).toEqual(expected);
              expect((await walk(typeormKeyset(repository, { key: 'at', plain }), 10)).map((row) => row.id)).toEqual(expected);
            }
            // The same rows paged by their primary key: every one once.
            expect((await walk(typeormKeyset(repository, { key: 'id', plain: true }), 10)).map((row) => row.id)).toEqual(
              Array.from({ length: 40 }, (_, i) => i + 1),
            );
          } finally {
            await source.close();
          }
        } finally {
          await harness.sql!(`DROP TABLE IF EXISTS ${micro}`);
        }
      });
    }

    it('refuses a key that is not a column, and plain-mode options it cannot honour, each with one line that names the fix', () => {
      for (const plain of [false, true]) {
        expect(() => typeormKeyset(repository(), { key: ['day', 'nope'], plain })).toThrow(
          `typeormKeyset: the key "nope" is not a column of Event_${table} (its columns: id, day, kind).`,
        );
      }
      expect(() => typeormKeyset(repository(), { key: 'id', select: ['kind'] } as never)).toThrow('typeormKeyset: `select` needs `plain: true`');
      // A checkpoint saved by a run with another key.
      expect(() => typeormKeyset(repository(), { key: ['day', 'id'] }).decodeCursor!(5)).toThrow(
        'typeormKeyset: the saved cursor 5 does not fit the key ["day","id"] (was the key changed after the run that saved it?). after-party:reset <task> starts the task over.',
      );
      expect(() => typeormKeyset(repository(), { key: 'id', plain: true }).decodeCursor!([{ '@date': '2026-01-01T00:00:00.000Z' }, 4])).toThrow(
        /does not fit the key "id"/,
      );
      expect(() => typeormKeyset(repository(), { key: 'id', plain: true, select: ['kind', 'nope'] as never })).toThrow(
        'typeormKeyset: plain mode reads the entity\'s own columns (id, day, kind), not "nope".',
      );
      const withoutEntity = harness.dataSource!.createQueryBuilder().select('*').from('a_table_without_entity', 'event');
      expect(() => typeormKeyset(withoutEntity, { key: 'id', plain: true })).toThrow(
        'typeormKeyset: `plain: true` needs a repository or a query builder over an entity.',
      );
    });
  },
  (target) => target.sql,
);

describeEachStore(
  'keyset helpers: mongooseKeyset',
  (target) => {
    let harness: StoreHarness;
    const collectionName = uniqueTable('keyset');

    beforeAll(async () => {
      harness = await openHarness(target);
    });

    afterAll(async () => {
      await dropTestTables(target, collectionName);
      await harness.mongo!.db!.dropCollection(collectionName).catch(() => undefined);
      await harness?.close();
    });

    it('pages by ObjectId, and its cursor checkpoints on a run record in MongoDB and comes back as an ObjectId', async () => {
      const model = harness.mongo!.model<{ _id: unknown; n: number; kind: string }>(collectionName, new Schema<any>({ n: Number, kind: String }, { versionKey: false }), collectionName);
      await model.insertMany(Array.from({ length: 23 }, (_, n) => ({ n, kind: n % 2 ? 'odd' : 'even' })));
      const collection = mongooseKeyset(model, { filter: { kind: 'even' } });
      const docs = await walk(collection, 5);
      expect(docs.map((doc) => doc.n)).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
      expect(await collection.count!()).toBe(12);

      // The checkpoint is stored in MongoDB itself: no key may start with "$".
      const store = harness.store(collectionName);
      const record = runRecord('20260101000001');
      await store.insertRun(record);
      const encoded = encodeCursor(collection, collection.cursorOf(docs[4]));
      await store.updateRun(record.id, { checkpoint: { cursor: encoded } });
      const saved = (await store.lastRun(record.version))?.checkpoint as { cursor: unknown };
      expect(saved.cursor).toEqual({ '@oid': String(docs[4]._id) });
      const resumed = await collection.page(decodeCursor(collection, saved.cursor), 100);
      expect(resumed.map((doc) => doc.n)).toEqual([10, 12, 14, 16, 18, 20, 22]);
    });
  },
  (target) => target.db === 'mongo',
);
