import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { AFTER_PARTY_OPTIONS } from '../config/after-party.constants';
import { parseDuration } from '../cli/parse-duration';
import { plural } from '../format/text.format';
import type { RunReport } from '../interfaces/run-report.interface';
import { OperatorCore } from '../operator/operator.core';
import { resolveDeployId } from '../planning/deploy-id';
import { milliseconds, type ResolvedAfterPartyOptions } from '../config/resolve-options';
import type { RunOptions } from '../runner/run-options.interface';
import { RunsInApp } from '../runner/runs-in-app';
import { ShutdownWatch } from '../runner/shutdown-watch';
import type {
  AfterPartyLockOptions,
  AfterPartyMarkDoneOptions,
  AfterPartyPlanOptions,
  AfterPartyProvisionOptions,
  AfterPartyRunOptions,
  AfterPartyStatus,
  PlannedTask,
} from './after-party-service-options.interface';

/** How long, past the grace period, the app's shutdown waits for a stopping run to record itself. */

/**
 * after-party from app code (an admin endpoint, a script, a test): plan, run, read status, mark
 * done, reset, pause, resume and cancel, through the same runner, lock and records as the `after-party:*`
 * commands. `AfterPartyModule` provides it globally; inject it anywhere.
 *
 * ```ts
 * @Controller('admin/deploy-tasks')
 * export class DeployTasksController {
 *   constructor(private readonly afterParty: AfterPartyService) {}
 *
 *   @Get() status() { return this.afterParty.status(); }
 *   @Post('run') run() { return this.afterParty.run({ lockTimeout: 0 }); }
 * }
 * ```
 *
 * A thin facade over the same operator core the commands call: the same rules, the same refusals
 * in the same words (with method names where the commands name flags), the same records. Methods
 * throw the typed errors the commands turn into exit codes (`LockTimeoutError`,
 * `UnknownTaskError`, `PendingMigrationsError`, `InvalidOptionsError`, ...); none of them sets
 * `process.exitCode` or exits the process.
 */
@Injectable()
export class AfterPartyService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AfterParty');
  /** Runs in progress from this service, to stop at the app's shutdown. */
  private readonly running = new RunsInApp();

  constructor(
    private readonly core: OperatorCore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
  ) {}

  /**
   * What {@link run} would run now, in order, like `after-party:run --dry-run`. Reads only and
   * takes no lock; with `tasks`, exactly those (throws `UnknownTaskError` for unknown ones).
   */
  async plan(options: AfterPartyPlanOptions = {}): Promise<PlannedTask[]> {
    return (await this.core.plan({ tasks: options.tasks ?? [], deployId: resolveDeployId(options.deployId, 'deployId') })).tasks;
  }

  /**
   * What a run would do per tenant: each tenant it would take (after `tenants` and `limit`), with
   * its pending per-tenant tasks in order. Reads only and takes no lock.
   */
  async planTenants(options: AfterPartyPlanOptions = {}): Promise<Array<{ tenant: string; tasks: Array<{ version: string; name: string }> }>> {
    const { tasks = [], tenants, limit } = options;
    const plan = await this.core.plan({ tasks, deployId: resolveDeployId(options.deployId, 'deployId'), tenants: { only: tenants, limit }, surface: 'api' });
    return plan.tenants ?? [];
  }

  /**
   * Runs what is pending (or exactly `tasks`), like `after-party:run`: takes the lock (waiting up
   * to `lockTimeout`), runs in version order, records every run, stops at the first failure.
   * Resolves the report, whose `ok` is false when a task failed or the run stopped early; rejects
   * only when the run could not start (the lock, unknown tasks, pending migrations, bad options).
   *
   * A task that ignores its aborted `ctx.signal` past the grace period is abandoned
   * (`report.abandoned`): the run ends and releases the lock while that work may go on.
   */
  async run(options: AfterPartyRunOptions = {}): Promise<RunReport> {
    const tasks = options.tasks ?? [];
    const { tenants, limit, concurrency, failFast } = options;
    const selection = [tenants, limit, concurrency, failFast].some((value) => value !== undefined) ? { only: tenants, limit, concurrency, failFast } : undefined;
    return this.track(options, (input) => this.core.run({ ...input, tasks, tenants: selection }, 'api'));
  }

  /**
   * Brings a new tenant up to date, like `after-party:tenant <id>`: runs its pending per-tenant
   * tasks now under the lock (global tasks are left to the deploy), or, with `markDone`, records
   * them completed without running them. Call it after creating the tenant's schema or database.
   * Resolves the run's report (null with `markDone`) and the tasks marked done.
   */
  async provisionTenant(tenant: string, options: AfterPartyProvisionOptions = {}): Promise<{ report: RunReport | null; marked: Array<{ version: string; name: string }> }> {
    const markDone = options.markDone === true;
    const { report, marked } = await this.track({ ...options, deployId: null }, (input) => this.core.provision({ ...input, surface: 'api', tenant, markDone }));
    return { report, marked };
  }

  /**
   * Runs a paused or interrupted batched task again, from its cursor, like
   * `after-party:resume <task>` (and `after-party:run <task>`): same lock, same report as {@link run}.
   * Throws `InvalidOptionsError` for any other state, saying why.
   */
  async resume(task: string, options: Omit<AfterPartyRunOptions, 'tasks'> = {}): Promise<RunReport> {
    return this.track(options, (input) => this.core.resume({ ...input, surface: 'api', task }));
  }

  /** Every task with the state of its latest run, like `after-party:status --json`. Reads only; takes no lock. */
  async status(): Promise<AfterPartyStatus> {
    return this.core.status();
  }

  /**
   * Records tasks as completed without running them (a new environment, a restored database),
   * like `after-party:mark-done`, under the lock. Tasks already completed are left alone.
   * Resolves the tasks newly marked.
   */
  async markDone(options: AfterPartyMarkDoneOptions): Promise<Array<{ version: string; name: string }>> {
    const { tasks = [], all, before } = options ?? {};
    const result = await this.core.markDone({ surface: 'api', tasks, all: all === true, before, lockTimeoutMs: this.lockTimeout(options ?? {}) });
    return result.marked;
  }

  /**
   * Starts a task over, like `after-party:reset`: its completion is withdrawn and a failed,
   * interrupted or paused run is not resumed, so the next run runs it from the beginning (the
   * history is kept, with status `reset`; a distributed task's unfinished runs are left alone).
   * Resolves how many runs were reset (0: none). A per-tenant task is reset for one tenant:
   * `reset(task, { tenant: 'acme' })`.
   */
  async reset(task: string, options: AfterPartyLockOptions & { tenant?: string } = {}): Promise<number> {
    return (await this.core.reset({ surface: 'api', task, tenant: options.tenant, lockTimeoutMs: this.lockTimeout(options) })).resetRuns;
  }

  /**
   * Pauses a running batched task after its current batch, on whichever host runs it, like
   * `after-party:pause`; the next run resumes it from its cursor. A distributed task's queue is
   * paused at once. Resolves `requested` (its runner records the pause) or `recorded` (recorded
   * here: no runner follows it); throws `InvalidOptionsError` when it is not batched or not running.
   */
  async pause(task: string): Promise<'requested' | 'recorded'> {
    return (await this.core.pause({ surface: 'api', task })).outcome;
  }

  /**
   * Cancels a task, like `after-party:cancel`: a running batched task stops after its current
   * batch (`requested`; a distributed one's queued batches are removed, `recorded` when no runner
   * follows it); a task that is not running is recorded `cancelled` at once (`cancelled`). Later
   * runs leave it alone until it is reset or run by name. Throws `InvalidOptionsError` when it is
   * completed, or when it is a plain task that is running (SIGTERM its runner instead).
   */
  async cancel(task: string, options: AfterPartyLockOptions = {}): Promise<'requested' | 'recorded' | 'cancelled'> {
    return (await this.core.cancel({ surface: 'api', task, lockTimeoutMs: this.lockTimeout(options) })).outcome;
  }

  /**
   * At the app's shutdown (`app.close()`, or a signal with `enableShutdownHooks()`), stops the
   * runs started here as a signal would and waits for them to record how they ended, before the
   * app's database connections close.
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (this.running.size === 0) {
      return;
    }
    this.logger.warn(`The app is shutting down: stopping ${plural(this.running.size, 'after-party run')} started from app code.`);
    await this.running.stopAll(signal ?? 'the app shutdown', this.options.gracePeriod);
  }

  /** Runs `start` as a run of this service: stopped by the caller's AbortSignal and at the app's shutdown. */
  private async track<T>(options: Omit<AfterPartyRunOptions, 'tasks'>, start: (input: Omit<RunOptions, 'tasks'>) => Promise<T>): Promise<T> {
    const input = {
      deployId: resolveDeployId(options.deployId, 'deployId'),
      lockTimeoutMs: this.lockTimeout(options),
      maxDurationMs: options.maxDuration === undefined ? null : parseDuration('maxDuration', String(options.maxDuration)),
    };
    const shutdown = new ShutdownWatch({ listen: options.handleSignals === true });
    const abort = (): void => shutdown.stop('the AbortSignal of the run');
    if (options.signal?.aborted) {
      abort();
    }
    options.signal?.addEventListener('abort', abort, { once: true });
    const report = start({ ...input, migrate: options.migrate === true, terminal: false, waitForWorkers: options.waitForWorkers !== false, shutdown });
    try {
      return await this.running.track(shutdown, report);
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
  }

  private lockTimeout(options: AfterPartyLockOptions): number {
    return options.lockTimeout === undefined ? this.options.lockTimeout : milliseconds('lockTimeout', options.lockTimeout);
  }
}
