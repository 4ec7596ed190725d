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
  /** Reports progress: a bar on a terminal, a log line every few seconds otherwise, and `after-party:status`. */
  readonly progress: TaskProgress;
  /**
   * Saves a JSON-serialisable cursor on this run's record. When this run fails or is
   * interrupted, the next run of the task receives it as `resumeFrom`.
   */
  checkpoint(cursor: unknown): Promise<void>;
  /** The last checkpoint of the previous run when that run failed or was interrupted; otherwise undefined. */
  readonly resumeFrom: unknown;
}

/** `ctx.progress`: how far a long task has got. */
export interface TaskProgress {
  /** Sets how many units there are in all (e.g. rows to backfill). */
  setTotal(total: number): void;
  /** Marks `count` more units done (default 1). */
  advance(count?: number): void;
  /** Sets a short message shown next to the progress. */
  setMessage(message: string): void;
}
