import { Global, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Cron, ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { CronJob, CronTime } from 'cron';
import { AFTER_PARTY_OPTIONS } from '../../lib/config/after-party.constants';
import { AfterPartyQuietModule } from '../../lib/quiet/after-party-quiet.module';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HeldBackJob } from '../../lib/quiet/held-back-job.interface';
import { holdBackScheduledJobs, type SchedulerRegistryLike } from '../../lib/quiet/scheduled-jobs.hold';

describe('holdBackScheduledJobs', () => {
  const fired: string[] = [];
  const held: HeldBackJob[] = [];
  let registry: SchedulerRegistry;

  beforeEach(() => {
    fired.length = 0;
    held.length = 0;
    registry = new SchedulerRegistry();
  });
  afterEach(() => {
    registry.getIntervals().forEach((name) => registry.deleteInterval(name));
    registry.getTimeouts().forEach((name) => registry.deleteTimeout(name));
    [...registry.getCronJobs().keys()].forEach((name) => registry.deleteCronJob(name));
  });

  const everySecond = (name: string): CronJob =>
    CronJob.from({ cronTime: '* * * * * *', onTick: () => void fired.push(name), start: true });
  const hold = (): void => holdBackScheduledJobs(registry as unknown as SchedulerRegistryLike, (job) => held.push(job));

  it('holds back the jobs already registered and those added later, which stay registered', async () => {
    registry.addInterval(
      'before',
      setInterval(() => fired.push('before'), 5),
    );
    registry.addCronJob('nightly', everySecond('nightly'));
    hold();
    // Only what fires after holding counts: on a loaded machine cron runs a tick it computes as
    // just missed at once, inside CronJob.from(), before the job is ever held.
    fired.length = 0;
    registry.addInterval(
      'heartbeat',
      setInterval(() => fired.push('heartbeat'), 5),
    );
    registry.addTimeout(
      'warmup',
      setTimeout(() => fired.push('warmup'), 5),
    );
    registry.addCronJob('reports', everySecond('reports'));

    await sleep(1100);

    expect(fired).toEqual([]);
    expect(held).toEqual([
      { kind: 'cron', name: 'nightly' },
      { kind: 'interval', name: 'before' },
      { kind: 'interval', name: 'heartbeat' },
      { kind: 'timeout', name: 'warmup' },
      { kind: 'cron', name: 'reports' },
    ]);
    expect(registry.getIntervals()).toEqual(['before', 'heartbeat']);
    expect(registry.getCronJob('reports').isActive).toBe(false);
  });

  it('keeps a held-back cron job from running when something starts it again (initialDelay, app code)', async () => {
    hold();
    registry.addCronJob('nightly', everySecond('nightly'));
    fired.length = 0; // a just-missed tick run inside CronJob.from(), before the job was added
    registry.getCronJob('nightly').start();

    await sleep(1100);

    expect(fired).toEqual([]);
  });
});

describe('a command process with ScheduleModule (AfterPartyQuietModule)', () => {
  const fired: string[] = [];

  @Injectable()
  class Reports {
    @Cron('* * * * * *', { name: 'reports' })
    everySecond(): void {
      fired.push('reports');
    }
  }

  afterEach(() => {
    jest.restoreAllMocks();
    fired.length = 0;
  });

  /** Boots the app with the first tick of each cron job computed as 5 ms past, as on a busy machine; what fired in its first 1.1 s. */
  async function bootLate(holdBackAppJobs: boolean): Promise<{ fired: string[]; active: boolean }> {
    const getTimeout = CronTime.prototype.getTimeout;
    const late = new WeakSet<CronTime>();
    jest.spyOn(CronTime.prototype, 'getTimeout').mockImplementation(function (this: CronTime) {
      if (late.has(this)) return getTimeout.call(this);
      late.add(this);
      return -5;
    });
    @Global()
    @Module({ providers: [{ provide: AFTER_PARTY_OPTIONS, useValue: { holdBackAppJobs } }], exports: [AFTER_PARTY_OPTIONS] })
    class OptionsModule {}
    @Module({ imports: [OptionsModule, ScheduleModule.forRoot(), AfterPartyQuietModule.forCommand()], providers: [Reports] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    try {
      await sleep(1100);
      return { fired: [...fired], active: app.get(SchedulerRegistry).getCronJob('reports').isActive };
    } finally {
      await app.close();
    }
  }

  it('runs a just-missed first tick at once when jobs are not held back (cron does so inside CronJob.from())', async () => {
    const { fired: ran, active } = await bootLate(false);
    expect(ran[0]).toBe('reports');
    expect(active).toBe(true);
  });

  it('never runs a cron job whose first tick is computed as just missed when jobs are held back', async () => {
    expect(await bootLate(true)).toEqual({ fired: [], active: false });
  });
});
