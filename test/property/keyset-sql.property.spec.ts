import { describeEachStore } from '../support/stores';
import { checkProperty } from './check';
import { logSeed } from './settings';
import { SqlPropertyEnvironment, sqlCases } from './sql-case';

/**
 * The keyset contract of `typeormKeyset`, property-based, on SQLite, PostgreSQL and MariaDB: for
 * every key kind, generated tables (NULL keys and keys equal under the collation among them),
 * generated queries (a repository; query builders with OR, orWhere, IN and a join), random batch
 * sizes, runs stopped and resumed from their checkpoint, and rows deleted and inserted between
 * batches. Each run goes through the runner's batch loop, and what it processed is compared with
 * the same query run without paging.
 */
describeEachStore(
  'keyset contract (property): typeormKeyset',
  (target) => {
    const environment = new SqlPropertyEnvironment(target);

    beforeAll(async () => {
      logSeed();
      await environment.setUp();
    });

    afterAll(async () => {
      await environment.tearDown();
    });

    for (const kind of environment.kinds) {
      it(`key ${kind.name}: processes exactly the unpaged query's rows, or refuses a key that cannot keep the contract`, async () => {
        if (!environment.available(kind)) {
          process.stdout.write(`${kind.name}: this PostgreSQL has no ICU collations, SKIPPED\n`);
          return;
        }
        await checkProperty(`typeormKeyset ${target.name} ${kind.name}`, sqlCases(kind), (sample) => environment.run(kind.name, sample));
      });
    }
  },
  (target) => target.sql,
);
