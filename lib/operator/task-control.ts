import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DistributedRegisteredTask, RegisteredTask } from '../discovery/registered-task.interface';
import type { DistributionService } from '../distribution/distribution.service';
import type { RunControl, TaskRunRecord } from '../interfaces/run-record.interface';
import type { AfterPartyStore } from '../interfaces/store.interface';
import { hasStatus, RESUMABLE } from '../planning/run-status';
import { newRunRecord } from '../records/run-record.factory';
import { cancelledRecord, stoppedOnWorkers } from './operator.messages';

/** What pausing and cancelling need: the store, the queues, and the run lock. */
export interface ControlDeps {
  store: AfterPartyStore;
  distribution: DistributionService;
  environment: string;
}

/** What a stop of a distributed task came to. */
export type DistributedStop = 'requested' | 'recorded' | 'not running';

/**
 * Pauses or cancels a distributed task on its queue (queued batches are held, or removed;
 * running ones finish) and asks its runner to record it. When no runner follows it (it was left
 * to the workers with `--no-wait`), records it here, under the lock: `requested` (a runner
 * records it), `recorded`, or `not running`.
 */
export async function stopDistributed(deps: ControlDeps, task: DistributedRegisteredTask, control: RunControl, actor: string | null = null): Promise<DistributedStop> {
  await deps.distribution.ensureReachable(task);
  if (control === 'cancel') {
    await deps.distribution.removeQueuedBatches(task);
  }
  if (!(await deps.store.requestControl(task.version, control, actor))) {
    // A refused pause changes nothing: a queue paused here would hold the next run's batches.
    return 'not running';
  }
  if (control === 'pause') {
    await deps.distribution.pauseQueue(task);
  }
  const lock = await deps.store.acquireLock({ id: randomUUID(), host: hostname(), pid: process.pid, since: new Date().toISOString() }, 0).catch(() => null);
  if (!lock) {
    return 'requested';
  }
  try {
    return await recordStopOnWorkers(deps.store, task, control, actor);
  } finally {
    await lock.release();
  }
}

/** Under the lock: records the stop of a distributed run no runner follows. */
async function recordStopOnWorkers(store: AfterPartyStore, task: DistributedRegisteredTask, control: RunControl, actor: string | null): Promise<DistributedStop> {
  const run = await store.lastRun(task.version);
  if (run?.status !== 'running') {
    return 'requested';
  }
  await store.finishRun(run.id, {
    status: control === 'pause' ? 'paused' : 'cancelled',
    finishedAt: new Date().toISOString(),
    durationMs: Date.now() - Date.parse(run.startedAt),
    error: stoppedOnWorkers(control, actor),
  });
  return 'recorded';
}

/**
 * Records a `cancelled` run of a task that is not running; the caller holds the lock. A task cut
 * short (failed, interrupted or paused) keeps where it stopped: the cancelled record carries its
 * checkpoint and progress, so run by name it goes on from there. A task cancelled already is left
 * as it is. Resolves false when it is completed already.
 */
export async function recordCancelled(deps: ControlDeps, task: RegisteredTask, actor: string | null = null): Promise<boolean> {
  await deps.store.prepare();
  const state = (await deps.store.versionStates(null)).find((entry) => entry.version === task.version);
  if (state?.completed && !task.everyDeploy) {
    return false;
  }
  const last = await deps.store.lastRun(task.version);
  if (last?.status === 'cancelled') {
    return true;
  }
  await insertCancelled(deps, task, last && hasStatus(RESUMABLE, last.status) ? last : null, actor);
  return true;
}

/** Inserts a finished `cancelled` run, carrying the checkpoint and progress of the run it stopped, if any. */
async function insertCancelled(deps: ControlDeps, task: RegisteredTask, stopped: TaskRunRecord | null, actor: string | null): Promise<void> {
  const record = newRunRecord(task, { kind: 'manual', deployId: null, environment: deps.environment, actor });
  record.checkpoint = stopped ? stopped.checkpoint : null;
  record.progress = stopped ? stopped.progress : null;
  await deps.store.insertRun(record);
  await deps.store.finishRun(record.id, { status: 'cancelled', finishedAt: record.startedAt, durationMs: 0, error: cancelledRecord(hostname(), stopped, actor) });
}
