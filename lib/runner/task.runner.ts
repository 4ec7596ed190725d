import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE } from '../config/after-party.constants';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import { TaskRegistry } from '../discovery/task.registry';
import type { DistributionCheckpoint } from '../distribution/dispatch';
import { DistributionService } from '../distribution/distribution.service';
import { AfterPartyError } from '../errors/after-party.error';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { PendingMigrationsError } from '../errors/pending-migrations.error';
import { LockTimeoutError } from '../errors/lock-timeout.error';
import { AfterPartyEvents } from '../events/after-party.events';
import { humanDuration, messageOf, plural, taskLabel } from '../format/text.format';
import type { RunControl, TaskRunRecord } from '../interfaces/run-record.interface';
import type { AfterPartyStore, LockOwner, StoreLock } from '../interfaces/store.interface';
import { inEnvironment } from '../planning/task-state';
import { outOfOrderTasks, pendingTasks } from '../planning/run-plan';
import { newRunRecord } from '../records/run-record.factory';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import type { RunOptions } from './run-options.interface';
import type { RunReport, TaskOutcome } from '../interfaces/run-report.interface';
import { budgetSpent, stopReason, type RunSession } from './run-session';
import { ShutdownWatch } from './shutdown-watch';
import { executeTask, RESUMABLE, type TaskResult } from './task-execution';
import { TaskInterruption } from '../errors/task-interruption.error';

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
  ) {}

  async run(options: RunOptions): Promise<RunReport> {
    // Unknown task names are a usage error: report them before touching the database.
    const selected = options.tasks.length > 0 ? this.select(options.tasks) : null;
    const budget = options.maxDurationMs ?? null;
    const deadline = budget === null ? null : Date.now() + budget;
    return this.underLock(options.lockTimeoutMs, async (lock) => {
      await this.applyMigrationPolicy(options.migrate);
      await this.store.prepare();
      await this.recordOrphans();
      // Only versions with a failed or interrupted run can have a checkpoint to resume.
      const { pending, cutShort } = selected ? { pending: selected, cutShort: null } : await this.planPending(options.deployId, true);
      // Redis must answer before anything runs: an unreachable queue is a configuration error (exit 2).
      for (const task of pending.filter((candidate) => candidate.batch?.distribute)) {
        await this.distribution.ensureReachable(task);
      }
      const shutdown = options.shutdown ?? new ShutdownWatch();
      try {
        return await this.runPlan(pending, {
          store: this.store,
          events: this.events,
          options: this.options,
          shutdown,
          lock,
          deployId: options.deployId,
          kind: selected ? 'manual' : 'deploy',
          terminal: options.terminal,
          mayResume: (version) => cutShort === null || cutShort.has(version),
          deadline,
          budget: budget === null ? null : humanDuration(budget),
          distribution: this.distribution,
          waitForWorkers: options.waitForWorkers !== false,
        });
      } finally {
        shutdown.dispose();
      }
    });
  }

  /** What `after-party:run` would run now, in order. Reads only, without the lock. */
  async plan(deployId: string | null): Promise<RegisteredTask[]> {
    return (await this.planPending(deployId, false)).pending;
  }

  /**
   * Records tasks as completed without running them (kind `baseline`), for a new environment
   * or a restored database. Already completed tasks are left alone. Returns the tasks marked.
   */
  async markDone(tasks: RegisteredTask[], lockTimeoutMs: number): Promise<RegisteredTask[]> {
    return this.underLock(lockTimeoutMs, async () => {
      await this.store.prepare();
      const completed = new Set((await this.store.versionStates(null)).filter((entry) => entry.completed).map((entry) => entry.version));
      const marked = tasks.filter((task) => !completed.has(task.version));
      for (const task of marked) {
        await this.store.insertRun(newRunRecord(task, { kind: 'baseline', deployId: null, environment: this.options.environment, status: 'completed' }));
      }
      return marked;
    });
  }

  /**
   * Starts `task` over: its completed and cancelled runs, and its failed, interrupted and
   * paused ones, become `reset`, so the next run runs it from the beginning instead of resuming a
   * checkpoint. A distributed task's unfinished runs are left alone: their batches may still be
   * queued (cancel it first). Returns how many runs were reset.
   */
  async reset(task: RegisteredTask, lockTimeoutMs: number): Promise<number> {
    return this.underLock(lockTimeoutMs, async () => {
      await this.store.prepare();
      const note = `Reset by after-party:reset on ${hostname()} at ${new Date().toISOString()}`;
      return this.store.resetVersion(task.version, note, { unfinished: !task.batch?.distribute });
    });
  }

  /**
   * Pauses `task` from any host: the runner that runs it pauses it after its current batch
   * (`requested`); a distributed task's queue is paused at once, and when no runner follows it
   * the pause is recorded here (`recorded`). `not running` and `not batched` change nothing.
   */
  async pause(task: RegisteredTask): Promise<'requested' | 'recorded' | 'not running' | 'not batched'> {
    if (!task.batch) {
      return 'not batched';
    }
    if (task.batch.distribute) {
      return this.stopDistributed(task, 'pause');
    }
    return (await this.store.requestControl(task.version, 'pause')) ? 'requested' : 'not running';
  }

  /**
   * Cancels `task`: a running batched task stops after its current batch (`requested`; a
   * distributed one's queued batches are removed, `recorded` when no runner follows it); a task
   * that is not running is recorded `cancelled` under the lock (`cancelled`), so later runs leave
   * it alone until it is reset or run by name. A completed task is left alone (`completed`).
   */
  async cancel(task: RegisteredTask, lockTimeoutMs: number): Promise<'requested' | 'recorded' | 'cancelled' | 'completed'> {
    if (task.batch?.distribute) {
      const outcome = await this.stopDistributed(task, 'cancel');
      if (outcome !== 'not running') {
        return outcome;
      }
    } else if (task.batch && (await this.store.requestControl(task.version, 'cancel'))) {
      return 'requested';
    }
    return (await this.recordCancelled(task, lockTimeoutMs)) ? 'cancelled' : 'completed';
  }

  /**
   * Pauses or cancels a distributed task on its queue (queued batches are held, or removed;
   * running ones finish) and asks its runner to record it. When no runner follows it (it was
   * left to the workers with `--no-wait`), records it here, under the lock. Resolves what
   * happened: `requested` (a runner records it), `recorded`, or `not running`.
   */
  private async stopDistributed(task: RegisteredTask, control: RunControl): Promise<'requested' | 'recorded' | 'not running'> {
    await this.distribution.ensureReachable(task);
    const queue = this.distribution.queue(task);
    if (control === 'cancel') {
      await queue.drain(true);
    }
    if (!(await this.store.requestControl(task.version, control))) {
      // A refused pause changes nothing: a queue paused here would hold the next run's batches.
      return 'not running';
    }
    if (control === 'pause') {
      await queue.pause();
    }
    let lock: StoreLock;
    try {
      lock = await this.store.acquireLock({ id: randomUUID(), host: hostname(), pid: process.pid, since: new Date().toISOString() }, 0);
    } catch {
      return 'requested';
    }
    try {
      const run = await this.store.lastRun(task.version);
      if (run?.status !== 'running') {
        return 'requested';
      }
      const status = control === 'pause' ? 'paused' : 'cancelled';
      await this.store.finishRun(run.id, {
        status,
        finishedAt: new Date().toISOString(),
        durationMs: Date.now() - Date.parse(run.startedAt),
        error: `${control === 'pause' ? 'Paused by after-party:pause' : 'Cancelled by after-party:cancel'} while its batches were on the workers`,
      });
      return 'recorded';
    } finally {
      await lock.release();
    }
  }

  /**
   * Records a `cancelled` run of a task that is not running, under the lock. A task cut short
   * (failed, interrupted or paused) keeps where it stopped: the cancelled record carries its
   * checkpoint and progress, so run by name it goes on from there. A task cancelled already is
   * left as it is. Resolves false when it is completed already.
   */
  private async recordCancelled(task: RegisteredTask, lockTimeoutMs: number): Promise<boolean> {
    return this.underLock(lockTimeoutMs, async () => {
      await this.store.prepare();
      const state = (await this.store.versionStates(null)).find((entry) => entry.version === task.version);
      if (state?.completed && !task.everyDeploy) {
        return false;
      }
      const last = await this.store.lastRun(task.version);
      if (last?.status === 'cancelled') {
        return true;
      }
      const stopped = last && RESUMABLE.includes(last.status) ? last : null;
      const record = newRunRecord(task, { kind: 'manual', deployId: null, environment: this.options.environment });
      record.checkpoint = stopped?.checkpoint ?? null;
      record.progress = stopped?.progress ?? null;
      await this.store.insertRun(record);
      await this.store.finishRun(record.id, {
        status: 'cancelled',
        finishedAt: record.startedAt,
        durationMs: 0,
        error: stopped
          ? `Cancelled by after-party:cancel on ${hostname()} after it was ${stopped.status}${stopped.checkpoint === null ? '' : '; run by name, it goes on from where it stopped'}`
          : `Cancelled by after-party:cancel on ${hostname()} before it ran`,
      });
      return true;
    });
  }

  /** Tasks by version or name, refusing those excluded from this environment. */
  select(identifiers: string[]): RegisteredTask[] {
    const tasks = this.registry.select(identifiers);
    const excluded = tasks.find((task) => !inEnvironment(task, this.options.environment));
    if (excluded) {
      throw new InvalidOptionsError(
        `${taskLabel(excluded)} only runs in ${excluded.environments?.join(', ')}, and this environment is "${this.options.environment}". ` +
          'Run it where it belongs, or add this environment to its environments option.',
      );
    }
    return tasks;
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

  private async underLock<T>(lockTimeoutMs: number, work: (lock: StoreLock) => Promise<T>): Promise<T> {
    const owner = { id: randomUUID(), host: hostname(), pid: process.pid, since: new Date().toISOString() };
    const lock: StoreLock = await this.takeLock(owner, lockTimeoutMs);
    try {
      return await work(lock);
    } finally {
      await lock.release();
    }
  }

  private async planPending(deployId: string | null, warn: boolean): Promise<{ pending: RegisteredTask[]; cutShort: Set<string> }> {
    const states = await this.store.versionStates(deployId);
    const here = this.registry.all().filter((task) => inEnvironment(task, this.options.environment));
    const pending = pendingTasks(here, states, deployId);
    if (warn) {
      for (const task of outOfOrderTasks(pending, states)) {
        this.logger.warn(`${taskLabel(task)} is older than tasks that already completed (merged late?); it runs now.`);
      }
      const cancelled = new Set(states.filter((state) => state.cancelled && !state.completed).map((state) => state.version));
      for (const task of here.filter((candidate) => cancelled.has(candidate.version))) {
        this.logger.log(`${taskLabel(task)} was cancelled: left alone (after-party:run ${task.name} goes on with it, after-party:reset starts it over).`);
      }
    }
    return { pending, cutShort: new Set(states.filter((state) => state.cutShort).map((state) => state.version)) };
  }

  /** The run loop: the only place that decides what runs next. */
  private async runPlan(plan: RegisteredTask[], session: RunSession): Promise<RunReport> {
    const report: RunReport = { outcomes: [], notRun: [], ok: true, abandoned: false, lockLost: false, paused: false, detached: [] };
    await this.events.emit({ type: 'run.started', tasks: plan.map(({ version, name }) => ({ version, name })), deployId: session.deployId });
    this.logger.log(plan.length === 0 ? 'No pending tasks.' : `${plural(plan.length, 'task')} to run: ${plan.map(taskLabel).join(', ')}`);
    let started: TaskRunRecord | undefined;
    for (const [index, task] of plan.entries()) {
      // Let the event loop deliver a pending signal (synchronous drivers never yield to it).
      await new Promise((resolve) => setImmediate(resolve));
      // A task whose record the previous completion started is settled by executeTask, even on a stop.
      if (!started && !(await this.mayStart(session))) {
        this.stop(report, plan.slice(index), session);
        break;
      }
      if (!started && budgetSpent(session)) {
        report.paused = true;
        this.stop(report, plan.slice(index), session);
        break;
      }
      const result = await executeTask(task, session, started);
      started = undefined;
      if (result.detached) {
        // Its record stays running: the workers go on, and the next run follows it to the end.
        this.logger.log(`${taskLabel(task)}: ${result.detached}`);
        report.outcomes.push({ version: task.version, name: task.name, runId: result.record.id, status: 'running', durationMs: result.completion.durationMs, error: null });
        report.detached.push(taskLabel(task));
        report.notRun = plan.slice(index + 1).map(taskLabel);
        if (report.notRun.length > 0) {
          this.logger.log(`Not run until ${taskLabel(task)} completes: ${report.notRun.join(', ')}`);
        }
        break;
      }
      const next = plan[index + 1];
      const chainNext = next && result.completion.status === 'completed' && !result.recorded && !session.mayResume(next.version);
      const nextRecord = chainNext ? newRunRecord(next, { kind: session.kind, deployId: session.deployId, environment: this.options.environment }) : undefined;
      const outcome = await this.record(result, session, nextRecord);
      started = outcome.startedNext ? nextRecord : undefined;
      report.outcomes.push(outcome.outcome);
      report.abandoned ||= result.abandoned;
      // A cancelled task no longer blocks the tasks after it; every other outcome stops the run.
      if ((outcome.outcome.status !== 'completed' && outcome.outcome.status !== 'cancelled') || outcome.lost) {
        report.lockLost ||= outcome.lost;
        report.paused ||= outcome.outcome.status === 'paused';
        this.stop(report, plan.slice(index + 1), session);
        break;
      }
    }
    await this.events.emit({ type: 'run.finished', report });
    return report;
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
      const why = report.lockLost
        ? 'the lock was lost'
        : session.shutdown.signal
          ? `${session.shutdown.signal} arrived`
          : report.paused
            ? budgetSpent(session)
              ? `the time budget (--max-duration ${session.budget}) was spent`
              : 'the pause'
            : 'the failure';
      this.logger.warn(`Not run after ${why}: ${report.notRun.join(', ')}`);
    }
  }

  /**
   * Records how a task ended (when its transaction has not already), logs it and emits its
   * event. A completion may start `next` in the same commit, unless a stop came in meanwhile.
   */
  private async record(
    result: TaskResult,
    session: RunSession,
    next: TaskRunRecord | undefined,
  ): Promise<{ outcome: TaskOutcome; lost: boolean; startedNext: boolean }> {
    const { record, completion } = result;
    const label = taskLabel(record);
    let written = result.recorded;
    let startedNext = false;
    if (!result.recorded && !result.takenOver) {
      if (completion.status === 'completed') {
        const finishAndStart = session.store.capabilities.finishAndStart;
        if (next && finishAndStart && stopReason(session) === null) {
          written = startedNext = await finishAndStart.finishAndStart(record.id, completion, next);
        } else {
          written = await session.store.finishRun(record.id, completion);
        }
      } else {
        // Recording a failure must never fail the failure: a store error is logged, the outcome stands.
        written = await session.store.finishRun(record.id, completion).catch((error) => {
          this.logger.error(`Could not record the ${completion.status} run ${record.id} of ${label}: ${String(error)}`);
          return true;
        });
      }
    }
    const lost = !written;
    const outcome: TaskOutcome = {
      version: record.version,
      name: record.name,
      runId: record.id,
      status: lost ? 'interrupted' : completion.status,
      durationMs: completion.durationMs,
      error: lost ? 'Another runner took this run over after the lock was lost; its outcome is not recorded' : completion.error,
    };
    const subject = { version: record.version, name: record.name, runId: record.id };
    if (outcome.status === 'completed') {
      this.logger.log(`Completed ${label} in ${completion.durationMs} ms`);
      await this.events.emit({ type: 'task.completed', ...subject, durationMs: completion.durationMs });
    } else if (outcome.status === 'paused' || outcome.status === 'cancelled') {
      const reason = outcome.error ?? '';
      this.logger.warn(`${outcome.status === 'paused' ? 'Paused' : 'Cancelled'} ${label} after ${completion.durationMs} ms: ${reason}`);
      await this.events.emit({ type: outcome.status === 'paused' ? 'task.paused' : 'task.cancelled', ...subject, reason, durationMs: completion.durationMs });
    } else {
      // The log gets the whole error (the record keeps what fits).
      const thrown = result.error;
      const whole = thrown instanceof Error && !lost ? messageOf(thrown) : outcome.error;
      // after-party's own errors say what to fix in one line: their stack only with AFTER_PARTY_DEBUG.
      const ours = thrown instanceof TaskInterruption || (thrown instanceof AfterPartyError && !process.env.AFTER_PARTY_DEBUG);
      const stack = thrown instanceof Error && !ours ? thrown.stack : undefined;
      this.logger.error(`${outcome.status === 'interrupted' ? 'Interrupted' : 'Failed'} ${label} after ${completion.durationMs} ms: ${whole}`, stack);
      await this.events.emit({ type: 'task.failed', ...subject, status: outcome.status as 'failed' | 'interrupted', error: outcome.error ?? '', durationMs: completion.durationMs });
    }
    return { outcome, lost: lost || result.takenOver, startedNext };
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
    }
  }
}
