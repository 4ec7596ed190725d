import { MAX_TIMER_MS } from '../config/after-party.constants';
import { InvalidTaskClassError } from '../errors/invalid-task-class.error';
import type { AfterPartyTaskOptions, BatchOptions } from '../interfaces/task-options.interface';
import { defaultTaskName } from './task-name';
import type { ResolvedBatchOptions } from './registered-task.interface';

/** Items per batch when `batch.size` is left out. */
export const DEFAULT_BATCH_SIZE = 1000;
/** Largest batch: bigger batches hold too much in memory and in one transaction. */
export const MAX_BATCH_SIZE = 100_000;

/**
 * Whether a task class is batched (`collection()` and `processBatch()`) or plain (`run()`), and
 * its batch options with defaults applied; null for a plain task. Throws naming the fix for a
 * class that is half of each, or batch options that cannot work.
 */
export function batchOptionsOf(className: string, options: AfterPartyTaskOptions, instance: unknown): ResolvedBatchOptions | null {
  const has = (method: string): boolean => typeof (instance as Record<string, unknown> | undefined)?.[method] === 'function';
  if (!has('processBatch') && !has('collection')) {
    refusePlainMisuse(className, options, has('run'));
    return null;
  }
  refuseHalfBatched(className, options, has);
  const batch = options.batch ?? {};
  if (typeof batch !== 'object' || batch === null) {
    throw new InvalidTaskClassError(className, `has batch ${JSON.stringify(batch)}`, 'Set `batch` to an object such as `{ size: 1000 }`, or leave it out.');
  }
  return {
    size: whole(className, 'batch.size', batch.size ?? DEFAULT_BATCH_SIZE, 1, MAX_BATCH_SIZE),
    transaction: batch.transaction === true,
    pause: whole(className, 'batch.pause', batch.pause ?? 0, 0, MAX_TIMER_MS),
    maxBackoff: whole(className, 'batch.maxBackoff', batch.maxBackoff ?? 30_000, 1, MAX_TIMER_MS),
    distribute: distributeOptionsOf(className, options, batch.distribute),
  };
}

/** A plain task must have `run()`, and no batch options. */
function refusePlainMisuse(className: string, options: AfterPartyTaskOptions, hasRun: boolean): void {
  if (options.batch !== undefined) {
    throw new InvalidTaskClassError(className, 'has batch options but no processBatch()', 'Add `collection()` and `processBatch(items, ctx)` (implement BatchedTask), or remove the batch option.');
  }
  if (!hasRun) {
    throw new InvalidTaskClassError(className, 'has no run() method', 'Add `async run(ctx: TaskContext): Promise<void>` (implement DeployTask), or `collection()` and `processBatch()` for a batched task.');
  }
}

/** A batched task needs both of its methods, no `run()`, and its transactions per batch. */
function refuseHalfBatched(className: string, options: AfterPartyTaskOptions, has: (method: string) => boolean): void {
  const missing = ['collection', 'processBatch'].find((method) => !has(method));
  if (missing) {
    throw new InvalidTaskClassError(className, `is a batched task without ${missing}()`, 'A batched task needs both `collection(ctx)` (the keyset pages) and `processBatch(items, ctx)` (implement BatchedTask).');
  }
  if (has('run')) {
    throw new InvalidTaskClassError(className, 'has both run() and processBatch()', 'A task is either plain (`run`) or batched (`collection` and `processBatch`): remove one.');
  }
  if (options.transaction) {
    throw new InvalidTaskClassError(className, 'is a batched task with transaction: true', 'Use `batch: { transaction: true }`: one transaction per batch, with its checkpoint.');
  }
}

/** A task's `batch.distribute` with its queue name settled; null when it is not distributed. */
function distributeOptionsOf(className: string, options: AfterPartyTaskOptions, distribute: BatchOptions['distribute']): ResolvedBatchOptions['distribute'] {
  if (distribute === undefined || distribute === false) {
    return null;
  }
  const given = distribute === true ? {} : distribute;
  if (typeof given !== 'object' || given === null) {
    throw new InvalidTaskClassError(className, `has batch.distribute ${JSON.stringify(distribute)}`, 'Set `batch.distribute` to true, or an object such as `{ concurrency: 8 }`.');
  }
  return {
    queue: queueNameOf(className, given.queue ?? `after-party-${options.name ?? defaultTaskName(className)}`),
    concurrency: optionalWhole(className, 'batch.distribute.concurrency', given.concurrency, 1, 1000),
    attempts: optionalWhole(className, 'batch.distribute.attempts', given.attempts, 1, 100),
  };
}

function queueNameOf(className: string, queue: unknown): string {
  if (typeof queue !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(queue)) {
    throw new InvalidTaskClassError(className, `has batch.distribute.queue ${JSON.stringify(queue)}`, 'Use letters, digits, ".", "_" and "-" (BullMQ queue names cannot hold ":").');
  }
  return queue;
}

function optionalWhole(className: string, option: string, value: unknown, min: number, max: number): number | null {
  return value === undefined ? null : whole(className, option, value, min, max);
}

function whole(className: string, option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidTaskClassError(className, `has ${option} ${JSON.stringify(value)}`, `Set \`${option}\` to a whole number from ${min} to ${max}, or leave it out.`);
  }
  return value;
}
