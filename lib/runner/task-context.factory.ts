import type { Logger } from '@nestjs/common';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import type { TaskRunRecord } from '../interfaces/run-record.interface';
import type { StoreTransaction } from '../interfaces/store.interface';
import type { TaskContext } from '../interfaces/task-context.interface';
import type { ProgressReporter } from './progress-reporter';
import type { RunSession } from './run-session';
import { TaskInterruption } from '../errors/task-interruption.error';

/** What a task's context is made of. */
export interface ContextParts {
  task: RegisteredTask;
  record: TaskRunRecord;
  session: RunSession;
  logger: Logger;
  signal: AbortSignal;
  progress: ProgressReporter;
  resumeFrom: unknown;
  /** The task's transaction, for `transaction: true`. */
  transaction?: StoreTransaction;
}

/** Builds `ctx`: checkpoints go into the task's transaction when it has one, so they commit with its work. */
export function createTaskContext({ task, record, session, logger, signal, progress, resumeFrom, transaction }: ContextParts): TaskContext {
  return {
    version: task.tenant?.version ?? task.version,
    name: task.name,
    tenant: session.tenant,
    runId: record.id,
    kind: session.kind,
    deployId: session.deployId,
    environment: session.options.environment,
    logger,
    signal,
    progress,
    manager: transaction?.manager,
    checkpoint: async (cursor) => {
      // Inside a transaction the write is guarded: false means another runner took the run over.
      // Outside one it goes in turn with the progress saves: one writer at a time on the record.
      const checkpoint = jsonValue(cursor);
      if ((await (transaction ? transaction.updateRun(record.id, { checkpoint }) : progress.saveCheckpoint(checkpoint))) === false) {
        throw new TaskInterruption('Another runner took this run over; its work is rolled back', 'interrupted');
      }
    },
    resumeFrom,
  };
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
