import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE } from '../after-party.constants';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import { TaskRegistry } from '../discovery/task.registry';
import { InvalidTaskClassError } from '../errors/invalid-task-class.error';
import { PendingMigrationsError } from '../errors/pending-migrations.error';
import type { TaskRunKind, TaskRunRecord } from '../interfaces/run-record.interface';
import type { AfterPartyStore, RunCompletion } from '../interfaces/store.interface';
import type { TaskContext } from '../interfaces/task-context.interface';
import type { ResolvedAfterPartyOptions } from '../resolve-options';
import { describeError } from './describe-error';
import { outOfOrderTasks, pendingTasks } from './run-plan';
import type { RunOptions } from './run-options.interface';
import type { RunReport, TaskOutcome } from './run-report.interface';
import { ShutdownWatch } from './shutdown-watch';
import { supervise } from './supervise';
import { TaskInterruption } from './task-interruption';

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
  ) {}

  async run(options: RunOptions): Promise<RunReport> {
    // Unknown task names are a usage error: report them before touching the database.
    const selected = options.tasks.length > 0 ? this.registry.select(options.tasks) : null;
    this.assertTransactionsSupported(selected ?? this.registry.all());
    const owner = { id: randomUUID(), host: hostname(), pid: process.pid, since: now() };
    const lock = await this.store.acquireLock(owner, options.lockTimeoutMs);
    const shutdown = new ShutdownWatch();
    try {
      await this.applyMigrationPolicy(options.migrate);
      await this.store.prepare();
      await this.recordOrphans();
      const plan = selected ?? (await this.planPending(options.deployId));
      return await this.runPlan(plan, selected ? 'manual' : 'deploy', options.deployId, shutdown);
    } finally {
      shutdown.dispose();
      await lock.release();
    }
  }

  private async planPending(deployId: string | null): Promise<RegisteredTask[]> {
    const completed = await this.store.completedVersions(deployId);
    const pending = pendingTasks(this.registry.all(), completed, deployId);
    for (const task of outOfOrderTasks(pending, completed)) {
      this.logger.warn(`${label(task)} is older than tasks that already completed (merged late?); it runs now.`);
    }
    return pending;
  }

  private async runPlan(plan: RegisteredTask[], kind: 'deploy' | 'manual', deployId: string | null, shutdown: ShutdownWatch): Promise<RunReport> {
    const report: RunReport = { outcomes: [], skipped: [], ok: true, abandoned: false };
    if (plan.length === 0) {
      this.logger.log('No pending tasks.');
      return report;
    }
    this.logger.log(`${count(plan.length, 'task')} to run: ${plan.map(label).join(', ')}`);
    for (const [index, task] of plan.entries()) {
      const { outcome, abandoned } = await this.execute(task, kind, deployId, shutdown);
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
    return report;
  }

  private async execute(
    task: RegisteredTask,
    kind: 'deploy' | 'manual',
    deployId: string | null,
    shutdown: ShutdownWatch,
  ): Promise<{ outcome: TaskOutcome; abandoned: boolean }> {
    const record = this.newRecord(task, kind, deployId);
    await this.store.insertRun(record);
    this.logger.log(`Running ${label(task)}${task.description ? `: ${task.description}` : ''}${kind === 'manual' ? ' (manual run)' : ''}`);
    const controller = new AbortController();
    const started = performance.now();
    const finish = (status: RunCompletion['status'], error: string | null): RunCompletion => ({
      status,
      finishedAt: now(),
      durationMs: Math.round(performance.now() - started),
      error,
    });
    const context: TaskContext = {
      version: task.version,
      name: task.name,
      runId: record.id,
      kind,
      deployId,
      environment: this.options.environment,
      logger: new Logger(task.name),
      signal: controller.signal,
    };
    const invoke = async (manager?: unknown): Promise<void> => {
      await task.instance.run(manager === undefined ? context : { ...context, manager });
      // A task that returns after an abort stopped early: it did not complete.
      if (controller.signal.aborted) {
        throw controller.signal.reason;
      }
    };
    let completion: RunCompletion | undefined;
    const work = task.transaction
      ? this.store.runInTransaction(record.id, invoke, () => (completion = finish('completed', null)))
      : invoke();
    const result = await supervise(work, { controller, timeoutMs: task.timeout, graceMs: this.options.gracePeriod, shutdown });
    if (result.ok) {
      if (!completion) {
        completion = finish('completed', null);
        await this.store.finishRun(record.id, completion);
      }
      this.logger.log(`Completed ${label(task)} in ${completion.durationMs} ms`);
      return { outcome: outcomeOf(task, record.id, completion), abandoned: false };
    }
    const status = result.error instanceof TaskInterruption ? result.error.recordAs : 'failed';
    completion = finish(status, describeError(result.error));
    await this.store.finishRun(record.id, completion);
    const stack = result.error instanceof Error && !(result.error instanceof TaskInterruption) ? result.error.stack : undefined;
    this.logger.error(`${status === 'interrupted' ? 'Interrupted' : 'Failed'} ${label(task)} after ${completion.durationMs} ms: ${completion.error}`, stack);
    return { outcome: outcomeOf(task, record.id, completion), abandoned: result.abandoned };
  }

  private newRecord(task: RegisteredTask, kind: TaskRunKind, deployId: string | null): TaskRunRecord {
    return {
      id: randomUUID(),
      version: task.version,
      name: task.name,
      status: 'running',
      kind,
      deployId,
      environment: this.options.environment,
      startedAt: now(),
      finishedAt: null,
      durationMs: null,
      host: hostname(),
      pid: process.pid,
      error: null,
    };
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
    for (const orphan of await this.store.interruptOrphans(now())) {
      this.logger.warn(
        `Run ${orphan.id} of ${orphan.version} ${orphan.name} (host ${orphan.host}, pid ${orphan.pid}, started ${orphan.startedAt}) ` +
          'never finished: recorded as interrupted.',
      );
    }
  }

  private assertTransactionsSupported(tasks: readonly RegisteredTask[]): void {
    const transactional = tasks.find((task) => task.transaction);
    if (transactional && !this.store.supportsTransactions) {
      throw new InvalidTaskClassError(
        transactional.className,
        `asks for transaction: true, which the ${this.store.description} store cannot provide`,
        'Remove the option, or keep the records on a store with transactions (typeorm).',
      );
    }
  }
}

function outcomeOf(task: RegisteredTask, runId: string, completion: RunCompletion): TaskOutcome {
  return { version: task.version, name: task.name, runId, status: completion.status, durationMs: completion.durationMs, error: completion.error };
}

function label(task: RegisteredTask): string {
  return `${task.version} ${task.name}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function now(): string {
  return new Date().toISOString();
}
