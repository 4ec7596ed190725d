import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { AFTER_PARTY_OPTIONS } from '../config/after-party.constants';
import type { ResolvedAfterPartyOptions } from '../config/resolve-options';
import type { RunReport } from '../interfaces/run-report.interface';
import { OperatorCore } from '../operator/operator.core';
import * as messages from '../operator/operator.messages';
import type { TaskAction } from '../operator/task-actions';
import type { RunOptions } from '../runner/run-options.interface';
import { RunsInApp } from '../runner/runs-in-app';
import { ShutdownWatch } from '../runner/shutdown-watch';
import { messageOf } from '../format/text.format';
import { InvalidOptionsError } from '../errors/invalid-options.error';

/** How long an action waits for a run it started to be refused (the lock, migrations) before answering that it started. */
const REFUSAL_WINDOW_MS = 750;

/** What an action came to, in one line. */
export interface ActionOutcome {
  ok: boolean;
  message: string;
}

type Task = { version: string; name: string };
type RunInput = Omit<RunOptions, 'tasks'>;

/**
 * The dashboard's buttons, each one call of the operator core, on behalf of `actor`. A run (run
 * now, resume, a distributed task's failed batches retried) goes on in this process after the
 * answer; the app's shutdown stops it as a signal stops `after-party:run`.
 */
@Injectable()
export class DashboardActions implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AfterPartyDashboard');
  private readonly running = new RunsInApp();

  constructor(
    private readonly core: OperatorCore,
    @Inject(AFTER_PARTY_OPTIONS) private readonly options: ResolvedAfterPartyOptions,
  ) {}

  /** Does `action` to `task` if its state (read now) allows it; refusals are thrown as the core's typed errors. */
  async act(task: string, action: TaskAction, actor: string | null): Promise<ActionOutcome> {
    const detail = await this.core.detail({ surface: 'dashboard', task }, { offset: 0, limit: 1 });
    const subject = detail.task;
    if (!detail.actions.includes(action)) {
      throw new InvalidOptionsError(messages.notOffered({ ...subject, state: detail.status.state }, action));
    }
    const outcome = await this.perform(subject, action, actor);
    // Who did what, in the app's log too (and on the records: the runs started, the stops asked, the notes).
    this.logger.log(`${actor ?? 'An unnamed user'} asked the dashboard to ${action} ${subject.version} ${subject.name}: ${outcome.message}`);
    return outcome;
  }

  private async perform(subject: Task, action: TaskAction, actor: string | null): Promise<ActionOutcome> {
    const asked = { surface: 'dashboard' as const, task: subject.version, actor, lockTimeoutMs: 0 };
    switch (action) {
      case 'run':
        return this.startRun(subject, actor, (run) => this.core.run({ ...run, tasks: [subject.version] }));
      case 'resume':
        return this.startRun(subject, actor, (run) => this.core.resume({ ...run, surface: 'dashboard', task: subject.version }));
      case 'pause':
        return { ok: true, message: (await this.core.pause(asked)).message };
      case 'cancel':
        return { ok: true, message: (await this.core.cancel(asked)).message };
      case 'reset':
        return { ok: true, message: (await this.core.reset(asked)).message };
      case 'mark-done':
        return { ok: true, message: (await this.core.markDone({ ...asked, tasks: [subject.version], all: false, before: undefined })).message };
    }
  }

  /**
   * Starts a run in the background, answering once it is under way: a run refused at its start
   * (the lock is held, schema migrations are pending) rejects within the refusal window and is
   * thrown; one that ends within it says how.
   */
  private async startRun(task: Task, actor: string | null, start: (run: RunInput) => Promise<RunReport>): Promise<ActionOutcome> {
    const shutdown = new ShutdownWatch({ listen: false });
    const report = start({ deployId: null, lockTimeoutMs: 0, migrate: false, terminal: false, waitForWorkers: true, shutdown, actor });
    const tracked = report.then(
      (done) => this.logger.log(messages.runEnded(task, done.outcomes.find((outcome) => outcome.version === task.version))),
      (error: unknown) => this.logger.error(`${task.version} ${task.name} did not start: ${messageOf(error)}`),
    );
    void this.running.track(shutdown, tracked);
    const early = await Promise.race([report.then((done) => ({ done }), (error: unknown) => ({ error })), sleep(REFUSAL_WINDOW_MS).then(() => null)]);
    if (early && 'error' in early) {
      throw early.error;
    }
    if (early) {
      const outcome = early.done.outcomes.find((entry) => entry.version === task.version);
      return { ok: early.done.ok, message: messages.runEnded(task, outcome) };
    }
    return { ok: true, message: messages.runStarted(task, hostname(), process.pid) };
  }

  /** Stops the runs started here, as a signal would, and waits for them to record how they ended. */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    await this.running.stopAll(signal ?? 'the app shutdown', this.options.gracePeriod);
  }
}
