// Walks a `timestamp`/`datetime` key with typeormKeyset (the built library) in a process whose
// time zone is the one it was started with (TZ), so drivers read the key as local time. Prints
// the ids every walk saw, as JSON: { entities: number[], plain: number[] }.
// Usage: TZ=America/New_York node keyset-time-zone-walk.js <db> <url|sqlite file> <table>
const { DataSource, EntitySchema } = require('typeorm');
const { typeormKeyset } = require('../../dist/batch/typeorm-keyset');
const { decodeCursor, encodeCursor } = require('../../dist/batch/cursor-codec');
const { refuseUnorderedKeys } = require('../../dist/batch/key-order');

const [db, location, table] = process.argv.slice(2);

/** Every item, a page of `size` at a time, each page resumed from its cursor through JSON. */
async function walk(collection, size) {
  await collection.verify?.();
  const seen = [];
  let cursor;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await collection.page(cursor, size + 1);
    const keys = page.map((item) => encodeCursor(collection, collection.cursorOf(item)));
    refuseUnorderedKeys('walk', cursor === undefined ? undefined : encodeCursor(collection, cursor), keys);
    seen.push(...page.slice(0, size));
    if (page.length <= size) {
      return seen;
    }
    cursor = decodeCursor(collection, JSON.parse(JSON.stringify(keys[size - 1])));
  }
  throw new Error('walk: no end after 1000 pages');
}

async function main() {
  const type = db === 'postgres' ? 'timestamp' : 'datetime';
  const Entity = new EntitySchema({
    name: 'TimeZoneWalk',
    tableName: table,
    columns: { id: { type: Number, primary: true }, at: { type, unique: true } },
  });
  const dataSource = new DataSource(
    db === 'sqlite' ? { type: 'better-sqlite3', database: location, entities: [Entity] } : { type: db, url: location, entities: [Entity] },
  );
  await dataSource.initialize();
  try {
    const repository = dataSource.getRepository(Entity);
    const result = {};
    for (const [name, plain] of [
      ['entities', false],
      ['plain', true],
    ]) {
      const items = await walk(typeormKeyset(repository, { key: 'at', plain }), 2);
      result[name] = items.map((item) => item.id);
    }
    process.stdout.write(JSON.stringify(result));
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ error: String(error && error.message) }));
});
