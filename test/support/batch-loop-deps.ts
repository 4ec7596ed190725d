import { Logger } from '@nestjs/common';
import type { BatchLoopDeps } from '../../lib/batch/batch-loop';
import type { AfterPartyStore } from '../../lib/interfaces/store.interface';
import type { TaskContext } from '../../lib/interfaces/task-context.interface';
import type { ProgressReporter } from '../../lib/runner/progress-reporter';

/** A progress reporter that reports nothing and writes checkpoints to `store` at once. */
export function silentProgress(store: AfterPartyStore, runId: string): ProgressReporter {
  const inTurn = (write: () => Promise<unknown>) => write();
  const saveCheckpoint = (checkpoint: unknown) => store.updateRun(runId, { checkpoint });
  const progress = { setTotal() {}, resumeAt() {}, batchDone() {}, setState() {}, startBatches() {}, stillThrottled() {}, inTurn, saveCheckpoint };
  return progress as unknown as ProgressReporter;
}

/** What the batch loop needs, for a task and a store: a fresh run of task `items`, with nothing to resume. */
export function batchLoopDeps(parts: Pick<BatchLoopDeps, 'task' | 'store'> & Partial<BatchLoopDeps>): BatchLoopDeps {
  return {
    options: { size: 2, transaction: false, pause: 0, maxBackoff: 1000, distribute: null },
    context: { name: 'items', version: '20260101000001' } as TaskContext,
    signal: new AbortController().signal,
    runId: 'run-1',
    progress: silentProgress(parts.store, parts.runId ?? 'run-1'),
    logger: new Logger('test'),
    resumeFrom: undefined,
    deadline: null,
    budget: null,
    onTransaction: () => undefined,
    ...parts,
  };
}
