import type { LoggerService } from '@nestjs/common';

/** What a task's `run(ctx)` receives. */
export interface TaskContext {
  /** The task's version. */
  readonly version: string;
  /** The task's name. */
  readonly name: string;
  /** Id of this run's record. */
  readonly runId: string;
  /** Why this run happens: a deploy, a manual run named on the command line. */
  readonly kind: 'deploy' | 'manual';
  /** The deploy id given to `after-party:run`, if any. */
  readonly deployId: string | null;
  /** The environment the module runs in (option `environment`, default `NODE_ENV`). */
  readonly environment: string;
  /** A Nest logger whose context is the task's name. */
  readonly logger: LoggerService;
  /**
   * Aborted on SIGTERM/SIGINT and when the task's `timeout` passes. Long tasks should
   * check it between batches (or pass it on to fetch and friends) and return early.
   */
  readonly signal: AbortSignal;
  /**
   * With `transaction: true` on a SQL store: the TypeORM `EntityManager` of the task's
   * transaction. Use it for every write that must commit together with the run record.
   */
  readonly manager?: unknown;
}
