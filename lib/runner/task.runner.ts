import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE } from '../after-party.constants';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import { TaskRegistry } from '../discovery/task.registry';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { PendingMigrationsError } from '../errors/pending-migrations.error';
import { AfterPartyEvents } from '../events/after-party.events';
import type { TaskRunRecord } from '../interfaces/run-record.interface';
import type { AfterPartyStore, StoreLock } from '../interfaces/store.interface';
import type { ResolvedAfterPartyOptions } from '../resolve-options';
import { outOfOrderTasks, pendingTasks } from './run-plan';
import type { RunOptions } from './run-options.interface';
import type { RunReport } from './run-report.interface';
import { ShutdownWatch } from './shutdown-watch';
import { executeTask, label, type ExecutionScope } from './task-execution';

/**
 * Runs tasks: takes the store's lock first, then reads what is completed (one query), runs
 * what is pending in version order, records every run and stops at the first failure.
 */
@Injectable()
export class TaskRunner {
  private readonly logger = new Logger('AfterParty');

  constructor(
    @Inject(AFTER_PARTY_STORE) private readonly store: AfterPartyStore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
    private readonly registry: TaskRegistry,
    private readonly events: AfterPartyEvents,
  ) {}

  async run(options: RunOptions): Promise<RunReport> {
    // Unknown task names are a usage error: report them before touching the database.
    const selected = options.tasks.length > 0 ? this.select(options.tasks) : null;
    return this.underLock(options.lockTimeoutMs, async (lock) => {
      await this.applyMigrationPolicy(options.migrate);
      await this.store.prepare();
      await this.recordOrphans();
      // Only versions with a failed or interrupted run can have a checkpoint to resume.
      const { pending, cutShort } = selected ? { pending: selected, cutShort: null } : await this.planPending(options.deployId, true);
      const shutdown = new ShutdownWatch();
      try {
        return await this.runPlan(pending, {
          store: this.store,
          events: this.events,
          options: this.options,
          shutdown,
          deployId: options.deployId,
          kind: selected ? 'manual' : 'deploy',
          terminal: options.terminal,
          mayResume: (version) => cutShort === null || cutShort.has(version),
          lockLost: lock.lost,
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
        const at = new Date().toISOString();
        await this.store.insertRun({
          id: randomUUID(),
          version: task.version,
          name: task.name,
          status: 'completed',
          kind: 'baseline',
          deployId: null,
          environment: this.options.environment,
          startedAt: at,
          finishedAt: at,
          durationMs: 0,
          host: hostname(),
          pid: process.pid,
          error: null,
          progress: null,
          checkpoint: null,
        });
      }
      return marked;
    });
  }

  /** Withdraws the completion of `version` so that the next run runs it again. Returns how many runs were reset. */
  async reset(version: string, lockTimeoutMs: number): Promise<number> {
    return this.underLock(lockTimeoutMs, async () => {
      await this.store.prepare();
      return this.store.resetVersion(version, `Reset by after-party:reset on ${hostname()} at ${new Date().toISOString()}`);
    });
  }

  /** Tasks by version or name, refusing those excluded from this environment. */
  select(identifiers: string[]): RegisteredTask[] {
    const tasks = this.registry.select(identifiers);
    const excluded = tasks.find((task) => !this.inEnvironment(task));
    if (excluded) {
      throw new InvalidOptionsError(
        `${label(excluded)} only runs in ${excluded.environments?.join(', ')}, and this environment is "${this.options.environment}". ` +
          'Run it where it belongs, or add this environment to its environments option.',
      );
    }
    return tasks;
  }

  /** Whether a task may run in the module's environment. */
  inEnvironment(task: RegisteredTask): boolean {
    return task.environments === null || task.environments.includes(this.options.environment);
  }

  private async underLock<T>(lockTimeoutMs: number, work: (lock: StoreLock) => Promise<T>): Promise<T> {
    const owner = { id: randomUUID(), host: hostname(), pid: process.pid, since: new Date().toISOString() };
    const lock: StoreLock = await this.store.acquireLock(owner, lockTimeoutMs);
    try {
      return await work(lock);
    } finally {
      await lock.release();
    }
  }

  private async planPending(deployId: string | null, warn: boolean): Promise<{ pending: RegisteredTask[]; cutShort: Set<string> }> {
    const states = await this.store.versionStates(deployId);
    const pending = pendingTasks(this.registry.all().filter((task) => this.inEnvironment(task)), states, deployId);
    if (warn) {
      for (const task of outOfOrderTasks(pending, states)) {
        this.logger.warn(`${label(task)} is older than tasks that already completed (merged late?); it runs now.`);
      }
    }
    return { pending, cutShort: new Set(states.filter((state) => state.cutShort).map((state) => state.version)) };
  }

  private async runPlan(plan: RegisteredTask[], scope: ExecutionScope): Promise<RunReport> {
    const report: RunReport = { outcomes: [], skipped: [], ok: true, abandoned: false };
    await this.events.emit({ type: 'run.started', tasks: plan.map(({ version, name }) => ({ version, name })), deployId: scope.deployId });
    if (plan.length === 0) {
      this.logger.log('No pending tasks.');
    } else {
      this.logger.log(`${count(plan.length, 'task')} to run: ${plan.map(label).join(', ')}`);
    }
    let started: TaskRunRecord | undefined;
    for (const [index, task] of plan.entries()) {
      const { outcome, abandoned, nextStarted } = await executeTask(task, scope, { started, next: plan[index + 1] });
      started = nextStarted;
      report.outcomes.push(outcome);
      if (outcome.status !== 'completed') {
        report.ok = false;
        report.abandoned = abandoned;
        report.skipped = plan.slice(index + 1).map(label);
        if (report.skipped.length > 0) {
          this.logger.warn(`Not run after the failure: ${report.skipped.join(', ')}`);
        }
        break;
      }
    }
    await this.events.emit({ type: 'run.finished', report });
    return report;
  }

  private async applyMigrationPolicy(migrate: boolean): Promise<void> {
    const pending = await this.store.pendingMigrations();
    if (pending.length === 0) {
      return;
    }
    if (!migrate) {
      throw new PendingMigrationsError(pending);
    }
    this.logger.log(`Applying ${count(pending.length, 'schema migration')} first (--migrate): ${pending.join(', ')}`);
    await this.store.runMigrations();
  }

  private async recordOrphans(): Promise<void> {
    for (const orphan of await this.store.interruptOrphans(new Date().toISOString())) {
      this.logger.warn(
        `Run ${orphan.id} of ${orphan.version} ${orphan.name} (host ${orphan.host}, pid ${orphan.pid}, started ${orphan.startedAt}) ` +
          'never finished: recorded as interrupted.',
      );
    }
  }

}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
