import { describeEachStore } from '../../support/stores';
import { checkProperty } from '../check';
import { MONGO_KINDS, MongoPropertyEnvironment, mongoCases } from '../mongo-case';
import { logSeed } from '../settings';
import { SqlPropertyEnvironment, sqlCases } from '../sql-case';

/**
 * The timestamp keys again, in a process whose time zone is not UTC (`TZ`, set by
 * keyset-zoned.spec.ts, which runs this file in a Jest of its own): values around the
 * daylight-saving transitions of New York and Berlin, to the microsecond where the column keeps it.
 */
const zone = process.env.TZ ?? 'UTC';

describeEachStore(`keyset contract (property) in TZ=${zone}`, (target) => {
  if (target.sql) {
    const environment = new SqlPropertyEnvironment(target, (kind) => kind.timestamp === true);
    beforeAll(async () => {
      logSeed();
      await environment.setUp();
    });
    afterAll(async () => {
      await environment.tearDown();
    });
    for (const kind of environment.kinds) {
      it(`typeormKeyset, key ${kind.name}: processes exactly the unpaged query's rows`, async () => {
        await checkProperty(`typeormKeyset ${target.name} ${kind.name} TZ=${zone}`, sqlCases(kind), (sample) => environment.run(kind.name, sample));
      });
    }
  } else {
    const environment = new MongoPropertyEnvironment(
      target,
      MONGO_KINDS.filter((kind) => kind.name === 'date'),
    );
    beforeAll(async () => {
      logSeed();
      await environment.setUp();
    });
    afterAll(async () => {
      await environment.tearDown();
    });
    it("mongooseKeyset, key date: processes exactly the unpaged find's documents", async () => {
      await checkProperty(`mongooseKeyset date TZ=${zone}`, mongoCases(MONGO_KINDS.find((kind) => kind.name === 'date')!), (sample) =>
        environment.run('date', sample),
      );
    });
  }
});
