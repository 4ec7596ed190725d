import { Logger } from '@nestjs/common';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import { TaskInterruption } from '../errors/task-interruption.error';
import { taskLabel } from '../format/text.format';
import type { TaskRunRecord } from '../interfaces/run-record.interface';
import type { RunCompletion, StoreTransaction } from '../interfaces/store.interface';
import { recordableError } from '../records/recordable-error';
import { hasStatus, RESUMABLE } from '../planning/run-status';
import { newRunRecord } from '../records/run-record.factory';
import { ProgressReporter } from './progress-reporter';
import { stopReason, type RunSession } from './run-session';
import { supervise } from './supervise';
import { createTaskContext } from './task-context.factory';
import { settled, type TaskEnd } from './task-end';
import { runWork, type WorkEnd } from './task-kinds';
import { eventSubject } from '../tenants/tenant-key';

export type { TaskEnd } from './task-end';

const logger = new Logger('AfterParty');

/** Builds a run's completion: its status, when it finished, how long it took since `clock`, and its error. */
type Finish = (status: RunCompletion['status'], error?: unknown) => RunCompletion;

/** A task's run as started: its record, the checkpoint it resumes from, and the run that left it. */
interface StartedRun {
  record: TaskRunRecord;
  resumeFrom: unknown;
  resumedRunId: string | undefined;
  finish: Finish;
}

/**
 * Runs one task in plain steps: start its record (unless the run loop started it together with
 * the previous completion), build its context, run its work the way its kind says under
 * supervision (timeout, shutdown, lost lock), and settle its transaction. The run loop records the
 * end and decides what runs next.
 */
export async function runTask(task: RegisteredTask, session: RunSession, started?: TaskRunRecord): Promise<TaskEnd> {
  const run = await startRun(task, session, started);
  // Never start a task with an already aborted signal: a signal or a lost lock stops the run here.
  const stop = stopReason(session);
  if (stop) {
    return settled(run.record, run.finish('interrupted', stop), stop);
  }
  logger.log(`Running ${taskLabel(task)}${task.description ? `: ${task.description}` : ''}${session.kind === 'manual' ? ' (manual run)' : ''}`);
  await session.events.emit({ type: 'task.started', kind: session.kind, ...eventSubject(task.version, task.name, run.record.id) });
  const opened = await openTaskTransaction(task, session);
  if ('error' in opened) {
    return settled(run.record, run.finish(opened.status, opened.error), opened.error);
  }
  return superviseWork(task, session, run, opened.transaction);
}

/** Reads the checkpoint to resume (before this run's own record exists), and inserts the record unless it was started already. */
async function startRun(task: RegisteredTask, session: RunSession, started: TaskRunRecord | undefined): Promise<StartedRun> {
  const { store, options } = session;
  const previous = session.mayResume(task.version) ? await store.lastRun(task.version) : null;
  const resumeFrom = previous && hasStatus(RESUMABLE, previous.status) ? (previous.checkpoint ?? undefined) : undefined;
  const record = started ?? newRunRecord(task, { kind: session.kind, deployId: session.deployId, environment: options.environment, actor: session.actor });
  if (!started) {
    // A resumed run holds the checkpoint it starts from until it saves one of its own: if it is
    // killed, fails or is paused before that, the next run still resumes there, not from scratch.
    record.checkpoint = resumeFrom ?? null;
    await store.insertRun(record);
  }
  const clock = performance.now();
  const finish: Finish = (status, error) => ({
    status,
    finishedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - clock),
    error: error === undefined ? null : recordableError(error),
  });
  return { record, resumeFrom, resumedRunId: previous?.id, finish };
}

/** The task's own transaction (`transaction: true`), or why the task cannot start. */
async function openTaskTransaction(
  task: RegisteredTask,
  session: RunSession,
): Promise<{ transaction?: StoreTransaction } | { status: 'failed' | 'interrupted'; error: unknown }> {
  const transactions = session.store.capabilities.transactions;
  if (!task.transaction || !transactions) {
    return {};
  }
  let transaction: StoreTransaction;
  try {
    transaction = await transactions.begin();
  } catch (error) {
    return { status: 'failed', error };
  }
  const late = stopReason(session);
  if (late) {
    await transaction.rollback();
    return { status: 'interrupted', error: late };
  }
  return { transaction };
}

/** Runs the task's work under supervision, then settles its transaction (or the batch's) by how it ended. */
async function superviseWork(task: RegisteredTask, session: RunSession, run: StartedRun, transaction: StoreTransaction | undefined): Promise<TaskEnd> {
  const { record } = run;
  const controller = new AbortController();
  const taskLogger = new Logger(task.tenant ? `${task.name}@${task.tenant.id}` : task.name);
  const progress = new ProgressReporter(eventSubject(task.version, task.name, record.id), session.store, session.events, taskLogger, session.terminal);
  const { resumeFrom } = run;
  const context = createTaskContext({ task, record, session, logger: taskLogger, signal: controller.signal, progress, resumeFrom, transaction });
  if (context.resumeFrom !== undefined) {
    logger.log(`Resuming ${taskLabel(task)} from the checkpoint of run ${run.resumedRunId}`);
  }
  const open: { batch: StoreTransaction | null } = { batch: null };
  const onLockLost = (): void => controller.abort(stopReason(session));
  session.lock.lost.addEventListener('abort', onLockLost);
  const work = runWork(task, { session, context, signal: controller.signal, progress, logger: taskLogger, onTransaction: (opened) => (open.batch = opened) }).then(
    (end) => {
      // A task that returns after an abort stopped early: it did not complete.
      if (controller.signal.aborted) {
        throw controller.signal.reason;
      }
      return end;
    },
  );
  const supervised = await supervise(work, { controller, timeoutMs: task.timeout, graceMs: session.options.gracePeriod, shutdown: session.shutdown });
  session.lock.lost.removeEventListener('abort', onLockLost);
  await progress.finish();
  if (supervised.ok) {
    return workEnded(supervised.value, run, transaction);
  }
  // Roll the task's work back first; its outcome is then recorded where every connection sees it.
  for (const opened of [transaction, open.batch]) {
    await opened?.rollback(supervised.abandoned).catch((error) => logger.warn(`Rolling back ${taskLabel(task)} failed: ${String(error)}`));
  }
  const status = supervised.error instanceof TaskInterruption ? supervised.error.recordAs : 'failed';
  return settled(record, run.finish(status, supervised.error), supervised.error, supervised.abandoned);
}

/** The end of work that returned: left to the workers, completed (committed with its transaction), paused or cancelled. */
function workEnded(end: WorkEnd, { record, finish }: StartedRun, transaction: StoreTransaction | undefined): Promise<TaskEnd> | TaskEnd {
  switch (end.status) {
    case 'detached':
      return { end: 'detached', record, completion: finish('completed'), reason: end.reason };
    case 'completed':
      return transaction ? commit(transaction, record, finish) : settled(record, finish('completed'));
    default: {
      const error = new Error(end.reason);
      return settled(record, finish(end.status, error), error);
    }
  }
}

/** Records the completion inside the task's transaction and commits both, or neither. */
async function commit(transaction: StoreTransaction, record: TaskRunRecord, finish: Finish): Promise<TaskEnd> {
  const completion = finish('completed');
  try {
    if (!(await transaction.finishRun(record.id, completion))) {
      await transaction.rollback();
      const error = new TaskInterruption('Another runner took this run over; its work was rolled back', 'interrupted');
      return { end: 'taken over', record, completion: finish('interrupted', error), error };
    }
    await transaction.commit();
    return { end: 'recorded', record, completion };
  } catch (error) {
    await transaction.rollback().catch(() => undefined);
    return settled(record, finish('failed', error), error);
  }
}
