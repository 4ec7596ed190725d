import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE } from '../config/after-party.constants';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import { TaskRegistry } from '../discovery/task.registry';
import { versionProblem } from '../discovery/task-version';
import { DistributionService } from '../distribution/distribution.service';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { LockTimeoutError } from '../errors/lock-timeout.error';
import type { RunReport } from '../interfaces/run-report.interface';
import type { AfterPartyStore, RunPage } from '../interfaces/store.interface';
import type { StatusRow } from '../status/status-row.interface';
import { planRun } from '../planning/run-plan';
import { newRunRecord } from '../records/run-record.factory';
import { inEnvironment, taskState } from '../planning/task-state';
import type { RunOptions } from '../runner/run-options.interface';
import { TaskRunner } from '../runner/task.runner';
import { countStates } from '../status/format-status';
import { StatusService } from '../status/status.service';
import * as messages from './operator.messages';
import {
  ref,
  type CancelResult,
  type LockInput,
  type MarkDoneInput,
  type MarkDoneResult,
  type OneTaskInput,
  type PauseResult,
  type PlanInput,
  type PlanResult,
  type ProvisionResult,
  type ResetResult,
  type ResumeInput,
  type StatusResult,
  type TaskDetailResult,
} from './operator-results';
import { recordCancelled, stopDistributed, type ControlDeps, type DistributedStop } from './task-control';
import { allowedActions } from './task-actions';
import { batchesOf, describeTask, runPage } from './task-detail';
import type { Surface } from './operator.messages';
import type { TenantSelection } from '../runner/run-options.interface';
import { bindTenant } from '../runner/tenant-fan-out';
import { checkTenantIds, pairKey } from '../tenants/tenant-key';

/** The most runs one page of a task's history holds. */
const MAX_RUN_PAGE = 100;

/**
 * The operator actions, once: run, plan, status, pause, resume, cancel, reset and mark-done. The
 * `after-party:*` commands and `AfterPartyService` (and any later surface) call these, and only
 * word the outcome. Every rule and every refusal is here; the wording is in `operator.messages.ts`.
 * Refusals are `InvalidOptionsError`s (exit 2); the lock, unknown tasks and pending migrations
 * throw their own typed errors. Internal: not exported from the package; apps use `AfterPartyService`.
 */
@Injectable()
export class OperatorCore {
  constructor(
    private readonly runner: TaskRunner,
    private readonly registry: TaskRegistry,
    private readonly statusService: StatusService,
    private readonly distribution: DistributionService,
    @Inject(AFTER_PARTY_STORE) private readonly store: AfterPartyStore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
  ) {}

  /** Tasks by version or name (`UnknownTaskError` for unknown ones), refusing those excluded from this environment. */
  select(identifiers: string[]): RegisteredTask[] {
    const tasks = this.registry.select(identifiers);
    const excluded = tasks.find((task) => !inEnvironment(task, this.options.environment));
    if (excluded) {
      throw new InvalidOptionsError(messages.notInEnvironment(excluded, this.options.environment));
    }
    return tasks;
  }

  /** Exactly one task, by version or name: `task` is a method's argument, or a command's arguments. */
  one(input: OneTaskInput, action: string): RegisteredTask {
    const { surface, task } = input;
    const identifiers = Array.isArray(task) ? task : [task];
    if (identifiers.length !== 1 || typeof identifiers[0] !== 'string' || identifiers[0] === '') {
      throw new InvalidOptionsError(messages.exactlyOneTask(surface, action));
    }
    const [one] = this.select(identifiers as string[]);
    checkTenantAction(input, action, one);
    return one;
  }

  /** Runs what is pending, or exactly the named tasks (checked before the database is touched). */
  async run(input: RunOptions, surface: Surface = 'cli'): Promise<RunReport> {
    const selected = this.select(input.tasks);
    const scope = selected.length > 0 ? selected : this.registry.all().filter((task) => inEnvironment(task, this.options.environment));
    const tenants = this.tenantSelection(surface, input.tenants, scope);
    return this.runner.run({ ...input, tenants, tasks: selected.map((task) => task.version) });
  }

  /**
   * Brings one tenant up to date: runs its pending per-tenant tasks now (global tasks are left to
   * the deploy), or, with `markDone`, records them completed without running (a tenant created
   * from an up-to-date template). The tenant must be one the source lists.
   */
  async provision(input: { surface: Surface; tenant: unknown; markDone: boolean; actor?: string | null } & Omit<RunOptions, 'tasks' | 'tenants'>): Promise<ProvisionResult> {
    const [tenant] = checkTenantIds([input.tenant], messages.tenantOptionName(input.surface, 'provision'));
    const tasks = this.registry.all().filter((task) => task.perTenant && inEnvironment(task, this.options.environment));
    if (tasks.length === 0) {
      throw new InvalidOptionsError(messages.noPerTenantTasks(input.surface, 'provision'));
    }
    if (!input.markDone) {
      const { surface: _surface, tenant: _tenant, markDone: _markDone, ...run } = input;
      return { tenant, report: await this.runner.run({ ...run, tasks: [], tenants: { only: [tenant], tenantTasksOnly: true } }), marked: [] };
    }
    await this.runner.listTenants([tenant]);
    const marked = await this.runner.underLock(input.lockTimeoutMs, async () => {
      await this.store.prepare();
      const completed = new Set((await this.store.versionStates(null)).filter((entry) => entry.completed).map((entry) => entry.version));
      const fresh = tasks.filter((task) => !completed.has(pairKey(task.version, tenant)));
      for (const task of fresh) {
        const record = newRunRecord(bindTenant(task, tenant), { kind: 'baseline', deployId: null, environment: this.options.environment, status: 'completed', actor: input.actor ?? null });
        await this.store.insertRun(record);
      }
      return fresh.map(ref);
    });
    return { tenant, report: null, marked, message: messages.provisionOutcome(tenant, marked) };
  }

  /** The tenant options of a run, checked (they need a per-tenant task among those it takes). */
  private tenantSelection(surface: Surface, selection: TenantSelection | undefined, scope: RegisteredTask[]): TenantSelection | undefined {
    if (!selection) {
      return undefined;
    }
    const given = (['only', 'limit', 'concurrency', 'failFast'] as const).filter((key) => selection[key] !== undefined && selection[key] !== null);
    const names = { only: 'tenants', limit: 'limit', concurrency: 'concurrency', failFast: 'failFast' } as const;
    if (given.length > 0 && !scope.some((task) => task.perTenant)) {
      throw new InvalidOptionsError(messages.noPerTenantTasks(surface, names[given[0]]));
    }
    checkCounts(surface, selection);
    const only = selection.only == null ? null : checkTenantIds(selection.only, messages.tenantOptionName(surface, 'tenants'));
    return { ...selection, only };
  }

  /** What {@link run} would run now, in order, and the schema migrations it would refuse on. Reads only; no lock. */
  async plan({ tasks, deployId, tenants, surface = 'cli' }: PlanInput): Promise<PlanResult> {
    const selected = tasks.length > 0 ? this.select(tasks) : null;
    const states = await this.store.versionStates(deployId);
    const planned = selected ?? planRun(this.registry.all(), states, this.options.environment, deployId).pending;
    const scope = (selected ?? this.registry.all()).filter((task) => task.perTenant && inEnvironment(task, this.options.environment));
    const selection = this.tenantSelection(surface, tenants, selected ?? this.registry.all().filter((task) => inEnvironment(task, this.options.environment)));
    const pairs = scope.length > 0 ? await this.runner.tenantPlan(scope, selected ? null : states, deployId, selection) : undefined;
    return {
      tasks: planned.filter((task) => !task.perTenant).map(({ version, name, description, everyDeploy }) => ({ version, name, description, everyDeploy })),
      pendingMigrations: await this.runner.pendingMigrations(),
      ...(pairs ? { tenants: pairs } : {}),
    };
  }

  /** The schema migrations a run would refuse on (TypeORM; none elsewhere). Reads only; no lock. */
  pendingMigrations(): Promise<string[]> {
    return this.runner.pendingMigrations();
  }

  /** Every task with the state of its latest run. Reads only; no lock. */
  async status(): Promise<StatusResult> {
    const { rows: tasks, tenants } = await this.statusService.read();
    return {
      store: this.store.description,
      environment: this.options.environment,
      tasks,
      summary: countStates(tasks),
      ...(tenants ? { tenants } : {}),
      needsAttention: StatusService.needingAttention(tasks),
    };
  }

  /**
   * One task in full: how it is declared, its status row, one page of its runs (newest first),
   * a distributed task's batches, and the actions its state allows. Reads only; no lock.
   */
  async detail(input: OneTaskInput, page: RunPage): Promise<TaskDetailResult> {
    const task = this.one(input, 'show');
    const limit = Math.min(Math.max(1, Math.floor(page.limit)), MAX_RUN_PAGE);
    const offset = Math.max(0, Math.floor(page.offset));
    const [read, history, batches] = await Promise.all([this.statusService.read(), runPage(this.store, task.version, { offset, limit }), batchesOf(this.store, task)]);
    const status = read.rows.find((row) => row.version === task.version) as StatusRow;
    // A per-tenant task is acted on per tenant (provisioning, the next run): no button acts on all tenants at once.
    const actions = task.perTenant ? [] : allowedActions(task, status.state);
    const tenants = task.perTenant ? { tenants: (read.tenants ?? []).filter((pair) => pair.version === task.version) } : {};
    return { store: this.store.description, environment: this.options.environment, task: describeTask(task), status, runs: history.runs, page: { offset, limit, more: history.more }, batches, actions, ...tenants };
  }

  /** Whether the run lock is free now (taken and released at once): a running record whose lock is free has lost its runner. */
  async lockIsFree(): Promise<boolean> {
    const owner = { id: randomUUID(), host: hostname(), pid: process.pid, since: new Date().toISOString() };
    const lock = await this.store.acquireLock(owner, 0).catch(() => null);
    await lock?.release();
    return lock !== null;
  }

  /**
   * Pauses a running batched task after its current batch, from any host; a distributed task's
   * queue is paused at once. Refuses a task that is not batched, or not running.
   */
  async pause(input: OneTaskInput): Promise<PauseResult> {
    const task = this.one(input, 'pause');
    if (task.kind === 'plain') {
      throw new InvalidOptionsError(messages.notBatched(task, 'pause'));
    }
    const distributed = task.kind === 'distributed';
    const outcome = await this.stopRunning(task, 'pause', input.actor ?? null);
    if (outcome === 'not running') {
      throw new InvalidOptionsError(messages.notRunning(input.surface, task));
    }
    return { outcome, task: ref(task), distributed, message: messages.pauseOutcome({ ...task, distributed }) };
  }

  /**
   * Cancels a task: a running batched task stops after its current batch (a distributed one's
   * queued batches are removed); a task that is not running is recorded `cancelled` under the
   * lock. Refuses a completed task, and a plain task that is running (its runner holds the lock:
   * SIGTERM stops it).
   */
  async cancel(input: OneTaskInput & LockInput): Promise<CancelResult> {
    const task = this.one(input, 'cancel');
    const distributed = task.kind === 'distributed';
    const requested = await this.stopRunning(task, 'cancel', input.actor ?? null);
    const outcome = requested === 'not running' ? await this.cancelStopped(input, task) : requested;
    return { outcome, task: ref(task), distributed, message: messages.cancelOutcome({ ...task, distributed }, outcome) };
  }

  /**
   * Runs a paused or interrupted batched task again by name, from its cursor, exactly as
   * `after-party:run <task>` does (under the same lock). Refuses any other state, saying why.
   */
  async resume(input: ResumeInput): Promise<RunReport> {
    const task = this.one(input, 'resume');
    const [states, latest] = await Promise.all([this.store.versionStates(null), this.store.lastRun(task.version)]);
    const state = taskState(task, this.options.environment, states.find((entry) => entry.version === task.version), latest ?? undefined);
    if (task.kind === 'plain' || (state !== 'paused' && state !== 'interrupted')) {
      throw new InvalidOptionsError(messages.notResumable(input.surface, task, state));
    }
    const { surface: _surface, task: _task, ...run } = input;
    return this.runner.run({ ...run, tasks: [task.version] });
  }

  /**
   * Starts a task over: its completed and cancelled runs, and its failed, interrupted and paused
   * ones, become `reset`. A distributed task's unfinished runs are left alone (cancel it first).
   */
  async reset(input: OneTaskInput & LockInput): Promise<ResetResult> {
    const task = this.one(input, 'reset');
    // A per-tenant task is reset for one tenant: its runs are recorded under `<version>@<tenant>`.
    const tenant = task.perTenant ? checkTenantIds([input.tenant], input.surface === 'cli' ? '--tenant' : 'tenant')[0] : null;
    const resetRuns = await this.runner.underLock(input.lockTimeoutMs, async () => {
      await this.store.prepare();
      const key = tenant === null ? task.version : pairKey(task.version, tenant);
      return this.store.resetVersion(key, messages.resetNote(hostname(), new Date().toISOString(), input.actor ?? null), { unfinished: task.kind !== 'distributed' });
    });
    const message = tenant === null ? messages.resetOutcome(task, resetRuns) : messages.resetTenantOutcome(task, tenant, resetRuns);
    return resetRuns === 0 ? { outcome: 'not-completed', resetRuns: 0, task: ref(task), message } : { outcome: 'reset', resetRuns, task: ref(task), message };
  }

  /** Records tasks as completed without running them (kind `baseline`), under the lock; completed ones are left alone. */
  async markDone(input: MarkDoneInput): Promise<MarkDoneResult> {
    const tasks = this.markDoneTasks(input);
    const marked = await this.runner.underLock(input.lockTimeoutMs, async () => {
      await this.store.prepare();
      const completed = new Set((await this.store.versionStates(null)).filter((entry) => entry.completed).map((entry) => entry.version));
      const fresh = tasks.filter((task) => !completed.has(task.version));
      for (const task of fresh) {
        await this.store.insertRun(newRunRecord(task, { kind: 'baseline', deployId: null, environment: this.options.environment, status: 'completed', actor: input.actor ?? null }));
      }
      return fresh.map(ref);
    });
    return { marked, message: messages.markDoneOutcome(marked) };
  }

  /** The tasks mark-done means: exactly one of named tasks, all, or those before a version. */
  private markDoneTasks({ surface, tasks, all, before }: MarkDoneInput): RegisteredTask[] {
    if ([tasks.length > 0, all, before !== undefined].filter(Boolean).length !== 1) {
      throw new InvalidOptionsError(messages.markDoneMode(surface));
    }
    if (before !== undefined && (typeof before !== 'string' || versionProblem(before))) {
      throw new InvalidOptionsError(messages.markDoneBefore(surface, before));
    }
    if (tasks.length > 0) {
      const named = this.select(tasks);
      const perTenant = named.find((task) => task.perTenant);
      if (perTenant) {
        throw new InvalidOptionsError(messages.perTenantOnly(surface, 'mark-done', perTenant));
      }
      return named;
    }
    // Per-tenant tasks are marked done per tenant (provisioning), never for the whole environment.
    return this.registry.all().filter((task) => !task.perTenant && inEnvironment(task, this.options.environment) && (all || task.version < (before as string)));
  }

  /**
   * Asks whatever runs `task` to stop: a distributed task's queue, a batched task's runner (on any
   * host), naming `actor` on the request, which the stopped run's record then names; a plain
   * task is never asked.
   */
  private async stopRunning(task: RegisteredTask, control: 'pause' | 'cancel', actor: string | null): Promise<DistributedStop> {
    switch (task.kind) {
      case 'distributed':
        return stopDistributed(this.controlDeps(), task, control, actor);
      case 'batched':
        return this.request(task, control, actor);
      case 'plain':
        return 'not running';
    }
  }

  /** Asks the runner of a batched task, on any host, to pause or cancel it. */
  private async request(task: RegisteredTask, control: 'pause' | 'cancel', actor: string | null): Promise<'requested' | 'not running'> {
    return (await this.store.requestControl(task.version, control, actor)) ? 'requested' : 'not running';
  }

  /**
   * Cancels a task no runner is asked about: records it `cancelled` under the lock. A plain task
   * whose run is in progress is refused at once: its runner holds the lock, and only SIGTERM stops it.
   */
  private async cancelStopped(input: OneTaskInput & LockInput, task: RegisteredTask): Promise<'cancelled'> {
    const running = task.kind === 'plain' && (await this.store.lastRun(task.version))?.status === 'running';
    const cancelled = await this.runner.underLock(running ? 0 : input.lockTimeoutMs, () => recordCancelled(this.controlDeps(), task, input.actor ?? null)).catch((error: unknown) => {
      // A running record whose lock is free is a runner gone: it is cancelled like any stopped task.
      throw running && error instanceof LockTimeoutError ? new InvalidOptionsError(messages.runningPlainTask(task)) : error;
    });
    if (!cancelled) {
      throw new InvalidOptionsError(messages.completedNothingToCancel(input.surface, task));
    }
    return 'cancelled';
  }

  private controlDeps(): ControlDeps {
    return { store: this.store, distribution: this.distribution, environment: this.options.environment };
  }
}

/** `limit` and `concurrency` of a tenant selection: whole numbers of 1 or more when given. */
function checkCounts(surface: Surface, selection: TenantSelection): void {
  for (const key of ['limit', 'concurrency'] as const) {
    const value = selection[key];
    if (value !== undefined && value !== null && (typeof value !== 'number' || !Number.isInteger(value) || value < 1)) {
      throw new InvalidOptionsError(messages.wholeNumberAtLeastOne(surface, key, value));
    }
  }
}

/** A per-tenant task is shown whole, and reset one tenant at a time; no other action takes it, and a global task takes no tenant. */
function checkTenantAction({ surface, tenant }: OneTaskInput, action: string, task: RegisteredTask): void {
  const tenantGiven = tenant !== undefined && tenant !== null;
  if (task.perTenant && action !== 'show' && !(action === 'reset' && tenantGiven)) {
    throw new InvalidOptionsError(messages.perTenantOnly(surface, action, task));
  }
  if (!task.perTenant && tenantGiven) {
    throw new InvalidOptionsError(messages.tenantForGlobalTask(surface, task));
  }
}
