import type { TaskState } from '../status/status-row.interface';

/** Options of {@link AfterPartyHealthIndicator.isHealthy}. */
export interface AfterPartyHealthOptions {
  /**
   * Task states that make the indicator `down`. The default is what `after-party:status --check`
   * fails on, for a readiness probe that holds traffic until the deploy's tasks are done. Use
   * `['failed', 'interrupted']` for a check that stays up while tasks are pending or running.
   * @default ['pending', 'running', 'failed', 'interrupted', 'paused']
   */
  downOn?: readonly TaskState[];
  /**
   * How long reading the records may take, in milliseconds, before the indicator is `down`.
   * @default 1000
   */
  timeout?: number;
}
