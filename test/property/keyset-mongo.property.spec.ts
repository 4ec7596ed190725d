import { describeEachStore } from '../support/stores';
import { checkProperty } from './check';
import { MongoPropertyEnvironment, mongoCases } from './mongo-case';
import { logSeed, PROPERTY_RUNS } from './settings';

/**
 * Sub-properties that still fail on the helpers, each with what fails: they are skipped, with that
 * title, until the fix lands (then delete the entry).
 */
export const OPEN_FINDINGS: Record<string, string> = {};

/** Fewer runs than on SQL: the MongoDB-wire server (FerretDB on SQLite) answers several times slower. */
const MONGO_RUNS = Math.max(5, Math.round(PROPERTY_RUNS * 0.6));

/**
 * The keyset contract of `mongooseKeyset`, property-based, on the MongoDB-wire server: for every
 * key kind, generated collections (null and missing keys, equal keys, mixed BSON types among
 * them), generated filters ($in, $or, $or beside another condition, one on the key itself),
 * random batch sizes, runs stopped and resumed from their checkpoint, and documents deleted and
 * inserted between batches, through the runner's batch loop, compared with the same `find()`
 * without paging.
 */
describeEachStore(
  'keyset contract (property): mongooseKeyset',
  (target) => {
    const environment = new MongoPropertyEnvironment(target);

    beforeAll(async () => {
      logSeed();
      await environment.setUp();
    });

    afterAll(async () => {
      await environment.tearDown();
    });

    for (const kind of environment.kinds) {
      const title = `key ${kind.name}: processes exactly the unpaged find's documents, or refuses a key that cannot keep the contract`;
      const open = OPEN_FINDINGS[kind.name];
      if (open) {
        // Fails at the time of writing (see .tmp/property-findings.md): skipped until the fix lands, not removed.
        it.skip(`${title} [SKIPPED, fails until fixed: ${open}]`, () => undefined);
        continue;
      }
      it(title, async () => {
        await checkProperty(`mongooseKeyset ${kind.name}`, mongoCases(kind), (sample) => environment.run(kind.name, sample), MONGO_RUNS);
      });
    }
  },
  (target) => target.db === 'mongo',
);
