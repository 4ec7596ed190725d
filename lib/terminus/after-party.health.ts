import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { AfterPartyService } from '../api/after-party.service';
import { withTimeout } from '../async/with-timeout';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { firstLine, messageOf, taskLabel } from '../format/text.format';
import { NEEDS_ATTENTION, TASK_STATES, type TaskState } from '../planning/task-state';
import { milliseconds } from '../config/resolve-options';
import type { StatusRow } from '../status/status-row.interface';
import type { AfterPartyHealthOptions } from './after-party-health-options.interface';

const DEFAULT_TIMEOUT_MS = 1000;

/**
 * A health indicator for `@nestjs/terminus`: `up` or `down` from what the run records say, read
 * in the app that serves the probe (no second app per probe, unlike `after-party:status --check`).
 * Provide it in the module whose controller runs the health checks, next to `TerminusModule`.
 *
 * ```ts
 * @Get('ready')
 * @HealthCheck()
 * ready() {
 *   return this.health.check([() => this.afterParty.isHealthy('after-party')]);
 * }
 * ```
 *
 * The details list the counts per state (`summary`) and the tasks that need attention (pending,
 * running, failed, interrupted, paused, and any other state in `downOn`), with the first line of
 * their latest error.
 */
@Injectable()
export class AfterPartyHealthIndicator {
  constructor(
    private readonly healthIndicatorService: HealthIndicatorService,
    private readonly afterParty: AfterPartyService,
  ) {}

  /**
   * `down` when a task is in one of the `downOn` states, or when the records cannot be read
   * within `timeout`; `up` otherwise.
   * @param key The key of the result in the health check's response.
   */
  async isHealthy<Key extends string>(key: Key, options: AfterPartyHealthOptions = {}): Promise<HealthIndicatorResult<Key>> {
    const downOn = downStates(options.downOn);
    const timeout = options.timeout === undefined ? DEFAULT_TIMEOUT_MS : milliseconds('timeout', options.timeout);
    const indicator = this.healthIndicatorService.check(key);
    let rows: StatusRow[];
    let details: { environment: string; summary: Record<TaskState, number> };
    try {
      const status = await withTimeout(this.afterParty.status(), timeout, `timeout of ${timeout} ms exceeded`);
      rows = status.tasks;
      details = { environment: status.environment, summary: status.summary };
    } catch (error) {
      return indicator.down({ message: `Could not read the after-party records: ${firstLine(messageOf(error))}` });
    }
    const attention = rows.filter((row) => NEEDS_ATTENTION.includes(row.state) || downOn.includes(row.state));
    const tasks = attention.map(({ version, name, state, error }) => ({ version, name, state, error: error === null ? null : firstLine(error) }));
    const down = attention.filter((row) => downOn.includes(row.state));
    if (down.length > 0) {
      return indicator.down({ message: down.map((row) => `${taskLabel(row)} is ${row.state}`).join(', '), ...details, tasks });
    }
    return indicator.up({ ...details, tasks });
  }
}

function downStates(states: readonly TaskState[] | undefined): readonly TaskState[] {
  if (states === undefined) {
    return NEEDS_ATTENTION;
  }
  const unknown = Array.isArray(states) ? states.find((state) => !TASK_STATES.includes(state)) : states;
  if (unknown !== undefined) {
    throw new InvalidOptionsError(`downOn takes task states (${TASK_STATES.join(', ')}), not ${JSON.stringify(unknown)}.`);
  }
  return states;
}
