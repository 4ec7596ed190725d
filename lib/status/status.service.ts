import { Inject, Injectable, Optional } from '@nestjs/common';
import { AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE, AFTER_PARTY_TENANTS } from '../config/after-party.constants';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import type { VersionState } from '../interfaces/run-record.interface';
import { checkTenantIds, pairKey, splitKey } from '../tenants/tenant-key';
import type { AfterPartyTenants } from '../interfaces/tenants.interface';
import { TaskRegistry } from '../discovery/task.registry';
import type { TaskRunRecord } from '../interfaces/run-record.interface';
import type { AfterPartyStore } from '../interfaces/store.interface';
import { ENDED_WITH_ERROR, hasStatus, PROGRESS_SPENT } from '../planning/run-status';
import { NEEDS_ATTENTION, taskState } from '../planning/task-state';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import type { StatusRow, TenantCounts, TenantPairRow } from './status-row.interface';
import type { TaskState } from '../planning/task-state';

/** A per-tenant task's own state, from its tenants': the one that most needs attention first. */
const TENANT_STATE_ORDER: readonly TaskState[] = ['running', 'failed', 'interrupted', 'paused', 'pending', 'cancelled', 'completed', 'marked', 'excluded'];

/** Status rows, and the task × tenant matrix when the app has per-tenant tasks. */
export interface StatusRead {
  rows: StatusRow[];
  tenants?: TenantPairRow[];
}

/** Joins the app's tasks with what the records say about them. Reads only; takes no lock. */
@Injectable()
export class StatusService {
  constructor(
    @Inject(AFTER_PARTY_STORE) private readonly store: AfterPartyStore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
    private readonly registry: TaskRegistry,
    @Optional() @Inject(AFTER_PARTY_TENANTS) private readonly tenants?: AfterPartyTenants,
  ) {}

  /** Every task (and every version recorded without a task class), in version order. */
  async rows(): Promise<StatusRow[]> {
    return (await this.read()).rows;
  }

  /** The rows, and the task × tenant matrix of per-tenant tasks (over the tenants listed now, and those with records). */
  async read(): Promise<StatusRead> {
    const perTenant = this.registry.all().some((task) => task.perTenant);
    const [states, runs, listed] = await Promise.all([
      this.store.versionStates(null),
      this.store.latestRuns(),
      perTenant && this.tenants ? this.tenants.list().then((ids) => checkTenantIds(ids, `The tenants source (${this.tenants?.description})`)) : Promise.resolve(null),
    ]);
    const versions = new Map(states.map((state) => [state.version, state]));
    const latest = new Map(runs.map((run) => [run.version, run]));
    const pairs = listed ? this.pairRows(versions, latest, listed) : undefined;
    const rows: StatusRow[] = this.registry.all().map((task) => {
      if (task.perTenant && pairs) {
        return this.tenantRow(task, pairs);
      }
      const run = latest.get(task.version);
      latest.delete(task.version);
      return {
        state: taskState(task, this.options.environment, versions.get(task.version), run),
        version: task.version,
        name: task.name,
        description: task.description,
        everyDeploy: task.everyDeploy,
        ...runFields(run),
      };
    });
    // Records whose task class is gone stay visible, so history is never silently lost.
    for (const run of latest.values()) {
      if (splitKey(run.version).tenant === null) {
        rows.push({ state: 'no-task', version: run.version, name: run.name, description: '', everyDeploy: false, ...runFields(run) });
      }
    }
    return { rows: rows.sort((a, b) => a.version.localeCompare(b.version)), tenants: pairs };
  }

  /** Every (per-tenant task, tenant) pair: listed tenants, and tenants with records the source no longer lists. */
  private pairRows(versions: Map<string, VersionState>, latest: Map<string, TaskRunRecord>, listed: string[]): TenantPairRow[] {
    const tasks = this.registry.all().filter((task) => task.perTenant);
    const known = new Set(listed);
    const gone = new Set<string>();
    for (const key of latest.keys()) {
      const { version, tenant } = splitKey(key);
      if (tenant !== null && !known.has(tenant) && tasks.some((task) => task.version === version)) {
        gone.add(tenant);
      }
    }
    const rows: TenantPairRow[] = [];
    for (const task of tasks) {
      for (const tenant of [...listed, ...gone]) {
        const key = pairKey(task.version, tenant);
        const run = latest.get(key);
        if (!known.has(tenant) && !run) {
          continue;
        }
        const state = taskState(task, this.options.environment, versions.get(key), run);
        rows.push({ tenant, listed: known.has(tenant), state, version: task.version, name: task.name, ...runFields(run) });
      }
    }
    return rows;
  }

  /** A per-tenant task's row: its tenants' counts, the state that needs attention first, the latest run over all tenants. */
  private tenantRow(task: RegisteredTask, pairs: TenantPairRow[]): StatusRow {
    const own = pairs.filter((pair) => pair.version === task.version && pair.listed);
    const counts = countTenants(own);
    const state = TENANT_STATE_ORDER.find((candidate) => counts.states[candidate]) ?? 'completed';
    // The last run shown is that of a tenant in the row's own state (a failed row: the latest failure), else the latest of all.
    const newest = latestOf(own.filter((pair) => pair.state === state)) ?? latestOf(own);
    return {
      state,
      version: task.version,
      name: task.name,
      description: task.description,
      everyDeploy: task.everyDeploy,
      lastRunAt: newest?.lastRunAt ?? null,
      lastRunStatus: newest?.lastRunStatus ?? null,
      durationMs: newest?.durationMs ?? null,
      error: null,
      progress: null,
      tenants: counts,
    };
  }

  /** The rows that need attention (`status --check`): pending, running, failed or interrupted. */
  static needingAttention(rows: StatusRow[]): StatusRow[] {
    return rows.filter((row) => NEEDS_ATTENTION.includes(row.state));
  }
}

/** The pair whose latest run started last, or null when none ran. */
function latestOf(pairs: TenantPairRow[]): TenantPairRow | null {
  return pairs.reduce<TenantPairRow | null>((best, pair) => (pair.lastRunAt && (!best?.lastRunAt || pair.lastRunAt > best.lastRunAt) ? pair : best), null);
}

/** How many of a task's tenants are in each state, and the failed ones. */
function countTenants(pairs: TenantPairRow[]): TenantCounts {
  const counts: TenantCounts = { total: pairs.length, states: {}, failed: [], running: [] };
  for (const pair of pairs) {
    counts.states[pair.state] = (counts.states[pair.state] ?? 0) + 1;
    if (pair.state === 'failed' || pair.state === 'interrupted') {
      counts.failed.push({ tenant: pair.tenant, state: pair.state, error: pair.error });
    }
    if (pair.state === 'running') {
      counts.running.push({ tenant: pair.tenant, progress: pair.progress });
    }
  }
  return counts;
}

function runFields(run: TaskRunRecord | undefined): Pick<StatusRow, 'lastRunAt' | 'lastRunStatus' | 'durationMs' | 'error' | 'progress'> {
  if (!run) {
    return { progress: null, lastRunAt: null, lastRunStatus: null, durationMs: null, error: null };
  }
  return {
    // How far a run got, while it runs or while the next run would go on from it (not once a
    // task completed, or was reset to start over).
    progress: hasStatus(PROGRESS_SPENT, run.status) ? null : run.progress,
    lastRunAt: run.startedAt,
    lastRunStatus: run.status,
    durationMs: run.durationMs,
    error: hasStatus(ENDED_WITH_ERROR, run.status) ? run.error : null,
  };
}
