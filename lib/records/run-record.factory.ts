import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { TaskRunKind, TaskRunRecord } from '../interfaces/run-record.interface';

/** What a new run record needs beyond its task. */
export interface NewRunRecord {
  kind: TaskRunKind;
  deployId: string | null;
  environment: string;
  /** `running` for a run that starts now; `completed` for a baseline. */
  status?: 'running' | 'completed';
  /** Who started it, when the surface that asked knows (the dashboard's user). */
  actor?: string | null;
}

/** The one place run records are built: a fresh id, this host and process, started now. */
export function newRunRecord(task: { version: string; name: string }, { kind, deployId, environment, status = 'running', actor = null }: NewRunRecord): TaskRunRecord {
  const now = new Date().toISOString();
  const completed = status === 'completed';
  return {
    id: randomUUID(),
    version: task.version,
    name: task.name,
    status,
    kind,
    deployId,
    environment,
    startedAt: now,
    finishedAt: completed ? now : null,
    durationMs: completed ? 0 : null,
    host: hostname(),
    pid: process.pid,
    error: null,
    progress: null,
    checkpoint: null,
    actor,
  };
}
