import { Logger } from '@nestjs/common';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import { taskLabel } from '../format/text.format';
import type { TaskRunRecord } from '../interfaces/run-record.interface';
import type { RunCompletion, StoreTransaction } from '../interfaces/store.interface';
import { recordableError } from '../records/recordable-error';
import { newRunRecord } from '../records/run-record.factory';
import { runBatches, type BatchCheckpoint } from '../batch/batch-loop';
import { runDistributed, type DistributedEnd, type DistributionCheckpoint } from '../distribution/dispatch';
import type { BatchedTask } from '../interfaces/batched-task.interface';
import type { DeployTask } from '../interfaces/deploy-task.interface';
import { ProgressReporter } from './progress-reporter';
import { stopReason, type RunSession } from './run-session';
import { supervise } from './supervise';
import { createTaskContext } from './task-context.factory';
import { TaskInterruption } from '../errors/task-interruption.error';

/** How one task's run ended, before (or after) it is recorded. */
export interface TaskResult {
  record: TaskRunRecord;
  completion: RunCompletion;
  /** Already recorded, in the task's transaction together with its work. */
  recorded: boolean;
  /** Another runner took the record over (the lock was lost): nothing more may be written for it. */
  takenOver: boolean;
  /** The task kept running after its abort and grace period: the process must exit when done. */
  abandoned: boolean;
  /** What went wrong, whole, for the log. */
  error?: unknown;
  /** A distributed task left to its workers (`--no-wait`): its record stays running. Why, for the log. */
  detached?: string;
}

const logger = new Logger('AfterParty');

/**
 * Runs whose checkpoint the next run of the task resumes from: cut short, paused, or cancelled
 * (a cancelled task run again by name goes on where it stopped; `reset` starts it over).
 */
export const RESUMABLE: readonly string[] = ['failed', 'interrupted', 'paused', 'cancelled'];

/**
 * Runs one task in plain steps: start its record (unless the run loop started it together with
 * the previous completion), build its context, supervise it (timeout, shutdown, lost lock), and
 * settle its transaction. The run loop records the outcome and decides what runs next.
 */
export async function executeTask(task: RegisteredTask, session: RunSession, started?: TaskRunRecord): Promise<TaskResult> {
  const { store, options } = session;
  // Read before this run's own record exists: the previous run's checkpoint, if it was cut short.
  const previous = session.mayResume(task.version) ? await store.lastRun(task.version) : null;
  const resumeFrom = previous && RESUMABLE.includes(previous.status) ? (previous.checkpoint ?? undefined) : undefined;
  const record = started ?? newRunRecord(task, { kind: session.kind, deployId: session.deployId, environment: options.environment });
  if (!started) {
    // A resumed run holds the checkpoint it starts from until it saves one of its own: if it is
    // killed, fails or is paused before that, the next run still resumes there, not from scratch.
    record.checkpoint = resumeFrom ?? null;
    await store.insertRun(record);
  }
  const clock = performance.now();
  const result = (status: RunCompletion['status'], error?: unknown, extra: Partial<TaskResult> = {}): TaskResult => ({
    record,
    completion: {
      status,
      finishedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - clock),
      error: error === undefined ? null : recordableError(error),
    },
    recorded: false,
    takenOver: false,
    abandoned: false,
    error,
    ...extra,
  });
  // Never start a task with an already aborted signal: a signal or a lost lock stops the run here.
  const stop = stopReason(session);
  if (stop) {
    return result('interrupted', stop);
  }

  const subject = { version: task.version, name: task.name, runId: record.id };
  logger.log(`Running ${taskLabel(task)}${task.description ? `: ${task.description}` : ''}${session.kind === 'manual' ? ' (manual run)' : ''}`);
  await session.events.emit({ type: 'task.started', kind: session.kind, ...subject });
  let transaction: StoreTransaction | undefined;
  if (task.transaction) {
    try {
      transaction = await (store.capabilities.transactions as NonNullable<typeof store.capabilities.transactions>).begin();
    } catch (error) {
      return result('failed', error);
    }
    const late = stopReason(session);
    if (late) {
      await transaction.rollback();
      return result('interrupted', late);
    }
  }

  const controller = new AbortController();
  const taskLogger = new Logger(task.name);
  const progress = new ProgressReporter(subject, store, session.events, taskLogger, session.terminal);
  const context = createTaskContext({
    task,
    record,
    session,
    logger: taskLogger,
    signal: controller.signal,
    progress,
    resumeFrom,
    transaction,
  });
  if (context.resumeFrom !== undefined) {
    logger.log(`Resuming ${taskLabel(task)} from the checkpoint of run ${previous?.id}`);
  }
  const onLockLost = (): void => controller.abort(stopReason(session));
  session.lock.lost.addEventListener('abort', onLockLost);
  let batchTransaction: StoreTransaction | null = null;
  const work = (async (): Promise<DistributedEnd> => {
    const end: DistributedEnd = task.batch?.distribute
      ? await runDistributed({
          task,
          context,
          signal: controller.signal,
          runId: record.id,
          store,
          progress,
          records: progress.writer,
          logger: taskLogger,
          distribution: session.distribution,
          resumeFrom: context.resumeFrom as DistributionCheckpoint | undefined,
          wait: session.waitForWorkers,
          deadline: session.deadline,
          budget: session.budget,
        })
      : task.batch
      ? await runBatches({
          task: task.instance as BatchedTask,
          options: task.batch,
          context,
          signal: controller.signal,
          runId: record.id,
          store,
          progress,
          records: progress.writer,
          logger: taskLogger,
          resumeFrom: context.resumeFrom as BatchCheckpoint | undefined,
          deadline: session.deadline,
          budget: session.budget,
          appThrottle: options.throttle,
          onTransaction: (open) => (batchTransaction = open),
        })
      : ((await (task.instance as DeployTask).run(context)), { status: 'completed' });
    // A task that returns after an abort stopped early: it did not complete.
    if (controller.signal.aborted) {
      throw controller.signal.reason;
    }
    return end;
  })();
  const supervised = await supervise(work, { controller, timeoutMs: task.timeout, graceMs: options.gracePeriod, shutdown: session.shutdown });
  session.lock.lost.removeEventListener('abort', onLockLost);
  await progress.finish();

  if (supervised.ok) {
    if (supervised.value.status === 'detached') {
      return { ...result('completed'), detached: supervised.value.reason };
    }
    if (supervised.value.status !== 'completed') {
      return result(supervised.value.status, new Error(supervised.value.reason));
    }
    const completed = result('completed');
    return transaction ? commit(transaction, completed, result) : completed;
  }
  // Roll the task's work back first; its outcome is then recorded where every connection sees it.
  for (const open of [transaction, batchTransaction as StoreTransaction | null]) {
    await open?.rollback(supervised.abandoned).catch((error) => logger.warn(`Rolling back ${taskLabel(task)} failed: ${String(error)}`));
  }
  const status = supervised.error instanceof TaskInterruption ? supervised.error.recordAs : 'failed';
  return result(status, supervised.error, { abandoned: supervised.abandoned });
}

/** Records the completion inside the task's transaction and commits both, or neither. */
async function commit(
  transaction: StoreTransaction,
  completed: TaskResult,
  result: (status: RunCompletion['status'], error?: unknown, extra?: Partial<TaskResult>) => TaskResult,
): Promise<TaskResult> {
  try {
    if (!(await transaction.finishRun(completed.record.id, completed.completion))) {
      await transaction.rollback();
      return result('interrupted', new TaskInterruption('Another runner took this run over; its work was rolled back', 'interrupted'), {
        takenOver: true,
      });
    }
    await transaction.commit();
    return { ...completed, recorded: true };
  } catch (error) {
    await transaction.rollback().catch(() => undefined);
    return result('failed', error);
  }
}
