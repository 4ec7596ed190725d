import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { providerClass, type ProviderClass } from '../discovery/provider-class';

// The metadata keys of @nestjs/bullmq's @Processor(queue, workerOptions).
const PROCESSOR_METADATA = 'bullmq:processor_metadata';
const WORKER_METADATA = 'bullmq:worker_metadata';

/** The part of a BullMQ Worker used here. */
export interface WorkerLike {
  readonly name: string;
  isRunning(): boolean;
  isPaused(): boolean;
  pause(doNotWaitActive?: boolean): Promise<void>;
}

/** The app's `@Processor()` classes and their providers (after-party's batch workers are no such class). */
function appProcessors(providers: InstanceWrapper[]): Array<{ wrapper: InstanceWrapper; target: ProviderClass }> {
  return providers.flatMap((wrapper) => {
    const target = providerClass(wrapper);
    return target && Reflect.getMetadata(PROCESSOR_METADATA, target) ? [{ wrapper, target }] : [];
  });
}

/** The worker of a processor (a `WorkerHost`), unless it has none yet (manual registration). */
function workerOf(processor: unknown): WorkerLike | undefined {
  try {
    return (processor as { worker?: WorkerLike } | undefined)?.worker;
  } catch {
    return undefined;
  }
}

/**
 * Gives the app's `@Processor()` classes the worker option `autorun: false`, as if declared
 * `@Processor(queue, { autorun: false })`, so that the workers `@nestjs/bullmq` creates for
 * them on module init never ask Redis for a job. Called while providers are created, before
 * any module init. Pausing a started worker instead would race with its first fetch, which
 * takes a job as soon as the Redis connection is up.
 */
export function keepWorkersFromStarting(providers: InstanceWrapper[]): void {
  for (const { target } of appProcessors(providers)) {
    const options: object = Reflect.getMetadata(WORKER_METADATA, target) ?? {};
    Reflect.defineMetadata(WORKER_METADATA, { ...options, autorun: false }, target);
  }
}

/**
 * The app's queue workers, once `@nestjs/bullmq` has created them. A worker that runs anyway
 * (its processor came from a factory not yet called when {@link keepWorkersFromStarting} ran,
 * or app code started it) is paused, so it takes no further job; the job it may have
 * fetched already still runs.
 */
export async function holdBackWorkers(providers: InstanceWrapper[]): Promise<WorkerLike[]> {
  const workers = new Set<WorkerLike>();
  for (const { wrapper } of appProcessors(providers)) {
    const worker = workerOf(wrapper.instance);
    if (worker) {
      workers.add(worker);
    }
  }
  await Promise.all(
    [...workers].filter((worker) => worker.isRunning() && !worker.isPaused()).map((worker) => worker.pause(true)),
  );
  return [...workers];
}
