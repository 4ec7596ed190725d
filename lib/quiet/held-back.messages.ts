import type { HeldBackJob } from './held-back-job.interface';

const SCHEDULED_KINDS: ReadonlyArray<HeldBackJob['kind']> = ['cron', 'interval', 'timeout'];
// @nestjs/schedule names the jobs declared without a name with a random UUID.
const GENERATED_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function describeScheduled(job: HeldBackJob): string {
  return `${job.kind} ${GENERATED_NAME.test(job.name) ? '(unnamed)' : job.name}`;
}

/**
 * The line saying what a command held back, e.g. `Held back during after-party:run:
 * 2 scheduled jobs (cron nightly-report, interval heartbeat), 1 queue worker (emails). Set
 * holdBackAppJobs: false to keep them running.`
 */
export function heldBackMessage(command: string, jobs: HeldBackJob[]): string {
  const scheduled = SCHEDULED_KINDS.flatMap((kind) => jobs.filter((job) => job.kind === kind));
  const workers = jobs.filter((job) => job.kind === 'worker');
  const parts: string[] = [];
  if (scheduled.length > 0) {
    parts.push(`${count(scheduled.length, 'scheduled job')} (${scheduled.map(describeScheduled).join(', ')})`);
  }
  if (workers.length > 0) {
    parts.push(`${count(workers.length, 'queue worker')} (${workers.map((job) => job.name).join(', ')})`);
  }
  return `Held back during ${command}: ${parts.join(', ')}. Set holdBackAppJobs: false to keep them running.`;
}
