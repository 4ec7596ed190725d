/** Something of the app's that an after-party command keeps from running. */
export interface HeldBackJob {
  /** A `@nestjs/schedule` cron job, interval or timeout, or a `@nestjs/bullmq` queue worker. */
  kind: 'cron' | 'interval' | 'timeout' | 'worker';
  /** The job's name in the `SchedulerRegistry`, or the worker's queue name. */
  name: string;
}
