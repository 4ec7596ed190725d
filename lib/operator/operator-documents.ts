import type { TaskOutcome, TenantRunSummary } from '../interfaces/run-report.interface';
import type { StatusRow, TaskState, TenantPairRow } from '../status/status-row.interface';

/** A task as the documents name it. */
export interface TaskRef {
  /** The task's version, `YYYYMMDDHHMMSS`. */
  version: string;
  /** The task's name (kebab-case, from its class unless given). */
  name: string;
}

/** A task as a plan lists it (the `--dry-run --json` shape, and what `AfterPartyService.plan()` resolves). */
export interface PlannedTask extends TaskRef {
  /** The task's description, or `''`. */
  description: string;
  /** Whether it runs on every deploy (once per deploy id). */
  everyDeploy: boolean;
}

/** `after-party:status --json`: every task with the state of its latest run. */
export interface StatusDocument {
  /** The store and where its records are, e.g. `typeorm/postgres table after_party_runs`. */
  store: string;
  /** The environment the records are read for (module option `environment`). */
  environment: string;
  /** Every task, and every version recorded without a task class, in version order. */
  tasks: StatusRow[];
  /** How many rows are in each state. */
  summary: Record<TaskState, number>;
  /**
   * The task × tenant matrix, when the app has per-tenant tasks: one entry per (task, tenant),
   * for every tenant the source lists and every tenant with records it no longer lists.
   */
  tenants?: TenantPairRow[];
}

/** `after-party:run --json` (and `after-party:resume --json`): what the run did. */
export interface RunReportDocument {
  /** True when every task that ran completed and the run reached its end. */
  ok: boolean;
  /** The exit code of the command: 0 ok, 1 a task failed or the lock was lost, 5 paused. */
  exitCode: number;
  /** The deploy id every-deploy tasks ran once per, or null. */
  deployId: string | null;
  /** The run stopped on purpose: a task was paused, or the time budget was spent. */
  paused: boolean;
  /** The run lock was lost while held: the run stopped. */
  lockLost: boolean;
  /** Distributed tasks left running on the workers (`--no-wait`), as `<version> <name>`. */
  detached: string[];
  /** Each task that ran, in order, with how it ended. */
  tasks: TaskOutcome[];
  /** Pending tasks the run did not reach, as `<version> <name>` (`<version>@<tenant> <name>` for a tenant's). */
  notRun: string[];
  /** The per-tenant part of the run: tenants taken, completed, failed (with the task and error) and not run. */
  tenants?: TenantRunSummary;
}

/** `after-party:run --dry-run --json`: what would run, without running or recording anything. */
export interface PlanDocument {
  /** Always true: nothing ran. */
  dryRun: true;
  /** The deploy id the plan was made for, or null. */
  deployId: string | null;
  /** Schema migrations TypeORM reports pending, which the real run refuses (or applies with `migrate`). */
  pendingMigrations: string[];
  /** Whether `--migrate` was given: the real run would apply `pendingMigrations` first. */
  migrate: boolean;
  /** What would run, in order (global tasks). */
  tasks: PlannedTask[];
  /** Then, when the app has per-tenant tasks: each tenant the run would take, with its pending tasks in order. */
  tenants?: Array<{ tenant: string; tasks: Array<{ version: string; name: string }> }>;
}

/** `after-party:pause --json` and `after-party:cancel --json`. */
export interface ControlDocument {
  /** The task the request was about. */
  task: TaskRef;
  /** What was asked. */
  action: 'pause' | 'cancel';
  /**
   * `requested`: its runner stops it after its current batch; `recorded`: recorded here, no
   * runner follows it; `cancelled`: a task not running, recorded cancelled.
   */
  result: 'requested' | 'recorded' | 'cancelled';
}

/** `after-party:reset --json`. */
export interface ResetDocument {
  /** The task reset. */
  task: TaskRef;
  /** Always `reset`. */
  action: 'reset';
  /** `reset`: runs were reset; `not-completed`: there was no finished run; `declined`: not confirmed. */
  result: 'reset' | 'not-completed' | 'declined';
  /** How many runs became `reset`. */
  resetRuns: number;
}

/** `after-party:mark-done --json`. */
export interface MarkDoneDocument {
  /** The tasks newly recorded as completed without running (already completed ones are left out). */
  marked: TaskRef[];
}

/** One recorded run of a task, as the dashboard's task page shows it (and the history a surface pages through). */
export interface TaskRunDocument {
  /** The run's id (a UUID). */
  id: string;
  /** `running`, `completed`, `failed`, `interrupted`, `paused`, `cancelled` or `reset`. */
  status: string;
  /** `deploy`, `manual` or `baseline`. */
  kind: string;
  /** The deploy id it ran under, or null. */
  deployId: string | null;
  /** ISO-8601 UTC start. */
  startedAt: string;
  /** ISO-8601 UTC end, or null while it runs. */
  finishedAt: string | null;
  durationMs: number | null;
  /** The host and process that ran it. */
  host: string;
  pid: number;
  /** Who started it from the dashboard, or null. */
  actor: string | null;
  /** The full error text of a run that failed or was stopped, or null. */
  error: string | null;
  /** Its latest progress (processed, total, rate, ETA, cursor), or null. */
  progress: StatusRow['progress'];
  /** Its latest checkpoint (a batched task's cursor, a distributed task's place), or null. */
  checkpoint: unknown;
}

/** How a task is declared, as a task page describes it. */
export interface TaskDescriptionDocument extends PlannedTask {
  /** `plain` (`run(ctx)`), `batched` or `distributed`. */
  kind: 'plain' | 'batched' | 'distributed';
  /** A transaction around the whole task (plain tasks) or each batch (batched tasks). */
  transaction: boolean;
  /** Its timeout in milliseconds, or null. */
  timeoutMs: number | null;
  /** The environments it is limited to, or null for all. */
  environments: string[] | null;
  /** Batch size, pause between batches (ms) and queue (distributed), for batched tasks. */
  batch: { size: number; pauseMs: number; queue: string | null } | null;
  /** Whether it runs once per tenant (its runs are each tenant's: see `tenants`). */
  perTenant: boolean;
}

/** The batches of a distributed task's latest distribution. */
export interface BatchesDocument {
  distributionId: string;
  total: number;
  completed: number;
  queued: number;
  failed: number;
  /** Items of the completed batches. */
  itemsDone: number;
  /** `host pid` of each worker that completed batches. */
  workers: string[];
  /** The failed batches (the first 20), with their error and tries. */
  failedBatches: Array<{ batchNo: number; error: string | null; attempts: number }>;
}

/** One task in full: how it is declared, where it stands, one page of its runs, its batches. */
export interface TaskDetailDocument {
  /** The store and where its records are, as in the status document. */
  store: string;
  /** The environment the records are read for. */
  environment: string;
  task: TaskDescriptionDocument;
  /** Its row of the status document. */
  status: StatusRow;
  /** Runs newest first, `limit` of them after the first `offset`; `more` when older ones follow. */
  runs: TaskRunDocument[];
  page: { offset: number; limit: number; more: boolean };
  /** A distributed task's batches, or null (other tasks, or no distribution yet). */
  batches: BatchesDocument | null;
  /** A per-tenant task's tenants: each listed tenant (and each with records no longer listed) with its latest run. */
  tenants?: TenantPairRow[];
}
