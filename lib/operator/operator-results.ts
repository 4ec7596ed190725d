import type { RegisteredTask } from '../discovery/registered-task.interface';
import type { RunOptions, TenantSelection } from '../runner/run-options.interface';
import type { RunReport } from '../interfaces/run-report.interface';
import type { StatusRow } from '../status/status-row.interface';
import type { Surface } from './operator.messages';
import type { PlannedTask, StatusDocument, TaskDetailDocument, TaskRef } from './operator-documents';
import type { TaskAction } from './task-actions';

/** Which surface asks, for the wording of refusals, and who, when it knows. */
export interface Asked {
  surface: Surface;
  /** Who asked (the dashboard's user), recorded on the records the action writes; null or absent for none. */
  actor?: string | null;
}

/** One task, by version or name, as the operator typed it (a command's arguments, or a method's argument). */
export interface OneTaskInput extends Asked {
  task: unknown;
  /** The tenant, for an action on one (task, tenant) pair of a per-tenant task (reset). */
  tenant?: unknown;
}

/** Lock wait of the actions that take the run lock. */
export interface LockInput {
  /** Lock wait in milliseconds; 0 fails at once when the lock is held. */
  lockTimeoutMs: number;
}

/** What {@link OperatorCore.plan} takes: named tasks (exactly those) or none (what is pending). */
export interface PlanInput {
  tasks: string[];
  deployId: string | null;
  /** Which tenants the run would take (`--tenants`, `--limit`). */
  tenants?: TenantSelection;
  /** Who asks, for the wording of refusals. @default 'cli' */
  surface?: Surface;
}

/** What {@link OperatorCore.plan} resolves. */
export interface PlanResult {
  tasks: PlannedTask[];
  /** Schema migrations the real run would refuse on, or apply first with `migrate`. */
  pendingMigrations: string[];
  /** Per-tenant tasks: each tenant the run would take, with its pending tasks in order. */
  tenants?: PlannedTenant[];
}

/** One tenant of a dry run: the per-tenant tasks the run would run for it, in order. */
export interface PlannedTenant {
  tenant: string;
  tasks: Array<{ version: string; name: string }>;
}

/** What {@link OperatorCore.provision} did: the run of the tenant's tasks, or the tasks marked done. */
export interface ProvisionResult {
  tenant: string;
  /** The run of the tenant's pending tasks, or null when they were marked done. */
  report: RunReport | null;
  /** The per-tenant tasks marked done for the tenant (`markDone`). */
  marked: TaskRef[];
  message?: string;
}

/** What {@link OperatorCore.resume} takes: one task, and how to run it. */
export type ResumeInput = OneTaskInput & Omit<RunOptions, 'tasks'>;

/** What {@link OperatorCore.status} resolves: the status document, and what needs attention. */
export interface StatusResult extends StatusDocument {
  /** The rows `status --check` fails on: pending, running, failed, interrupted or paused. */
  needsAttention: StatusRow[];
}

/** What {@link OperatorCore.detail} resolves: the task page's document, and the actions its state allows. */
export interface TaskDetailResult extends TaskDetailDocument {
  actions: TaskAction[];
}

/** Common to the results of one task's control. */
interface ControlSubject {
  task: TaskRef;
  /** Whether the task is distributed (its queue was acted on). */
  distributed: boolean;
  /** The outcome in one line, as the commands print it. */
  message: string;
}

/** How a pause came out: its runner pauses it (`requested`), or no runner follows it and it is recorded here (`recorded`). */
export type PauseResult = ({ outcome: 'requested' } | { outcome: 'recorded' }) & ControlSubject;

/**
 * How a cancel came out: `requested` (its runner stops it after its current batch), `recorded`
 * (a distributed task no runner follows, recorded here), `cancelled` (not running: recorded cancelled).
 */
export type CancelResult = ({ outcome: 'requested' } | { outcome: 'recorded' } | { outcome: 'cancelled' }) & ControlSubject;

/** How a reset came out: `reset` (`resetRuns` runs were reset) or `not-completed` (no finished run). */
export type ResetResult = ({ outcome: 'reset'; resetRuns: number } | { outcome: 'not-completed'; resetRuns: 0 }) & { task: TaskRef; message: string };

/** What {@link OperatorCore.markDone} takes: exactly one of `tasks`, `all`, `before`. */
export interface MarkDoneInput extends Asked, LockInput {
  tasks: string[];
  all: boolean;
  before: unknown;
}

/** The tasks newly recorded as completed, and the outcome in one line. */
export interface MarkDoneResult {
  marked: TaskRef[];
  message: string;
}

/** A task as the results name it. */
export function ref(task: RegisteredTask): TaskRef {
  return { version: task.version, name: task.name };
}
