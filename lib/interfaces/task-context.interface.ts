import type { Logger } from '@nestjs/common';
import type { TenantHandle } from './tenants.interface';

/**
 * What a task's `run(ctx)` receives. `TCursor` is the shape of the task's checkpoints, so
 * `ctx.checkpoint()` and `ctx.resumeFrom` are typed:
 *
 * ```ts
 * async run(ctx: TaskContext<{ lastId: number }>) {
 *   let lastId = ctx.resumeFrom?.lastId ?? 0;
 * }
 * ```
 */
export interface TaskContext<TCursor = unknown> {
  /** The task's version. */
  readonly version: string;
  /** The task's name. */
  readonly name: string;
  /**
   * In a per-tenant task (`perTenant: true`): the tenant this run is for, with the handles its
   * tenants source opened (an `EntityManager` on the tenant's schema or database, a Mongoose
   * connection). Undefined in global tasks.
   */
  readonly tenant?: TenantHandle;
  /** Id of this run's record. */
  readonly runId: string;
  /** Why this run happens: a deploy, a manual run named on the command line. */
  readonly kind: 'deploy' | 'manual';
  /** The deploy id given to `after-party:run`, if any. */
  readonly deployId: string | null;
  /** The environment the module runs in (option `environment`, default `NODE_ENV`). */
  readonly environment: string;
  /** A Nest logger whose context is the task's name (`log`, `warn`, `error`, `debug`, `verbose`). */
  readonly logger: Logger;
  /**
   * Aborted on SIGTERM/SIGINT, when the task's `timeout` passes, and when the run lock is lost.
   * Long tasks should check it between batches (or pass it on to fetch and friends) and return early.
   */
  readonly signal: AbortSignal;
  /**
   * With `transaction: true` on a SQL store: the TypeORM `EntityManager` of the task's
   * transaction. Type it with {@link TransactionalTaskContext}.
   */
  readonly manager?: unknown;
  /** Reports progress: a bar on a terminal, a log line every few seconds otherwise, and `after-party:status`. */
  readonly progress: TaskProgress;
  /**
   * Saves a JSON-serialisable cursor on this run's record. When this run fails or is
   * interrupted, the next run of the task receives it as `resumeFrom`. In a transactional task
   * the checkpoint is written in the task's transaction, so it is never ahead of committed work.
   */
  checkpoint(cursor: TCursor): Promise<void>;
  /** The last checkpoint of the previous run when that run failed or was interrupted; otherwise undefined. */
  readonly resumeFrom: TCursor | undefined;
}

/**
 * The context of a task with `transaction: true`: `manager` is the transaction's
 * `EntityManager`, typed without casts:
 *
 * ```ts
 * import type { EntityManager } from 'typeorm';
 * async run(ctx: TransactionalTaskContext<EntityManager>) {
 *   await ctx.manager.getRepository(User).update({ slug: IsNull() }, { slug: 'pending' });
 * }
 * ```
 */
export interface TransactionalTaskContext<TManager, TCursor = unknown> extends TaskContext<TCursor> {
  /** The TypeORM `EntityManager` of the task's transaction: write through it what must commit with the run record. */
  readonly manager: TManager;
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
