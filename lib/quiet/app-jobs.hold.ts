import type { OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import { HeldBackLog } from './held-back.log';
import { packageMayBeInUse } from '../discovery/package-in-use';
import { holdBackWorkers, keepWorkersFromStarting } from './queue-workers.hold';
import { holdBackScheduledJobs, keepCronJobsFromStarting, type SchedulerRegistryLike } from './scheduled-jobs.hold';

/**
 * Holds back the app's scheduled jobs and queue workers during an after-party command, and
 * logs what it held back (internal).
 */
export class AppJobsHold implements OnModuleInit, OnApplicationBootstrap {
  private readonly log = new HeldBackLog(process.argv[2] ?? 'after-party');
  /** Whether the app may have `@nestjs/bullmq` workers: without it, no provider is a `@Processor()` to look for. */
  private readonly queues = packageMayBeInUse('@nestjs/bullmq');
  /** Whether the app has `ScheduleModule` (its registry was found). */
  private scheduled = false;

  constructor(
    private readonly enabled: boolean,
    private readonly discovery: DiscoveryService,
  ) {}

  /**
   * Called while the providers are created, which Nest finishes before it calls any
   * lifecycle hook: before `@nestjs/bullmq` creates the workers (module init) and before
   * `ScheduleModule` mounts the jobs (application bootstrap).
   */
  beforeLifecycleHooks(scheduler: SchedulerRegistryLike | undefined): void {
    if (!this.enabled) {
      return;
    }
    if (scheduler) {
      this.scheduled = true;
      holdBackScheduledJobs(scheduler, (job) => this.log.add(job));
    }
    if (this.queues) {
      keepWorkersFromStarting(this.discovery.getProviders());
    }
  }

  /**
   * Nest initializes global modules first, so `ScheduleModule` has collected its `@Cron()` jobs
   * by now; it mounts them at application bootstrap, stopped from here on.
   */
  onModuleInit(): void {
    if (this.enabled && this.scheduled) {
      keepCronJobsFromStarting(this.discovery.getProviders());
    }
  }

  /**
   * Nest bootstraps global modules first, so `ScheduleModule` and `BullModule` are done by
   * now: everything they started is known and held back.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) {
      return;
    }
    if (this.queues) {
      for (const worker of await holdBackWorkers(this.discovery.getProviders())) {
        this.log.add({ kind: 'worker', name: worker.name });
      }
    }
    this.log.bootstrapped();
  }
}
