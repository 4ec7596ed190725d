import type { Logger } from '@nestjs/common';
import { runBatches, type BatchCheckpoint } from '../batch/batch-loop';
import type {
  BatchedRegisteredTask,
  DistributedRegisteredTask,
  PlainRegisteredTask,
  RegisteredTask,
} from '../discovery/registered-task.interface';
import { runDistributed, type DistributedEnd, type DistributionCheckpoint } from '../distribution/dispatch';
import type { StoreTransaction } from '../interfaces/store.interface';
import type { TaskContext } from '../interfaces/task-context.interface';
import type { ProgressReporter } from './progress-reporter';
import type { RunSession } from './run-session';

/** How a task's work ended when it did not throw: completed, paused, cancelled, or left to the workers. */
export type WorkEnd = DistributedEnd;

/** What the work of any kind of task runs with. */
export interface KindRun {
  session: RunSession;
  context: TaskContext;
  signal: AbortSignal;
  progress: ProgressReporter;
  logger: Logger;
  /** Told of each batch transaction while it is open (null once it ended), so an abandoned one can be closed. */
  onTransaction(transaction: StoreTransaction | null): void;
}

/** Runs a task's work the way its kind (decided at discovery) says. */
export function runWork(task: RegisteredTask, run: KindRun): Promise<WorkEnd> {
  switch (task.kind) {
    case 'plain':
      return runPlain(task, run);
    case 'batched':
      return runBatched(task, run);
    case 'distributed':
      return runFannedOut(task, run);
  }
}

/** A plain task: its own `run(ctx)`. */
async function runPlain(task: PlainRegisteredTask, { context }: KindRun): Promise<WorkEnd> {
  await task.instance.run(context);
  return { status: 'completed' };
}

/** What the batch loop and the dispatcher both take from a run: its context, records, progress and time budget. */
function loopInputs(run: KindRun) {
  const { session, context } = run;
  return {
    context,
    signal: run.signal,
    runId: context.runId,
    store: session.store,
    progress: run.progress,
    records: run.progress.writer,
    logger: run.logger,
    deadline: session.deadline,
    budget: session.budget,
  };
}

/** A batched task: the runner's batch loop, in this process. */
function runBatched(task: BatchedRegisteredTask, run: KindRun): Promise<WorkEnd> {
  const { session, context } = run;
  return runBatches({
    ...loopInputs(run),
    task: task.instance,
    options: task.batch,
    resumeFrom: context.resumeFrom as BatchCheckpoint | undefined,
    appThrottle: session.options.throttle,
    onTransaction: run.onTransaction,
  });
}

/** A distributed task: keys paged into batch jobs on BullMQ, followed to the end (or left to the workers). */
function runFannedOut(task: DistributedRegisteredTask, run: KindRun): Promise<WorkEnd> {
  const { session, context } = run;
  return runDistributed({
    ...loopInputs(run),
    task,
    distribution: session.distribution,
    resumeFrom: context.resumeFrom as DistributionCheckpoint | undefined,
    wait: session.waitForWorkers,
  });
}
