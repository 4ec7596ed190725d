/**
 * Life cycle of one recorded run. `paused`: a batched task stopped after a batch by
 * `after-party:pause` or a spent `--max-duration`; the next run resumes it. `cancelled`: stopped
 * by `after-party:cancel`; later runs leave it alone. `reset`: a completed (or cancelled) run
 * whose outcome an operator withdrew with `after-party:reset`, so the task runs again.
 */
export type TaskRunStatus = 'running' | 'completed' | 'failed' | 'interrupted' | 'paused' | 'cancelled' | 'reset';

/** What an operator can ask of a running batched task, from any host. */
export type RunControl = 'pause' | 'cancel';

/** An operator's request to a running run: what, and who asked (when the surface knows: the dashboard's actor). */
export interface ControlRequest {
  control: RunControl;
  actor: string | null;
}

/**
 * Why a run happened: `deploy` (picked up by `after-party:run` as pending or as an
 * every-deploy task), `manual` (named on the command line) or `baseline` (recorded as
 * completed without running, by `after-party:mark-done`).
 */
export type TaskRunKind = 'deploy' | 'manual' | 'baseline';

/** One row of the records table (or one document of the records collection). */
export interface TaskRunRecord {
  /** Run id (a UUID); also `ctx.runId`. */
  id: string;
  version: string;
  name: string;
  status: TaskRunStatus;
  kind: TaskRunKind;
  deployId: string | null;
  environment: string | null;
  /** ISO-8601 UTC time the run started. */
  startedAt: string;
  /** ISO-8601 UTC time the run ended, or null while it runs. */
  finishedAt: string | null;
  durationMs: number | null;
  host: string;
  pid: number;
  /** The error message of a failed or interrupted run. */
  error: string | null;
  /** The latest progress the task reported, if any. */
  progress: TaskProgressSnapshot | null;
  /** The latest cursor the task saved with `ctx.checkpoint()`, if any. */
  checkpoint: unknown;
  /** Who started it from an operator surface that knows its user (the dashboard's `actor`), or null. */
  actor: string | null;
}

/** Progress of a running task, as stored and shown by `after-party:status`. */
export interface TaskProgressSnapshot {
  done: number;
  total: number | null;
  message: string | null;
  /** ISO-8601 UTC time of the update. */
  updatedAt: string;
  /** Units per second over this run so far, when known. */
  rate?: number | null;
  /** Estimated milliseconds left, when the total and the rate are known. */
  etaMs?: number | null;
  /** A batched task's cursor: the key of the last item of the last committed batch. */
  cursor?: unknown;
  /** A batched task's state: working, or backing off because a throttle check said so. */
  state?: 'running' | 'throttled';
  /** Why it is throttled. */
  throttledBecause?: string | null;
}

/** What the records say about one version, as the runner reads it (versions without records are absent). */
export interface VersionState {
  version: string;
  /** Whether the version has a completed run. */
  completed: boolean;
  /** Whether a completed run carries the deploy id the runner was given. */
  completedInDeploy: boolean;
  /** Whether the version has a failed, interrupted or paused run (whose checkpoint may be resumed). */
  cutShort: boolean;
  /** Whether the version has a cancelled run: later runs leave it alone until it is reset or run by name. */
  cancelled: boolean;
}
