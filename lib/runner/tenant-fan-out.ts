import { Logger } from '@nestjs/common';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { plural, taskLabel } from '../format/text.format';
import type { VersionState } from '../interfaces/run-record.interface';
import type { RunReport, TenantRunSummary } from '../interfaces/run-report.interface';
import { pendingTasks } from '../planning/run-plan';
import { hasStatus } from '../planning/run-status';
import { newRunRecord } from '../records/run-record.factory';
import { recordableError } from '../records/recordable-error';
import type { TenantSelection } from './run-options.interface';
import { budgetSpent, stopReason, type RunSession } from './run-session';
import { withTenant } from '../tenants/tenant-context';
import { tenantStore } from '../tenants/tenant-store';
import { checkTenantIds, pairKey, splitKey } from '../tenants/tenant-key';
import type { AfterPartyTenants, TenantHandle } from '../interfaces/tenants.interface';

const logger = new Logger('AfterParty');

/** One tenant's pending tasks, in version order, each bound to the tenant. */
export interface TenantWork {
  tenant: string;
  tasks: RegisteredTask[];
}

/** A per-tenant task as it runs for one tenant: recorded under `<version>@<tenant>`. */
export function bindTenant(task: RegisteredTask, tenant: string): RegisteredTask {
  return { ...task, version: pairKey(task.version, tenant), tenant: { id: tenant, version: task.version } };
}

/** The tenants a run takes, from the source's list and the operator's `--tenants` (checked before anything runs). */
export async function listTenants(source: AfterPartyTenants, only: string[] | null | undefined): Promise<{ listed: string[]; chosen: string[] }> {
  const listed = checkTenantIds(await source.list(), `The tenants source (${source.description})`);
  if (!only || only.length === 0) {
    return { listed, chosen: listed };
  }
  const known = new Set(listed);
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new InvalidOptionsError(
      `Unknown tenant${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}. The tenants source (${source.description}) lists ${plural(listed.length, 'tenant')} now; a tenant it does not list cannot run.`,
    );
  }
  return { listed, chosen: listed.filter((id) => only.includes(id)) };
}

/**
 * What each tenant has pending: per-tenant tasks never completed for it (or, in a manual run,
 * every selected task), from the version states of the pair keys (one query for all tenants).
 */
export function planTenants(tasks: readonly RegisteredTask[], tenants: string[], states: VersionState[] | null, deployId: string | null, limit?: number | null): TenantWork[] {
  const work: TenantWork[] = [];
  // One map for all tenants: each tenant then reads only its own pairs' states.
  const byKey = new Map((states ?? []).map((state) => [state.version, state]));
  for (const tenant of tenants) {
    if (limit != null && work.length >= limit) {
      break;
    }
    const bound = tasks.map((task) => bindTenant(task, tenant));
    const own = bound.flatMap((task) => byKey.get(task.version) ?? []);
    // pendingTasks leaves cancelled pairs alone, as it does cancelled tasks.
    const pending = states === null ? bound : pendingTasks(bound, own, deployId);
    if (pending.length > 0) {
      work.push({ tenant, tasks: pending });
    }
  }
  return work;
}

/** Runs one tenant's tasks (the runner's run loop) in a session bound to the tenant. */
export type RunTenantPlan = (tasks: RegisteredTask[], session: RunSession) => Promise<RunReport>;

/**
 * Runs every tenant's pending tasks, `concurrency` tenants at a time, each tenant's tasks in
 * version order: a tenant whose task fails stops there, the others go on (with `failFast`, no
 * further tenant starts). A stop of the whole run (a signal, the lost lock, the time budget)
 * starts no further tenant. Returns the run's outcomes and the per-tenant summary.
 */
export async function fanOut(
  source: AfterPartyTenants,
  work: TenantWork[],
  listed: number,
  session: RunSession,
  selection: TenantSelection,
  runPlan: RunTenantPlan,
): Promise<{ report: RunReport; summary: TenantRunSummary }> {
  const report: RunReport = { outcomes: [], notRun: [], ok: true, abandoned: false, lockLost: false, paused: false, detached: [] };
  const summary: TenantRunSummary = { listed, taken: work.length, completed: 0, failed: [], notRun: [] };
  const concurrency = concurrencyFor(source, selection.concurrency ?? 1, work.length);
  logStart(source, work, listed, concurrency);
  let failedFast: string | null = null;
  const errors: unknown[] = [];
  const notStarted: { cause?: string; tenants: string[] } = { tenants: [] };
  const halted = (): string | null => failedFast ?? (errors.length > 0 ? 'an error another tenant ran into' : null);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < work.length; index = next++) {
      const { tenant, tasks } = work[index];
      const stop = stopBeforeTenant(session, halted);
      if (stop) {
        notStartedFor(stop, { report, summary, notStarted }, tenant, tasks);
        continue;
      }
      const tenantSession = bindSession(session, source, tenant, { halted, terminal: session.terminal && concurrency === 1 });
      let own: RunReport;
      try {
        own = await runTenant(source, tenant, tasks, tenantSession, runPlan);
      } catch (error) {
        // The store failed under this tenant: no further tenant starts, and the run fails once every running one ended.
        errors.push(error);
        return;
      }
      merge(report, summary, tenant, own);
      if (selection.failFast && summary.failed.some((failure) => failure.tenant === tenant)) {
        failedFast ??= `tenant ${tenant} failed (--fail-fast)`;
      }
    }
  };
  // Every worker ends before the run does (and releases its lock): none is left writing records.
  await Promise.all(Array.from({ length: concurrency }, worker));
  await source.close?.().catch((error) => logger.warn(`Closing the tenants source failed: ${String(error)}`));
  if (errors.length > 0) {
    throw errors[0];
  }
  report.ok = summary.failed.length === 0 && summary.notRun.length === 0 && !report.lockLost;
  logEnd(summary, notStarted);
  return { report, summary };
}

/** The fan-out's first line: how many runs over how many tenants, how many at a time. */
function logStart(source: AfterPartyTenants, work: TenantWork[], listed: number, concurrency: number): void {
  const pairs = work.reduce((sum, entry) => sum + entry.tasks.length, 0);
  logger.log(
    work.length > 0
      ? `Per-tenant tasks: ${plural(pairs, 'pending run')} over ${plural(work.length, 'tenant')}, ${concurrency} at a time (${source.description})`
      : `Per-tenant tasks: nothing pending over ${plural(listed, 'tenant')} (${source.description})`,
  );
}

/** A tenant the run did not start (a stop, the time budget, --fail-fast): pending for the next run. */
function notStartedFor(
  stop: { cause: string; budget: boolean },
  into: { report: RunReport; summary: TenantRunSummary; notStarted: { cause?: string; tenants: string[] } },
  tenant: string,
  tasks: RegisteredTask[],
): void {
  into.report.paused ||= stop.budget;
  into.notStarted.cause ??= stop.cause;
  into.notStarted.tenants.push(tenant);
  into.summary.notRun.push(tenant);
  into.report.notRun.push(...tasks.map(taskLabel));
}

/** The tenants that did not start, and the failed ones, each in one line. */
function logEnd(summary: TenantRunSummary, notStarted: { cause?: string; tenants: string[] }): void {
  if (notStarted.tenants.length > 0) {
    logger.warn(`Tenants not started after ${notStarted.cause}: ${notStarted.tenants.join(', ')}`);
  }
  if (summary.failed.length > 0) {
    logger.error(`Failed ${plural(summary.failed.length, 'tenant')}: ${summary.failed.map((failure) => `${failure.tenant} (${failure.task})`).join(', ')}`);
  }
}

/** How many tenants run at once: what was asked, bounded by the source (a pool's size) and by the work. */
function concurrencyFor(source: AfterPartyTenants, asked: number, tenants: number): number {
  const bound = source.maxConcurrency?.() ?? Number.POSITIVE_INFINITY;
  if (asked > bound) {
    logger.warn(`--concurrency ${asked} lowered to ${bound}: the tenants source (${source.description}) cannot run more tenants at once.`);
  }
  return Math.max(1, Math.min(asked, bound, Math.max(tenants, 1)));
}

/** Why no further tenant may start (`budget`: the time budget is spent), or null. */
function stopBeforeTenant(session: RunSession, halted: () => string | null): { cause: string; budget: boolean } | null {
  const stop = stopReason(session)?.message ?? halted();
  if (stop) {
    return { cause: stop, budget: false };
  }
  return budgetSpent(session) ? { cause: `the time budget (--max-duration ${session.budget}) was spent`, budget: true } : null;
}

/** The run's session for one tenant: its handle comes with `enter`, its transactions bound to the tenant. */
function bindSession(session: RunSession, source: AfterPartyTenants, tenant: string, extra: Pick<RunSession, 'halted' | 'terminal'>): RunSession {
  const bind = source.bindTransaction?.bind(source);
  return { ...session, ...extra, store: bind ? tenantStore(session.store, (manager) => bind(tenant, manager)) : session.store };
}

/** Enters the tenant and runs its tasks; a tenant that cannot be entered fails its first task, recorded. */
async function runTenant(source: AfterPartyTenants, tenant: string, tasks: RegisteredTask[], session: RunSession, runPlan: RunTenantPlan): Promise<RunReport> {
  let entered = false;
  try {
    return await source.enter(tenant, (handle: TenantHandle) => {
      entered = true;
      return withTenant(handle, () => runPlan(tasks, { ...session, tenant: handle }));
    });
  } catch (error) {
    // Only a tenant that could not be entered is recorded here; an error of its run (the store's) is the run's.
    if (entered) {
      throw error;
    }
    return recordUnreachable(tasks, session, error);
  }
}

/** A tenant the source could not enter (its schema or database is gone, say): its first task is recorded failed. */
async function recordUnreachable(tasks: RegisteredTask[], session: RunSession, error: unknown): Promise<RunReport> {
  const [first, ...rest] = tasks;
  const message = `Cannot enter tenant ${first.tenant?.id}: ${recordableError(error)}`;
  const record = newRunRecord(first, { kind: session.kind, deployId: session.deployId, environment: session.options.environment, actor: session.actor });
  await session.store.insertRun(record);
  await session.store.finishRun(record.id, { status: 'failed', finishedAt: new Date().toISOString(), durationMs: 0, error: message });
  logger.error(`Failed ${taskLabel(first)}: ${message}`);
  return {
    outcomes: [{ version: record.version, name: record.name, runId: record.id, status: 'failed', durationMs: 0, error: message }],
    notRun: rest.map(taskLabel),
    ok: false,
    abandoned: false,
    lockLost: false,
    paused: false,
    detached: [],
  };
}

/** Adds one tenant's report to the run's. */
function merge(report: RunReport, summary: TenantRunSummary, tenant: string, own: RunReport): void {
  report.outcomes.push(...own.outcomes.map((outcome) => ({ ...outcome, version: splitKey(outcome.version).version, tenant })));
  report.notRun.push(...own.notRun);
  report.detached.push(...own.detached);
  report.abandoned ||= own.abandoned;
  report.lockLost ||= own.lockLost;
  report.paused ||= own.paused;
  const failed = own.outcomes.find((outcome) => !hasStatus(['completed', 'cancelled', 'paused', 'running'], outcome.status));
  if (failed) {
    summary.failed.push({ tenant, task: `${splitKey(failed.version).version} ${failed.name}`, status: failed.status, error: failed.error });
  } else if (own.detached.length > 0) {
    // Left to the workers (--no-wait): in `detached`, neither completed nor stopped.
    return;
  } else if (own.ok) {
    summary.completed += 1;
  } else {
    summary.notRun.push(tenant);
  }
}
