import type { RunReport } from '../interfaces/run-report.interface';
import type { TaskProgressSnapshot } from '../interfaces/run-record.interface';

/** Which task an event is about. */
export interface TaskEventSubject {
  version: string;
  name: string;
  runId: string;
  /** The tenant of a per-tenant task's run (then `version` is the task's own). */
  tenant?: string;
}

/** What happens during `after-party:run`, in order. */
export type AfterPartyEvent =
  | { type: 'run.started'; tasks: Array<{ version: string; name: string }>; deployId: string | null }
  | ({ type: 'task.started'; kind: 'deploy' | 'manual' } & TaskEventSubject)
  | ({ type: 'task.progress'; progress: TaskProgressSnapshot } & TaskEventSubject)
  | ({ type: 'task.completed'; durationMs: number } & TaskEventSubject)
  | ({ type: 'task.failed'; status: 'failed' | 'interrupted'; error: string; durationMs: number } & TaskEventSubject)
  | ({ type: 'task.paused'; reason: string; durationMs: number } & TaskEventSubject)
  | ({ type: 'task.cancelled'; reason: string; durationMs: number } & TaskEventSubject)
  | { type: 'run.finished'; report: RunReport };

/** The type names of {@link AfterPartyEvent}. */
export type AfterPartyEventType = AfterPartyEvent['type'];

/** The payload of one event type: `AfterPartyEventOf<'task.failed'>` has `error`, `status` and `durationMs`. */
export type AfterPartyEventOf<T extends AfterPartyEventType> = Extract<AfterPartyEvent, { type: T }>;
