'use strict';
/**
 * The reference: TypeORM's own `migration:run`, as a whole process. Initialises a DataSource with
 * BENCH_N generated no-op migration classes and calls runMigrations() with
 * BENCH_TRANSACTION (each | all | none), like `typeorm migration:run -d data-source.js -t each`.
 *
 * Environment: BENCH_DB (sqlite | postgres), BENCH_URL, BENCH_TABLE (migrations table), BENCH_N.
 */
require('reflect-metadata');
const { DataSource } = require('typeorm');

const db = process.env.BENCH_DB ?? 'sqlite';
const url = process.env.BENCH_URL ?? 'bench.sqlite';
const n = Number(process.env.BENCH_N ?? 1000);
const transaction = process.env.BENCH_TRANSACTION ?? 'each';

function migrationClasses(count) {
  const classes = [];
  const base = 1704067200000; // 2024-01-01, 13 digits
  for (let i = 1; i <= count; i++) {
    const className = `BenchNoop${String(i).padStart(5, '0')}${base + i * 60_000}`;
    classes.push(
      {
        [className]: class {
          async up() {}
          async down() {}
        },
      }[className],
    );
  }
  return classes;
}

async function main() {
  const connection = db === 'sqlite' ? { type: 'better-sqlite3', database: url } : { type: 'postgres', url };
  const dataSource = new DataSource({
    ...connection,
    migrations: migrationClasses(n),
    migrationsTableName: process.env.BENCH_TABLE ?? 'bench_typeorm_migrations',
    logging: false,
  });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction });
    if (process.env.BENCH_VERBOSE) {
      process.stdout.write(`${applied.length} migrations applied\n`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`typeorm-migrate: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
