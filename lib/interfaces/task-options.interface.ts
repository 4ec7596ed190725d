/** Options of the {@link AfterPartyTask} decorator. */
export interface AfterPartyTaskOptions {
  /**
   * The task's version: a 14-digit UTC timestamp `YYYYMMDDHHMMSS`, unique in the app.
   * Tasks run in ascending version order. The task schematic sets it for you.
   */
  version: string;
  /** A sentence shown by `after-party:status`. */
  description?: string;
  /**
   * A stable, human-friendly name used in logs, records and `after-party:run <name>`;
   * unique in the app. The task schematic always writes it: the name you typed, in kebab
   * case as in the file name, so `nest g task sync-3d-models` makes a task that
   * `after-party:run sync-3d-models` finds.
   *
   * Left out, it is derived from the class name: kebab case without a `Task` suffix, with
   * digits kept on the word before them (`BackfillUserSlugsTask` becomes
   * `backfill-user-slugs`, `BackfillV2Task` becomes `backfill-v2`, `Sync3dModelsTask`
   * becomes `sync3d-models`). A class name cannot tell `sync-3d` from `sync3d`: set the
   * name when the derived one is not the one you want to type.
   */
  name?: string;
  /**
   * Run on every deploy instead of once per environment: once per deploy id when one is
   * given (`--deploy-id` or `AFTER_PARTY_DEPLOY_ID`), otherwise on every `after-party:run`.
   * @default false
   */
  everyDeploy?: boolean;
  /**
   * SQL stores only: run the task in a database transaction whose `EntityManager` is
   * `ctx.manager`; the completion record is written in the same transaction, so the
   * task's writes and its "completed" record commit (or roll back) together. For a batched
   * task, use `batch: { transaction: true }` instead: one transaction per batch.
   * @default false
   */
  transaction?: boolean;
  /**
   * Abort the task (through `ctx.signal`) and record it as failed when it runs longer
   * than this many milliseconds (at most 2147483647, about 24.8 days).
   */
  timeout?: number;
  /**
   * Run only where the module's `environment` is one of these (e.g. `['production']`).
   * Elsewhere the task is never pending and `after-party:status` shows it as `excluded`.
   */
  environments?: string[];
  /**
   * Run once per tenant instead of once per environment: for every tenant the module's `tenants`
   * source lists, each (task, tenant) pair recorded on its own, in the tenant's context
   * (`ctx.tenant`, `currentTenant()`). Per-tenant tasks run after every global task of the deploy.
   * @default false
   */
  perTenant?: boolean;
  /**
   * How the runner drives a batched task (a class with `collection()` and `processBatch()`,
   * see `BatchedTask`). Ignored on plain `run(ctx)` tasks. Every field has a default, so
   * `batch: {}` or leaving it out both work for a batched task.
   */
  batch?: BatchOptions;
}

/** Options of a batched task: `@AfterPartyTask({ version, batch: { size: 1000, transaction: true } })`. */
export interface BatchOptions {
  /** Items per batch. @default 1000 */
  size?: number;
  /**
   * SQL stores: run each batch in its own transaction, in which the runner also writes the
   * batch's checkpoint, and hand its `EntityManager` to `processBatch` as `ctx.manager`. A
   * crash anywhere leaves every batch either applied and checkpointed, or not at all: exactly
   * once. Without it, a crash between a batch and its checkpoint redoes that one batch.
   * @default false
   */
  transaction?: boolean;
  /** Milliseconds to wait between batches, to spread the load. @default 0 */
  pause?: number;
  /**
   * Longest wait (ms) between throttle checks while a throttle check says to back off; waits
   * start at 1 s and double up to it.
   * @default 30000
   */
  maxBackoff?: number;
  /**
   * Fan the batches out as jobs on a BullMQ queue, processed by every app process that runs
   * after-party's batch workers (module option `distribution.workers`), with the same injected
   * task class. `true` uses the module's distribution defaults; an object overrides them for
   * this task. The collection must offer `range()` (`typeormKeyset` and `mongooseKeyset` do).
   * @default false
   */
  distribute?: boolean | DistributeOptions;
}

/** Per-task overrides of the module's `distribution` options. */
export interface DistributeOptions {
  /** The BullMQ queue name. @default `after-party-<task name>` */
  queue?: string;
  /** Batches one worker process runs at once for this task. @default the module's `distribution.concurrency` */
  concurrency?: number;
  /** Tries per batch before it counts as failed. @default the module's `distribution.attempts` */
  attempts?: number;
}
