import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import type { AfterPartyEvents } from '../events/after-party.events';
import type { TaskRunRecord } from '../interfaces/run-record.interface';
import type { AfterPartyStore, RunCompletion } from '../interfaces/store.interface';
import type { TaskContext } from '../interfaces/task-context.interface';
import type { ResolvedAfterPartyOptions } from '../resolve-options';
import { describeError } from './describe-error';
import { ProgressReporter } from './progress-reporter';
import type { TaskOutcome } from './run-report.interface';
import type { ShutdownWatch } from './shutdown-watch';
import { supervise } from './supervise';
import { TaskInterruption } from './task-interruption';

/** What executing a task needs from the run around it. */
export interface ExecutionScope {
  store: AfterPartyStore;
  events: AfterPartyEvents;
  options: ResolvedAfterPartyOptions;
  shutdown: ShutdownWatch;
  deployId: string | null;
  kind: 'deploy' | 'manual';
  /** Draw a progress bar (a terminal, and no machine-readable output). */
  terminal: boolean;
  /** Whether a version may have a checkpoint to resume (saves a query per fresh task). */
  mayResume: (version: string) => boolean;
  /** Aborted when the run lock is lost: the current task must stop. */
  lockLost?: AbortSignal;
}

const logger = new Logger('AfterParty');

/**
 * Runs one task: records it as running, builds its context (logger, signal, progress,
 * checkpoints, transaction), supervises timeout and shutdown, and records how it ended.
 */
export async function executeTask(
  task: RegisteredTask,
  scope: ExecutionScope,
  chain: { started?: TaskRunRecord; next?: RegisteredTask } = {},
): Promise<{ outcome: TaskOutcome; abandoned: boolean; nextStarted?: TaskRunRecord }> {
  const { store, events, options, kind, deployId } = scope;
  const previous = scope.mayResume(task.version) ? await store.lastRun(task.version) : null;
  const record = chain.started ?? newRecord(task, kind, deployId, options.environment);
  if (!chain.started) {
    await store.insertRun(record);
  }
  const subject = { version: task.version, name: task.name, runId: record.id };
  logger.log(`Running ${label(task)}${task.description ? `: ${task.description}` : ''}${kind === 'manual' ? ' (manual run)' : ''}`);
  await events.emit({ type: 'task.started', kind, ...subject });

  const controller = new AbortController();
  const taskLogger = new Logger(task.name);
  const progress = new ProgressReporter(subject, store, events, taskLogger, scope.terminal);
  const startedAt = performance.now();
  const finish = (status: RunCompletion['status'], error: string | null): RunCompletion => ({
    status,
    finishedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - startedAt),
    error,
  });
  const context: TaskContext = {
    version: task.version,
    name: task.name,
    runId: record.id,
    kind,
    deployId,
    environment: options.environment,
    logger: taskLogger,
    signal: controller.signal,
    progress,
    checkpoint: (cursor) => store.updateRun(record.id, { checkpoint: jsonValue(cursor) }),
    resumeFrom: previous && (previous.status === 'failed' || previous.status === 'interrupted') ? (previous.checkpoint ?? undefined) : undefined,
  };
  if (context.resumeFrom !== undefined) {
    logger.log(`Resuming ${label(task)} from the checkpoint of run ${previous?.id}`);
  }
  const invoke = async (manager?: unknown): Promise<void> => {
    await task.instance.run(manager === undefined ? context : { ...context, manager });
    // A task that returns after an abort stopped early: it did not complete.
    if (controller.signal.aborted) {
      throw controller.signal.reason;
    }
  };

  const onLockLost = (): void => controller.abort(new TaskInterruption('The run lock was lost to another runner', 'interrupted'));
  scope.lockLost?.addEventListener('abort', onLockLost);
  if (scope.lockLost?.aborted) {
    onLockLost();
  }
  let completion: RunCompletion | undefined;
  const work = task.transaction ? store.runInTransaction(record.id, invoke, () => (completion = finish('completed', null))) : invoke();
  const result = await supervise(work, { controller, timeoutMs: task.timeout, graceMs: options.gracePeriod, shutdown: scope.shutdown });
  scope.lockLost?.removeEventListener('abort', onLockLost);
  await progress.finish();
  if (result.ok) {
    let nextStarted: TaskRunRecord | undefined;
    if (!completion) {
      completion = finish('completed', null);
      const { next } = chain;
      // A fresh next task (nothing to resume: its lookup would see this new record) starts in
      // the same commit as this task's completion.
      if (next && store.finishAndStart && !scope.mayResume(next.version)) {
        nextStarted = newRecord(next, kind, deployId, options.environment);
        await store.finishAndStart(record.id, completion, nextStarted);
      } else {
        await store.finishRun(record.id, completion);
      }
    }
    logger.log(`Completed ${label(task)} in ${completion.durationMs} ms`);
    await events.emit({ type: 'task.completed', ...subject, durationMs: completion.durationMs });
    return { outcome: outcomeOf(task, record.id, completion), abandoned: false, nextStarted };
  }
  const status = result.error instanceof TaskInterruption ? result.error.recordAs : 'failed';
  completion = finish(status, describeError(result.error));
  await store.finishRun(record.id, completion);
  const stack = result.error instanceof Error && !(result.error instanceof TaskInterruption) ? result.error.stack : undefined;
  logger.error(`${status === 'interrupted' ? 'Interrupted' : 'Failed'} ${label(task)} after ${completion.durationMs} ms: ${completion.error}`, stack);
  await events.emit({ type: 'task.failed', ...subject, status, error: completion.error ?? '', durationMs: completion.durationMs });
  return { outcome: outcomeOf(task, record.id, completion), abandoned: result.abandoned };
}

/** `20261126094512 backfill-user-slugs` */
export function label(task: Pick<RegisteredTask, 'version' | 'name'>): string {
  return `${task.version} ${task.name}`;
}

function newRecord(task: RegisteredTask, kind: 'deploy' | 'manual', deployId: string | null, environment: string): TaskRunRecord {
  return {
    id: randomUUID(),
    version: task.version,
    name: task.name,
    status: 'running',
    kind,
    deployId,
    environment,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    durationMs: null,
    host: hostname(),
    pid: process.pid,
    error: null,
    progress: null,
    checkpoint: null,
  };
}

function outcomeOf(task: RegisteredTask, runId: string, completion: RunCompletion): TaskOutcome {
  return { version: task.version, name: task.name, runId, status: completion.status, durationMs: completion.durationMs, error: completion.error };
}

function jsonValue(cursor: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(cursor);
  } catch (error) {
    throw new TypeError(`ctx.checkpoint() needs a JSON-serialisable value: ${(error as Error).message}`);
  }
  if (text === undefined) {
    throw new TypeError('ctx.checkpoint() needs a JSON-serialisable value, not undefined or a function.');
  }
  return JSON.parse(text);
}
