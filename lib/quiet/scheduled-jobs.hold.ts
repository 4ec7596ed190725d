import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import type { HeldBackJob } from './held-back-job.interface';

type Timer = Parameters<typeof clearTimeout>[0];

/** The part of a `cron` CronJob used here. */
interface CronJobLike {
  stop(): unknown;
  fireOnTick(): unknown;
}

/** The part of `SchedulerRegistry` (@nestjs/schedule) used here. */
export interface SchedulerRegistryLike {
  getCronJobs(): Map<string, CronJobLike>;
  getIntervals(): string[];
  getInterval(name: string): Timer;
  getTimeouts(): string[];
  getTimeout(name: string): Timer;
  addCronJob(name: string, job: CronJobLike): void;
  addInterval(name: string, intervalId: Timer): void;
  addTimeout(name: string, timeoutId: Timer): void;
}

/**
 * Keeps every `@nestjs/schedule` job of the app from firing for the rest of the process: the
 * ones already in the registry now, and each one added later at the moment it is added.
 *
 * Why at the moment it is added: `ScheduleModule` mounts the `@Cron()`, `@Interval()` and
 * `@Timeout()` jobs on application bootstrap, creating each timer and adding it to the
 * registry in one synchronous step. Holding it back right there leaves it no turn of the
 * event loop to fire in, whatever the order of the modules and however long other bootstrap
 * hooks wait; clearing the registry from a bootstrap hook of ours would leave such a window.
 * The jobs stay registered (stopped), so app code that looks one up by name still finds it.
 */
export function holdBackScheduledJobs(registry: SchedulerRegistryLike, onHeld: (job: HeldBackJob) => void): void {
  const holdCron = (name: string, job: CronJobLike): void => {
    job.stop();
    // A cron job with an initialDelay is started again after that delay, and app code may
    // start one by name: it still must not run.
    job.fireOnTick = async () => undefined;
    onHeld({ kind: 'cron', name });
  };
  const holdInterval = (name: string): void => {
    clearInterval(registry.getInterval(name));
    onHeld({ kind: 'interval', name });
  };
  const holdTimeout = (name: string): void => {
    clearTimeout(registry.getTimeout(name));
    onHeld({ kind: 'timeout', name });
  };

  registry.getCronJobs().forEach((job, name) => holdCron(name, job));
  registry.getIntervals().forEach(holdInterval);
  registry.getTimeouts().forEach(holdTimeout);

  const { addCronJob, addInterval, addTimeout } = registry;
  registry.addCronJob = (name, job) => {
    addCronJob.call(registry, name, job);
    holdCron(name, job);
  };
  registry.addInterval = (name, intervalId) => {
    addInterval.call(registry, name, intervalId);
    holdInterval(name);
  };
  registry.addTimeout = (name, timeoutId) => {
    addTimeout.call(registry, name, timeoutId);
    holdTimeout(name);
  };
}

/** The part of `@nestjs/schedule`'s `SchedulerOrchestrator` used here (the package does not export the class). */
interface SchedulerOrchestratorLike {
  cronJobs: Record<string, { options: { disabled?: boolean } }>;
  mountCron(): unknown;
}

function isSchedulerOrchestrator(wrapper: InstanceWrapper): boolean {
  const instance = wrapper.instance as Partial<SchedulerOrchestratorLike> | null | undefined;
  return wrapper.name === 'SchedulerOrchestrator' && typeof instance?.mountCron === 'function' && typeof instance.cronJobs === 'object';
}

/**
 * Marks every `@Cron()` job `ScheduleModule` is about to mount as disabled, so that it is
 * created stopped. Holding a cron job back as it is added to the registry comes too late for
 * one case: when the first tick computed at start is already past (a busy machine, the time
 * `cron` takes to compute it), `cron` runs that tick at once inside `CronJob.from()`, before the
 * job reaches the registry. Called from a module-init hook: `ScheduleModule`, a global module,
 * has collected the jobs by then, and mounts them only at application bootstrap.
 */
export function keepCronJobsFromStarting(providers: InstanceWrapper[]): void {
  for (const wrapper of providers.filter(isSchedulerOrchestrator)) {
    for (const job of Object.values((wrapper.instance as SchedulerOrchestratorLike).cronJobs)) {
      job.options = { ...job.options, disabled: true };
    }
  }
}
