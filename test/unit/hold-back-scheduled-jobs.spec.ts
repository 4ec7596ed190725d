import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
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
