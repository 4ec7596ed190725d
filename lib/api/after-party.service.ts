import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE } from '../config/after-party.constants';
import { parseDuration } from '../cli/parse-duration';
import type { RegisteredTask } from '../discovery/registered-task.interface';
import { TaskRegistry } from '../discovery/task.registry';
import { versionProblem } from '../discovery/task-version';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { plural, taskLabel } from '../format/text.format';
import type { AfterPartyStore } from '../interfaces/store.interface';
import { resolveDeployId } from '../planning/deploy-id';
import { inEnvironment } from '../planning/task-state';
import { milliseconds, type ResolvedAfterPartyOptions } from '../config/resolve-options';
import type { RunReport } from '../interfaces/run-report.interface';
import { ShutdownWatch } from '../runner/shutdown-watch';
import { TaskRunner } from '../runner/task.runner';
import { countStates } from '../status/format-status';
import { StatusService } from '../status/status.service';
import type {
  AfterPartyLockOptions,
  AfterPartyMarkDoneOptions,
  AfterPartyPlanOptions,
  AfterPartyRunOptions,
  AfterPartyStatus,
  PlannedTask,
} from './after-party-service-options.interface';

/** How long, past the grace period, the app's shutdown waits for a stopping run to record itself. */
const SHUTDOWN_MARGIN_MS = 5000;

/**
 * after-party from app code (an admin endpoint, a script, a test): plan, run, read status, mark
 * done, reset, pause and cancel, through the same runner, lock and records as the `after-party:*`
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
 * Methods throw the typed errors the commands turn into exit codes (`LockTimeoutError`,
 * `UnknownTaskError`, `PendingMigrationsError`, `InvalidOptionsError`, ...); none of them sets
 * `process.exitCode` or exits the process.
 */
@Injectable()
export class AfterPartyService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AfterParty');
  /** Runs in progress from this service, to stop at the app's shutdown. */
  private readonly running = new Map<ShutdownWatch, Promise<RunReport>>();

  constructor(
    private readonly runner: TaskRunner,
    private readonly statusService: StatusService,
    private readonly registry: TaskRegistry,
    @Inject(AFTER_PARTY_STORE) private readonly store: AfterPartyStore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
  ) {}

  /**
   * What {@link run} would run now, in order, like `after-party:run --dry-run`. Reads only and
   * takes no lock; with `tasks`, exactly those (throws `UnknownTaskError` for unknown ones).
   */
  async plan(options: AfterPartyPlanOptions = {}): Promise<PlannedTask[]> {
    const tasks = options.tasks?.length ? this.runner.select(options.tasks) : await this.runner.plan(resolveDeployId(options.deployId, 'deployId'));
    return tasks.map(({ version, name, description, everyDeploy }) => ({ version, name, description, everyDeploy }));
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
    const deployId = resolveDeployId(options.deployId, 'deployId');
    const lockTimeoutMs = this.lockTimeout(options);
    const maxDurationMs = options.maxDuration === undefined ? null : parseDuration('maxDuration', String(options.maxDuration));
    const shutdown = new ShutdownWatch({ listen: options.handleSignals === true });
    const abort = (): void => shutdown.stop('the AbortSignal of the run');
    if (options.signal?.aborted) {
      abort();
    }
    options.signal?.addEventListener('abort', abort, { once: true });
    const report = this.runner.run({
      tasks: options.tasks ?? [],
      deployId,
      lockTimeoutMs,
      migrate: options.migrate === true,
      terminal: false,
      maxDurationMs,
      waitForWorkers: options.waitForWorkers !== false,
      shutdown,
    });
    this.running.set(shutdown, report);
    try {
      return await report;
    } finally {
      this.running.delete(shutdown);
      options.signal?.removeEventListener('abort', abort);
      shutdown.dispose();
    }
  }

  /** Every task with the state of its latest run, like `after-party:status --json`. Reads only; takes no lock. */
  async status(): Promise<AfterPartyStatus> {
    const tasks = await this.statusService.rows();
    return {
      store: this.store.description,
      environment: this.options.environment,
      tasks,
      summary: countStates(tasks),
      needsAttention: StatusService.needingAttention(tasks),
    };
  }

  /**
   * Records tasks as completed without running them (a new environment, a restored database),
   * like `after-party:mark-done`, under the lock. Tasks already completed are left alone.
   * Resolves the tasks newly marked.
   */
  async markDone(options: AfterPartyMarkDoneOptions): Promise<Array<{ version: string; name: string }>> {
    const { tasks: identifiers = [], all, before } = options ?? {};
    if ([identifiers.length > 0, all === true, before !== undefined].filter(Boolean).length !== 1) {
      throw new InvalidOptionsError(
        'Say which tasks to mark done: tasks (versions or names), all: true, or before: <version> (exactly one of them).',
      );
    }
    if (before !== undefined && versionProblem(before)) {
      throw new InvalidOptionsError(`before needs a task version (YYYYMMDDHHMMSS), not ${JSON.stringify(before)}.`);
    }
    const tasks =
      identifiers.length > 0
        ? this.runner.select(identifiers)
        : this.registry.all().filter((task) => inEnvironment(task, this.options.environment) && (all === true || task.version < (before as string)));
    const marked = await this.runner.markDone(tasks, this.lockTimeout(options));
    return marked.map(({ version, name }) => ({ version, name }));
  }

  /**
   * Starts a task over, like `after-party:reset`: its completion is withdrawn and a failed,
   * interrupted or paused run is not resumed, so the next run runs it from the beginning (the
   * history is kept, with status `reset`; a distributed task's unfinished runs are left alone).
   * Resolves how many runs were reset (0: none).
   */
  async reset(task: string, options: AfterPartyLockOptions = {}): Promise<number> {
    return this.runner.reset(this.one(task), this.lockTimeout(options));
  }

  /**
   * Pauses a running batched task after its current batch, on whichever host runs it, like
   * `after-party:pause`; the next run resumes it from its cursor. A distributed task's queue is
   * paused at once. Resolves `requested` (its runner records the pause) or `recorded` (recorded
   * here: no runner follows it); throws `InvalidOptionsError` when it is not batched or not running.
   */
  async pause(task: string): Promise<'requested' | 'recorded'> {
    const registered = this.one(task);
    const outcome = await this.runner.pause(registered);
    if (outcome === 'not batched') {
      throw new InvalidOptionsError(`${taskLabel(registered)} is not a batched task, so it cannot pause between batches.`);
    }
    if (outcome === 'not running') {
      throw new InvalidOptionsError(`${taskLabel(registered)} is not running: there is nothing to pause. status() shows where it stands.`);
    }
    return outcome;
  }

  /**
   * Cancels a task, like `after-party:cancel`: a running batched task stops after its current
   * batch (`requested`; a distributed one's queued batches are removed, `recorded` when no runner
   * follows it); a task that is not running is recorded `cancelled` at once (`cancelled`). Later
   * runs leave it alone until it is reset or run by name. Throws `InvalidOptionsError` when it is completed.
   */
  async cancel(task: string, options: AfterPartyLockOptions = {}): Promise<'requested' | 'recorded' | 'cancelled'> {
    const registered = this.one(task);
    const outcome = await this.runner.cancel(registered, this.lockTimeout(options));
    if (outcome === 'completed') {
      throw new InvalidOptionsError(`${taskLabel(registered)} is completed: there is nothing to cancel. reset() makes it pending again.`);
    }
    return outcome;
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
    for (const shutdown of this.running.keys()) {
      shutdown.stop(signal ?? 'the app shutdown');
    }
    const waiting = new AbortController();
    await Promise.race([
      Promise.allSettled(this.running.values()),
      sleep(this.options.gracePeriod + SHUTDOWN_MARGIN_MS, undefined, { signal: waiting.signal }).catch(() => undefined),
    ]);
    waiting.abort();
  }

  private one(task: string): RegisteredTask {
    if (typeof task !== 'string' || task === '') {
      throw new InvalidOptionsError('Name one task, by version or name.');
    }
    return this.runner.select([task])[0];
  }

  private lockTimeout(options: AfterPartyLockOptions): number {
    return options.lockTimeout === undefined ? this.options.lockTimeout : milliseconds('lockTimeout', options.lockTimeout);
  }
}
