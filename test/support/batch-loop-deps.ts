import { Logger } from '@nestjs/common';
import type { BatchLoopDeps } from '../../lib/batch/batch-loop';
import type { TaskContext } from '../../lib/interfaces/task-context.interface';
import type { ProgressSink } from '../../lib/ports/progress-sink.interface';
import { SerialRecordWriter } from '../../lib/records/serial-record.writer';

/** A progress sink that reports nothing. */
export function silentProgress(): ProgressSink {
  return { setTotal() {}, advance() {}, setMessage() {}, resumeAt() {}, batchDone() {}, setState() {}, startBatches() {}, stillThrottled() {} };
}

/** What the batch loop needs, for a task and a store: a fresh run of task `items`, with nothing to resume. */
export function batchLoopDeps(parts: Pick<BatchLoopDeps, 'task' | 'store'> & Partial<BatchLoopDeps>): BatchLoopDeps {
  return {
    options: { size: 2, transaction: false, pause: 0, maxBackoff: 1000, distribute: null },
    context: { name: 'items', version: '20260101000001' } as TaskContext,
    signal: new AbortController().signal,
    runId: 'run-1',
    progress: silentProgress(),
    records: new SerialRecordWriter(parts.store, parts.runId ?? 'run-1'),
    logger: new Logger('test'),
    resumeFrom: undefined,
    deadline: null,
    budget: null,
    onTransaction: () => undefined,
    ...parts,
  };
}
