import { Logger } from '@nestjs/common';
import type { Db } from 'mongodb';

/** Reads the time now; a lease is timed by one clock that every runner shares. */
export type LeaseClock = () => Promise<Date>;

interface HelloReply {
  localTime?: unknown;
}

/**
 * The database server's clock, as its `hello` reply states it (`isMaster` on servers before
 * `hello`): the one clock every runner of a lease shares. Runners' own clocks may be minutes
 * apart, and a lease timed by them expires early for one that runs ahead, which then takes
 * over a live lease and runs a task twice. Both MongoDB and FerretDB answer `hello` with
 * `localTime`; an update pipeline with `$$NOW` would be one round trip fewer, but FerretDB v1
 * has neither update pipelines nor `$expr` comparisons.
 */
export function serverClock(db: () => Promise<Db>): LeaseClock {
  let warned = false;
  return async () => {
    const database = await db();
    const reply = (await database.command({ hello: 1 }).catch(() => database.command({ isMaster: 1 }))) as HelloReply;
    if (reply.localTime instanceof Date) {
      return reply.localTime;
    }
    if (!warned) {
      warned = true;
      new Logger('AfterParty').warn(
        "The MongoDB server's hello reply has no localTime: the run lease is timed by this host's clock, so keep the clocks of every host that runs after-party in sync (NTP).",
      );
    }
    return new Date();
  };
}
