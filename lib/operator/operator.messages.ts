import { firstLine, plural, taskLabel } from '../format/text.format';
import { onRequestOf } from '../records/stop-reasons';
import type { TaskState } from '../planning/task-state';

/**
 * Every refusal and outcome of the operator actions, worded once. The commands and
 * `AfterPartyService` word the same rule with the same text; where they differ, it is only by
 * the name of a flag or method, which {@link Surface} picks.
 */

/** Who asks: the `after-party:*` commands, app code through `AfterPartyService`, or the dashboard's buttons. */
export type Surface = 'cli' | 'api' | 'dashboard';

type Task = { version: string; name: string };

/** How each surface names what an operator types. */
const NAMES = {
  cli: {
    status: 'after-party:status',
    reset: 'after-party:reset',
    usage: (action: string) => `after-party:${action} <task>`,
    markDoneTasks: 'task versions or names',
    markDoneAll: '--all',
    markDoneBefore: '--before <version>',
    before: '--before',
  },
  api: {
    status: 'status()',
    reset: 'reset()',
    usage: (action: string) => `${action}(task)`,
    markDoneTasks: 'tasks (versions or names)',
    markDoneAll: 'all: true',
    markDoneBefore: 'before: <version>',
    before: 'before',
  },
  dashboard: {
    status: 'The overview',
    reset: 'Reset',
    usage: (action: string) => `${action} on a task's page`,
    markDoneTasks: 'a task',
    markDoneAll: 'all',
    markDoneBefore: 'before',
    before: 'before',
  },
} as const;

// Refusals.

export function exactlyOneTask(surface: Surface, action: string): string {
  return `Name exactly one task, by version or name: ${NAMES[surface].usage(action)}.`;
}

export function notInEnvironment(task: Task & { environments: string[] | null }, environment: string): string {
  return (
    `${taskLabel(task)} only runs in ${task.environments?.join(', ')}, and this environment is "${environment}". ` +
    'Run it where it belongs, or add this environment to its environments option.'
  );
}

export function markDoneMode(surface: Surface): string {
  const names = NAMES[surface];
  return `Say which tasks to mark done: ${names.markDoneTasks}, ${names.markDoneAll}, or ${names.markDoneBefore} (exactly one of them).`;
}

export function markDoneBefore(surface: Surface, value: unknown): string {
  return `${NAMES[surface].before} needs a task version (YYYYMMDDHHMMSS), not ${JSON.stringify(value)}.`;
}

export function notBatched(task: Task, action: 'pause'): string {
  return `${taskLabel(task)} is not a batched task, so it cannot ${action} between batches. Stop its runner with SIGTERM instead (it is recorded interrupted).`;
}

export function notRunning(surface: Surface, task: Task): string {
  return `${taskLabel(task)} is not running: there is nothing to pause. ${NAMES[surface].status} shows where it stands.`;
}

export function completedNothingToCancel(surface: Surface, task: Task): string {
  return `${taskLabel(task)} is completed: there is nothing to cancel. ${NAMES[surface].reset} makes it pending again.`;
}

export function runningPlainTask(task: Task): string {
  return `${taskLabel(task)} is running and is not batched, so it cannot be cancelled between batches: stop its runner with SIGTERM instead (it is recorded interrupted).`;
}

export function notResumable(surface: Surface, task: Task & { kind: 'plain' | 'batched' | 'distributed' }, state: TaskState): string {
  if (task.kind === 'plain') {
    return `${taskLabel(task)} is not a batched task, so it has no cursor to resume from: run it by name to run it again.`;
  }
  const why: Partial<Record<TaskState, string>> = {
    running: 'it is running now',
    completed: `it is completed (${NAMES[surface].reset} starts it over)`,
    marked: `it is marked done (${NAMES[surface].reset} starts it over)`,
    cancelled: 'it was cancelled (run it by name to go on with it)',
    excluded: 'it does not run in this environment',
  };
  return `${taskLabel(task)} cannot resume: ${why[state] ?? `it is ${state}, not paused or interrupted`}. Only a paused or interrupted batched task resumes.`;
}

export function notOffered(task: Task & { state: TaskState }, action: string): string {
  return `${taskLabel(task)} is ${task.state} now, and ${action} is not offered in that state: the page was out of date.`;
}

// Outcomes.

export function pauseOutcome(task: Task & { distributed: boolean }): string {
  return task.distributed
    ? `Paused the queue of ${taskLabel(task)}: queued batches are held, running ones finish; after-party:run resumes it.`
    : `Asked the runner of ${taskLabel(task)} to pause it after its current batch; after-party:run resumes it from its cursor.`;
}

export function cancelOutcome(task: Task & { distributed: boolean }, outcome: 'requested' | 'recorded' | 'cancelled'): string {
  if (outcome === 'cancelled') {
    return `Cancelled ${taskLabel(task)}: later runs leave it alone until after-party:reset or after-party:run ${task.name}.`;
  }
  return outcome === 'recorded' || task.distributed
    ? `Cancelled ${taskLabel(task)}: its queued batches were removed, running ones finish.`
    : `Asked the runner of ${taskLabel(task)} to cancel it after its current batch.`;
}

export function runStarted(task: Task, host: string, pid: number): string {
  return `Started ${taskLabel(task)} on ${host} (pid ${pid}), under the run lock, as after-party:run ${task.name} would.`;
}

export function runEnded(task: Task, outcome: { status: string; error: string | null } | undefined): string {
  if (!outcome) {
    return `${taskLabel(task)} did not run: the run stopped before it.`;
  }
  return outcome.error ? `${taskLabel(task)} ended ${outcome.status}: ${firstLine(outcome.error)}` : `${taskLabel(task)} ended ${outcome.status}.`;
}

export function resetQuestion(task: Task): string {
  return `Reset ${taskLabel(task)}? It will run again on the next after-party:run. [y/N] `;
}

export function resetOutcome(task: Task, resetRuns: number | 'declined'): string {
  if (resetRuns === 'declined') {
    return 'Nothing changed.';
  }
  return resetRuns === 0
    ? `${taskLabel(task)} had no finished run: nothing to reset.`
    : `Reset ${taskLabel(task)} (${plural(resetRuns, 'run')}): it is pending again and starts over.`;
}

export function resetNeedsTerminal(): string {
  return 'after-party:reset asks for confirmation, and there is no terminal to ask on: pass --yes.';
}

export function markDoneOutcome(marked: Task[]): string {
  return marked.length === 0
    ? 'Nothing to mark: those tasks are already completed.'
    : `Marked ${plural(marked.length, 'task')} as done without running: ${marked.map(taskLabel).join(', ')}`;
}

export function planMigrations(pending: string[], migrate: boolean): string {
  const list = pending.join(', ');
  return migrate
    ? `Dry run: ${plural(pending.length, 'schema migration')} would be applied first (--migrate): ${list}`
    : `Dry run: ${plural(pending.length, 'schema migration')} pending (${list}): the real run refuses until they are applied (run them first, or pass --migrate).`;
}

export function planHeader(count: number, perTenant = false): string {
  const tasks = perTenant ? 'global task' : 'task';
  return count === 0 ? `Dry run: ${perTenant ? 'no global task' : 'nothing'} would run.` : `Dry run: ${plural(count, tasks)} would run, in this order:`;
}

export function planLine(task: Task & { everyDeploy: boolean; description: string }): string {
  return `  ${task.version}  ${task.name}${task.everyDeploy ? ' (every deploy)' : ''}${task.description ? `  ${task.description}` : ''}`;
}

/** The per-tenant part of a dry run: how many tenants, then each tenant with its pending tasks (the first few). */
export function planTenantLines(tenants: Array<{ tenant: string; tasks: Task[] }>, shown = 20): string[] {
  const pairs = tenants.reduce((sum, entry) => sum + entry.tasks.length, 0);
  if (tenants.length === 0) {
    return ['Per-tenant tasks: nothing would run.'];
  }
  const lines = [`Then per-tenant tasks: ${plural(pairs, 'run')} over ${plural(tenants.length, 'tenant')}:`];
  for (const entry of tenants.slice(0, shown)) {
    lines.push(`  ${entry.tenant}: ${entry.tasks.map(taskLabel).join(', ')}`);
  }
  if (tenants.length > shown) {
    lines.push(`  and ${plural(tenants.length - shown, 'more tenant')} (--json lists them all)`);
  }
  return lines;
}

// What the records say (the `error` of a run an operator stopped).

export function stoppedOnWorkers(control: 'pause' | 'cancel', actor: string | null = null): string {
  return `${control === 'pause' ? 'Paused' : 'Cancelled'} on ${onRequestOf(actor)} while its batches were on the workers`;
}

export function cancelledRecord(host: string, stopped: { status: string; checkpoint: unknown } | null, actor: string | null = null): string {
  const by = actor === null ? '' : ` by ${actor}`;
  if (!stopped) {
    return `Cancelled${by} on ${host} before it ran`;
  }
  const goesOn = stopped.checkpoint === null ? '' : '; run by name, it goes on from where it stopped';
  return `Cancelled${by} on ${host} after it was ${stopped.status}${goesOn}`;
}

export function resetNote(host: string, at: string, actor: string | null = null): string {
  return actor === null ? `Reset by after-party:reset on ${host} at ${at}` : `Reset by ${actor} from the dashboard on ${host} at ${at}`;
}

// Status.

export function statusHeader(store: string, environment: string): string {
  return `after-party status (${store}, environment ${environment})`;
}

export function checkFailed(rows: Array<Task & { state: TaskState }>): string {
  return `Check failed: ${rows.map((row) => `${row.version} ${row.name} is ${row.state}`).join(', ')}`;
}

// Tenants.

/** How each surface names the tenant options of a run. */
const TENANT_NAMES = {
  cli: { tenants: '--tenants', limit: '--limit', concurrency: '--concurrency', failFast: '--fail-fast', provision: 'after-party:tenant <id>' },
  api: { tenants: 'tenants', limit: 'limit', concurrency: 'concurrency', failFast: 'failFast', provision: 'provisionTenant(id)' },
  dashboard: { tenants: 'tenants', limit: 'limit', concurrency: 'concurrency', failFast: 'failFast', provision: 'provisionTenant(id)' },
} as const;

export type TenantOption = keyof (typeof TENANT_NAMES)['cli'];

export function tenantOptionName(surface: Surface, option: TenantOption): string {
  return TENANT_NAMES[surface][option];
}

export function noPerTenantTasks(surface: Surface, option: TenantOption): string {
  return `${tenantOptionName(surface, option)} applies to per-tenant tasks (perTenant: true), and none of the tasks this run takes is one.`;
}

export function wholeNumberAtLeastOne(surface: Surface, option: TenantOption, value: unknown): string {
  return `${tenantOptionName(surface, option)} must be a whole number of 1 or more, not ${JSON.stringify(value)}.`;
}

export function perTenantOnly(surface: Surface, action: string, task: Task): string {
  return (
    `${taskLabel(task)} runs per tenant, and ${NAMES[surface].usage(action)} acts on global tasks. ` +
    `Its failed and interrupted tenants run again with the next after-party:run (resuming from their checkpoints); ${tenantOptionName(surface, 'provision')} runs or marks done one tenant's tasks` +
    `${action === 'reset' ? `, and ${surface === 'cli' ? `after-party:reset ${task.name} --tenant <id>` : `reset(task, { tenant })`} starts one tenant's run of it over` : ''}.`
  );
}

export function tenantForGlobalTask(surface: Surface, task: Task): string {
  return `${taskLabel(task)} is a global task: ${surface === 'cli' ? '--tenant' : 'tenant'} applies to per-tenant tasks (perTenant: true) only.`;
}

export function resetTenantOutcome(task: Task, tenant: string, resetRuns: number): string {
  return resetRuns === 0
    ? `${taskLabel(task)} had no finished run for tenant ${tenant}: nothing to reset.`
    : `Reset ${taskLabel(task)} for tenant ${tenant} (${plural(resetRuns, 'run')}): it is pending again for that tenant and starts over.`;
}

export function provisionOutcome(tenant: string, marked: Task[]): string {
  return marked.length === 0 ? `Tenant ${tenant}: every per-tenant task was already completed.` : `Tenant ${tenant}: marked ${plural(marked.length, 'task')} done: ${marked.map(taskLabel).join(', ')}`;
}
