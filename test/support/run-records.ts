import type { TaskRunRecord } from '../../lib/interfaces/run-record.interface';
import type { RunCompletion } from '../../lib/interfaces/store.interface';

let sequence = 0;
/** A run record with distinct, increasing start times. */
export function runRecord(version: string, overrides: Partial<TaskRunRecord> = {}): TaskRunRecord {
  sequence += 1;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    version,
    name: `task-${version}`,
    status: 'running',
    kind: 'deploy',
    deployId: null,
    environment: 'test',
    startedAt: new Date(Date.UTC(2026, 0, 1) + sequence * 1001).toISOString(),
    finishedAt: null,
    durationMs: null,
    host: 'test-host',
    pid: 1,
    error: null,
    progress: null,
    checkpoint: null,
    actor: null,
    ...overrides,
  };
}

export const ended = (status: RunCompletion['status'], error: string | null = null): RunCompletion => ({
  status,
  finishedAt: new Date().toISOString(),
  durationMs: 5,
  error,
});

