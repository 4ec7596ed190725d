import { Logger } from '@nestjs/common';
import type { BatchLoopDeps } from '../../lib/batch/batch-loop';
import type { TaskContext } from '../../lib/interfaces/task-context.interface';
import type { ProgressReporter } from '../../lib/runner/progress-reporter';

/** A progress reporter that reports nothing and writes in turn at once. */
export function silentProgress(): ProgressReporter {
  const progress = { setTotal() {}, resumeAt() {}, batchDone() {}, setState() {}, inTurn: (write: () => Promise<unknown>) => write() };
  return progress as unknown as ProgressReporter;
}

/** What the batch loop needs, for a task and a store: a fresh run of task `items`, with nothing to resume. */
export function batchLoopDeps(parts: Pick<BatchLoopDeps, 'task' | 'store'> & Partial<BatchLoopDeps>): BatchLoopDeps {
  return {
    options: { size: 2, transaction: false, pause: 0, maxBackoff: 1000, distribute: null },
    context: { name: 'items', version: '20260101000001' } as TaskContext,
    signal: new AbortController().signal,
    runId: 'run-1',
    progress: silentProgress(),
    logger: new Logger('test'),
    resumeFrom: undefined,
    deadline: null,
    budget: null,
    onTransaction: () => undefined,
    ...parts,
  };
}
