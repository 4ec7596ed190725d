import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE, AFTER_PARTY_TENANTS } from '../config/after-party.constants';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import { TaskRegistry } from '../discovery/task.registry';
import type { DistributionCheckpoint } from '../distribution/dispatch';
import { DistributionService } from '../distribution/distribution.service';
import { AfterPartyError } from '../errors/after-party.error';
import { PendingMigrationsError } from '../errors/pending-migrations.error';
import { LockTimeoutError } from '../errors/lock-timeout.error';
import { AfterPartyEvents } from '../events/after-party.events';
import { humanDuration, messageOf, plural, taskLabel } from '../format/text.format';
import type { ControlRequest, TaskRunRecord, TaskRunStatus } from '../interfaces/run-record.interface';
import type { AfterPartyStore, LockOwner, StoreLock } from '../interfaces/store.interface';
import { planRun } from '../planning/run-plan';
import { hasStatus } from '../planning/run-status';
import { orphanCancelled } from '../records/run-messages';
import { newRunRecord } from '../records/run-record.factory';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import type { RunOptions, TenantSelection } from './run-options.interface';
import type { RunReport, TaskOutcome } from '../interfaces/run-report.interface';
import { budgetSpent, stopReason, type RunSession } from './run-session';
import { ShutdownWatch } from './shutdown-watch';
import { runTask, type TaskEnd } from './task-execution';
import { TaskInterruption } from '../errors/task-interruption.error';
import type { VersionState } from '../interfaces/run-record.interface';
import { inEnvironment } from '../planning/task-state';
import { fanOut, listTenants, planTenants } from './tenant-fan-out';
import { eventSubject } from '../tenants/tenant-key';
import type { AfterPartyTenants } from '../interfaces/tenants.interface';

/**
 * Runs tasks: takes the store's lock first, then reads what is completed (one query), runs
 * what is pending in version order, records every run and stops at the first failure, at a
 * shutdown signal, or when the lock is lost.
 */
@Injectable()
export class TaskRunner {
  private readonly logger = new Logger('AfterParty');

  constructor(
    @Inject(AFTER_PARTY_STORE) private readonly store: AfterPartyStore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
    private readonly registry: TaskRegistry,
    private readonly events: AfterPartyEvents,
    private readonly distribution: DistributionService,
    @Optional() @Inject(AFTER_PARTY_TENANTS) private readonly tenants?: AfterPartyTenants,
  ) {}

  /**
   * Runs `options.tasks` (versions or names, a manual run; checked by the caller) or, when it is
   * empty, everything pending, under the lock.
   */
  async run(options: RunOptions): Promise<RunReport> {
    const selected = options.tasks.length > 0 ? this.registry.select(options.tasks) : null;
    const deadline = options.maxDurationMs ? Date.now() + options.maxDurationMs : null;
    const tenantTasks = (selected ?? this.registry.all()).filter((task) => task.perTenant && inEnvironment(task, this.options.environment));
    // The tenants are listed (and --tenants checked) before anything is locked or runs.
    const tenants = tenantTasks.length > 0 && this.tenants ? await listTenants(this.tenants, options.tenants?.only) : null;
    return this.underLock(options.lockTimeoutMs, async (lock) => {
      await this.applyMigrationPolicy(options.migrate);
      await this.store.prepare();
      await this.recordOrphans();
      // One query for global tasks and every (task, tenant) pair; only cut-short versions can have a checkpoint to resume.
      const states = selected ? null : await this.store.versionStates(options.deployId);
      const plan = states ? this.planPending(states, options.deployId) : { pending: selected as RegisteredTask[], cutShort: null };
      const global = options.tenants?.tenantTasksOnly ? [] : plan.pending.filter((task) => !task.perTenant);
      await this.checkQueues([...global, ...tenantTasks]);
      const shutdown = options.shutdown ?? new ShutdownWatch();
      const session = this.session(options, { lock, shutdown, deadline, manual: selected !== null, cutShort: plan.cutShort });
      try {
        await this.events.emit({ type: 'run.started', tasks: global.map(({ version, name }) => ({ version, name })), deployId: session.deployId });
        const report = await this.runPlan(global, session, tenants ? 'global' : 'all');
        if (tenants && this.tenants) {
          const work = planTenants(tenantTasks, tenants.chosen, states, options.deployId, options.tenants?.limit);
          await this.runTenants(report, work, tenants.listed.length, session, options);
        }
        await this.events.emit({ type: 'run.finished', report });
        return report;
      } finally {
        shutdown.dispose();
      }
    });
  }

  /** Redis must answer before anything runs: an unreachable queue is a configuration error (exit 2). */
  private async checkQueues(tasks: RegisteredTask[]): Promise<void> {
    for (const task of tasks.filter((candidate) => candidate.kind === 'distributed')) {
      await this.distribution.ensureReachable(task);
    }
  }

  /** Checks that the source lists `only` (a tenant to provision); throws naming the unknown ones. */
  async listTenants(only: string[]): Promise<void> {
    if (this.tenants) {
      await listTenants(this.tenants, only);
    }
  }

  /** What a run would do per tenant (a dry run): each tenant taken, with its pending tasks. Reads only. */
  async tenantPlan(
    tasks: RegisteredTask[],
    states: VersionState[] | null,
    deployId: string | null,
    selection: TenantSelection | undefined,
  ): Promise<Array<{ tenant: string; tasks: Array<{ version: string; name: string }> }>> {
    if (!this.tenants) {
      return [];
    }
    const { chosen } = await listTenants(this.tenants, selection?.only);
    return planTenants(tasks, chosen, states, deployId, selection?.limit).map(({ tenant, tasks: pending }) => ({
      tenant,
      tasks: pending.map((task) => ({ version: task.tenant?.version ?? task.version, name: task.name })),
    }));
  }

  /** Runs the tenants' pending tasks when the global part of the run went through, and adds them to its report. */
  private async runTenants(report: RunReport, work: ReturnType<typeof planTenants>, listed: number, session: RunSession, options: RunOptions): Promise<void> {
    const source = this.tenants as AfterPartyTenants;
    // Tenants wait for every global task: one that failed, stopped, or was left to its workers (--no-wait).
    if (!report.ok || report.detached.length > 0) {
      report.tenants = { listed, taken: 0, completed: 0, failed: [], notRun: work.map((entry) => entry.tenant) };
      report.notRun.push(...work.flatMap((entry) => entry.tasks.map(taskLabel)));
      return;
    }
    const fanned = await fanOut(source, work, listed, session, options.tenants ?? {}, (tasks, tenantSession) => this.runPlan(tasks, tenantSession, 'tenant'));
    report.outcomes.push(...fanned.report.outcomes);
    report.notRun.push(...fanned.report.notRun);
    report.detached.push(...fanned.report.detached);
    report.ok = fanned.report.ok;
    report.abandoned ||= fanned.report.abandoned;
    report.lockLost ||= fanned.report.lockLost;
    report.paused ||= fanned.report.paused;
    report.tenants = fanned.summary;
  }

  private session(
    options: RunOptions,
    run: { lock: StoreLock; shutdown: ShutdownWatch; deadline: number | null; manual: boolean; cutShort: Set<string> | null },
  ): RunSession {
    const { cutShort } = run;
    return {
      store: this.store,
      events: this.events,
      options: this.options,
      shutdown: run.shutdown,
      lock: run.lock,
      deployId: options.deployId,
      kind: run.manual ? 'manual' : 'deploy',
      actor: options.actor ?? null,
      terminal: options.terminal,
      mayResume: (version) => cutShort === null || cutShort.has(version),
      deadline: run.deadline,
      budget: options.maxDurationMs ? humanDuration(options.maxDurationMs) : null,
      distribution: this.distribution,
      waitForWorkers: options.waitForWorkers !== false,
    };
  }

  /** Takes the run lock, saying so once when another runner holds it and this one waits. */
  private async takeLock(owner: LockOwner, lockTimeoutMs: number): Promise<StoreLock> {
    if (lockTimeoutMs === 0) {
      return this.store.acquireLock(owner, 0);
    }
    const started = Date.now();
    try {
      return await this.store.acquireLock(owner, 0);
    } catch (error) {
      if (!(error instanceof LockTimeoutError)) {
        throw error;
      }
      this.logger.log(`Waiting up to ${humanDuration(lockTimeoutMs)} for the run lock, held by ${error.holder ?? 'another runner'}`);
    }
    return this.store.acquireLock(owner, Math.max(0, lockTimeoutMs - (Date.now() - started)));
  }

  /** Runs `work` holding the run lock (waiting up to `lockTimeoutMs` for it), and releases it. */
  async underLock<T>(lockTimeoutMs: number, work: (lock: StoreLock) => Promise<T>): Promise<T> {
    const owner = { id: randomUUID(), host: hostname(), pid: process.pid, since: new Date().toISOString() };
    const lock: StoreLock = await this.takeLock(owner, lockTimeoutMs);
    try {
      return await work(lock);
    } finally {
      await lock.release();
    }
  }
  /** What runs now, with a warning for tasks merged late and a line for cancelled ones left alone. */
  private planPending(states: VersionState[], deployId: string | null): { pending: RegisteredTask[]; cutShort: Set<string> } {
    const plan = planRun(this.registry.all(), states, this.options.environment, deployId);
    for (const task of plan.outOfOrder) {
      this.logger.warn(`${taskLabel(task)} is older than tasks that already completed (merged late?); it runs now.`);
    }
    for (const task of plan.cancelled) {
      this.logger.log(`${taskLabel(task)} was cancelled: left alone (after-party:run ${task.name} goes on with it, after-party:reset starts it over).`);
    }
    return plan;
  }

  /**
   * The run loop: the only place that decides what runs next. `scope`: the whole run, its global
   * tasks (per-tenant ones follow), or one tenant's tasks.
   */
  private async runPlan(plan: RegisteredTask[], session: RunSession, scope: 'all' | 'global' | 'tenant'): Promise<RunReport> {
    const report: RunReport = { outcomes: [], notRun: [], ok: true, abandoned: false, lockLost: false, paused: false, detached: [] };
    if (plan.length > 0 || scope === 'all') {
      const tenant = scope === 'tenant' ? `Tenant ${session.tenant?.id}: ` : '';
      this.logger.log(plan.length === 0 ? 'No pending tasks.' : `${tenant}${plural(plan.length, 'task')} to run: ${plan.map(taskLabel).join(', ')}`);
    }
    let step: Step = { stop: false };
    for (let index = 0; index < plan.length && !step.stop; index += 1) {
      // Let the event loop deliver a pending signal (synchronous drivers never yield to it).
      await new Promise((resolve) => setImmediate(resolve));
      step = await this.step(plan, index, session, report, step.started);
    }
    return report;
  }

  /** Runs `plan[index]` (whose record the previous completion may have started) and says whether the run goes on. */
  private async step(plan: RegisteredTask[], index: number, session: RunSession, report: RunReport, started: TaskRunRecord | undefined): Promise<Step> {
    // A task whose record the previous completion started is settled by runTask, even on a stop.
    if (!started && (await this.stopsBefore(session, report))) {
      this.stop(report, plan.slice(index), session);
      return { stop: true };
    }
    const task = plan[index];
    const end = await runTask(task, session, started);
    if (end.end === 'detached') {
      this.detach(report, plan, index, end);
      return { stop: true };
    }
    const next = this.chainedNext(plan[index + 1], end, session);
    const recorded = await this.record(end, session, next);
    report.outcomes.push(recorded.outcome);
    report.abandoned ||= abandoned(end);
    // A cancelled task no longer blocks the tasks after it; every other outcome stops the run.
    if (recorded.lost || !hasStatus(GOES_ON, recorded.outcome.status)) {
      report.lockLost ||= recorded.lost;
      report.paused ||= recorded.outcome.status === 'paused';
      this.stop(report, plan.slice(index + 1), session);
      return { stop: true };
    }
    return { stop: false, started: recorded.startedNext ? next : undefined };
  }

  /** Whether no further task may start: a stop, a lost lock, or a spent time budget (which pauses the run). */
  private async stopsBefore(session: RunSession, report: RunReport): Promise<boolean> {
    if (!(await this.mayStart(session)) || session.halted?.()) {
      return true;
    }
    report.paused = budgetSpent(session);
    return report.paused;
  }

  /** The next task's record, to start in the commit of this completion (when nothing may need resuming). */
  private chainedNext(next: RegisteredTask | undefined, end: RecordableEnd, session: RunSession): TaskRunRecord | undefined {
    const chain = next && end.completion.status === 'completed' && end.end !== 'recorded' && !session.mayResume(next.version);
    return chain ? newRunRecord(next, { kind: session.kind, deployId: session.deployId, environment: this.options.environment, actor: session.actor }) : undefined;
  }

  /** A distributed task left to its workers: its record stays running, and the run ends here. */
  private detach(report: RunReport, plan: RegisteredTask[], index: number, end: DetachedEnd): void {
    const task = plan[index];
    this.logger.log(`${taskLabel(task)}: ${end.reason}`);
    report.outcomes.push({ version: task.version, name: task.name, runId: end.record.id, status: 'running', durationMs: end.completion.durationMs, error: null });
    report.detached.push(taskLabel(task));
    report.notRun = plan.slice(index + 1).map(taskLabel);
    if (report.notRun.length > 0) {
      this.logger.log(`Not run until ${taskLabel(task)} completes: ${report.notRun.join(', ')}`);
    }
  }

  /** Whether another task may start: no shutdown signal, and the lock still certainly held. */
  private async mayStart(session: RunSession): Promise<boolean> {
    try {
      await session.lock.confirm();
    } catch {
      return false;
    }
    return stopReason(session) === null;
  }

  private stop(report: RunReport, notRun: RegisteredTask[], session: RunSession): void {
    report.ok = false;
    report.lockLost ||= session.lock.lost.aborted;
    report.notRun = notRun.map(taskLabel);
    if (report.notRun.length > 0) {
      this.logger.warn(`Not run after ${this.stopCause(report, session)}: ${report.notRun.join(', ')}`);
    }
  }

  private stopCause(report: RunReport, session: RunSession): string {
    if (report.lockLost) {
      return 'the lock was lost';
    }
    if (session.shutdown.signal) {
      return `${session.shutdown.signal} arrived`;
    }
    const halted = session.halted?.();
    if (halted) {
      return halted;
    }
    if (!report.paused) {
      return 'the failure';
    }
    return budgetSpent(session) ? `the time budget (--max-duration ${session.budget}) was spent` : 'the pause';
  }

  /**
   * Records how a task ended (when its transaction has not already), logs it and emits its
   * event. A completion may start `next` in the same commit, unless a stop came in meanwhile.
   */
  private async record(end: RecordableEnd, session: RunSession, next: TaskRunRecord | undefined): Promise<{ outcome: TaskOutcome; lost: boolean; startedNext: boolean }> {
    const { written, startedNext } = await this.write(end, session, next);
    const outcome = outcomeOf(end, !written);
    await this.announce(outcome, end, !written);
    return { outcome, lost: !written || end.end === 'taken over', startedNext };
  }

  /** Writes how a task ended: whether it was written, and whether the next task's record started with it. */
  private async write(end: RecordableEnd, session: RunSession, next: TaskRunRecord | undefined): Promise<{ written: boolean; startedNext: boolean }> {
    const { record, completion } = end;
    if (end.end !== 'settled') {
      return { written: end.end === 'recorded', startedNext: false };
    }
    if (completion.status !== 'completed') {
      // Recording a failure must never fail the failure: a store error is logged, the outcome stands.
      const written = await session.store.finishRun(record.id, completion).catch((error) => {
        this.logger.error(`Could not record the ${completion.status} run ${record.id} of ${taskLabel(record)}: ${String(error)}`);
        return true;
      });
      return { written, startedNext: false };
    }
    const finishAndStart = session.store.capabilities.finishAndStart;
    if (next && finishAndStart && stopReason(session) === null) {
      const started = await finishAndStart.finishAndStart(record.id, completion, next);
      return { written: started, startedNext: started };
    }
    return { written: await session.store.finishRun(record.id, completion), startedNext: false };
  }

  /** Logs how a task ended and emits its event. */
  private async announce(outcome: TaskOutcome, end: RecordableEnd, lost: boolean): Promise<void> {
    const label = taskLabel(outcome);
    const { durationMs } = end.completion;
    const subject = eventSubject(outcome.version, outcome.name, outcome.runId);
    if (outcome.status === 'completed') {
      this.logger.log(`Completed ${label} in ${durationMs} ms`);
      await this.events.emit({ type: 'task.completed', ...subject, durationMs });
      return;
    }
    if (outcome.status === 'paused' || outcome.status === 'cancelled') {
      const reason = outcome.error ?? '';
      this.logger.warn(`${outcome.status === 'paused' ? 'Paused' : 'Cancelled'} ${label} after ${durationMs} ms: ${reason}`);
      await this.events.emit({ type: outcome.status === 'paused' ? 'task.paused' : 'task.cancelled', ...subject, reason, durationMs });
      return;
    }
    await this.announceFailure(outcome, end, lost);
  }

  /** Logs a failed or interrupted task, with its whole error, and emits `task.failed`. */
  private async announceFailure(outcome: TaskOutcome, end: RecordableEnd, lost: boolean): Promise<void> {
    const { durationMs } = end.completion;
    // The log gets the whole error (the record keeps what fits).
    const thrown = end.end === 'recorded' ? undefined : end.error;
    const whole = thrown instanceof Error && !lost ? messageOf(thrown) : outcome.error;
    const status = outcome.status as 'failed' | 'interrupted';
    this.logger.error(`${status === 'interrupted' ? 'Interrupted' : 'Failed'} ${taskLabel(outcome)} after ${durationMs} ms: ${whole}`, stackToLog(thrown));
    await this.events.emit({ type: 'task.failed', ...eventSubject(outcome.version, outcome.name, outcome.runId), status, error: outcome.error ?? '', durationMs });
  }

  /** The schema migrations the store reports pending (TypeORM), which a run refuses without `--migrate`. */
  async pendingMigrations(): Promise<string[]> {
    const migrations = this.store.capabilities.migrations;
    return migrations ? migrations.pending() : [];
  }

  private async applyMigrationPolicy(migrate: boolean): Promise<void> {
    const migrations = this.store.capabilities.migrations;
    const pending = await this.pendingMigrations();
    if (pending.length === 0) {
      return;
    }
    if (!migrate) {
      throw new PendingMigrationsError(pending);
    }
    this.logger.log(`Applying ${plural(pending.length, 'schema migration')} first (--migrate): ${pending.join(', ')}`);
    await migrations?.run();
  }

  private async recordOrphans(): Promise<void> {
    const running = await this.store.runningRuns();
    if (running.length === 0) {
      // The usual case: no runner left a run behind, and nothing to interrupt.
      return;
    }
    // Read while they are running: a request does not outlive its run.
    const asked = await this.requestsOf(running);
    for (const orphan of await this.store.interruptOrphans(new Date().toISOString())) {
      const distribution = (orphan.checkpoint as Partial<DistributionCheckpoint> | null)?.distribution;
      if (distribution?.detached) {
        this.logger.log(`Run ${orphan.id} of ${taskLabel(orphan)} left its batches to the workers (--no-wait): this run follows them to the end.`);
        continue;
      }
      if (distribution) {
        this.logger.log(
          `Run ${orphan.id} of ${taskLabel(orphan)} (host ${orphan.host}, pid ${orphan.pid}) stopped while its batches were on the workers: this run takes it over and follows them.`,
        );
        continue;
      }
      this.logger.warn(
        `Run ${orphan.id} of ${taskLabel(orphan)} (host ${orphan.host}, pid ${orphan.pid}, started ${orphan.startedAt}) ` +
          'never finished: recorded as interrupted.',
      );
      const request = asked.get(orphan.id);
      if (request?.control === 'cancel') {
        await this.recordOrphanCancelled(orphan, request.actor);
      }
    }
  }

  /** The pause and cancel requests left for the runs recorded running. */
  private async requestsOf(running: TaskRunRecord[]): Promise<Map<string, ControlRequest>> {
    const asked = new Map<string, ControlRequest>();
    for (const run of running) {
      const control = await this.store.readControl(run.id);
      if (control) {
        asked.set(run.id, control);
      }
    }
    return asked;
  }

  /**
   * A cancel asked of a run whose runner was gone (killed, its host lost) reached no runner: it
   * is kept now, as a `cancelled` record carrying the run's checkpoint and progress, so that the
   * task is left alone until it is run by name, which goes on from where it stopped. (A pause
   * asked of such a run needs nothing: an interrupted task resumes as a paused one does.)
   */
  private async recordOrphanCancelled(orphan: TaskRunRecord, actor: string | null): Promise<void> {
    const record = newRunRecord(orphan, { kind: 'manual', deployId: null, environment: this.options.environment, actor });
    record.checkpoint = orphan.checkpoint;
    record.progress = orphan.progress;
    await this.store.insertRun(record);
    await this.store.finishRun(record.id, { status: 'cancelled', finishedAt: record.startedAt, durationMs: 0, error: orphanCancelled(orphan, actor) });
    this.logger.warn(`${taskLabel(orphan)} was asked to cancel while its runner was gone: recorded as cancelled.`);
  }
}

/** What the run loop does after a step: stop, or go on (with the next task's record started by this completion). */
interface Step {
  stop: boolean;
  started?: TaskRunRecord;
}

/** A distributed task's end when it was left to its workers (`--no-wait`). */
type DetachedEnd = Extract<TaskEnd, { end: 'detached' }>;

/** Every other end: one the run loop records (or finds recorded, or lost to another runner). */
type RecordableEnd = Exclude<TaskEnd, DetachedEnd>;

/** Outcomes after which the run goes on to the next task: a cancelled task no longer blocks the tasks after it. */
const GOES_ON: readonly TaskRunStatus[] = ['completed', 'cancelled'];

/** Whether the task kept running after its abort and grace period (the process must exit when done). */
function abandoned(end: RecordableEnd): boolean {
  return end.end === 'settled' && end.abandoned;
}

/** A task's outcome; `lost`: another runner took its record over, so its outcome is not recorded. */
function outcomeOf(end: RecordableEnd, lost: boolean): TaskOutcome {
  const { record, completion } = end;
  return {
    version: record.version,
    name: record.name,
    runId: record.id,
    status: lost ? 'interrupted' : completion.status,
    durationMs: completion.durationMs,
    error: lost ? 'Another runner took this run over after the lock was lost; its outcome is not recorded' : completion.error,
  };
}

/** after-party's own errors say what to fix in one line: their stack only with AFTER_PARTY_DEBUG. */
function stackToLog(thrown: unknown): string | undefined {
  const ours = thrown instanceof TaskInterruption || (thrown instanceof AfterPartyError && !process.env.AFTER_PARTY_DEBUG);
  return thrown instanceof Error && !ours ? thrown.stack : undefined;
}
