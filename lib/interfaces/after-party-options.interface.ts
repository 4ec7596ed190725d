import type { LoggerService, ModuleMetadata, Type, InjectionToken, OptionalFactoryDependency } from '@nestjs/common';
import type { ThrottleDecision } from './batched-task.interface';
import type { AfterPartyTenantsProvider } from './tenants.interface';

/**
 * Which database library holds the run records. Specs run tasks on an in-memory store through
 * `AfterPartyTestingModule` from `after-party/testing`.
 */
export type AfterPartyStoreType = 'typeorm' | 'mongoose';

/** Options of {@link AfterPartyModule.forRoot}. */
export interface AfterPartyModuleOptions {
  /**
   * `typeorm` uses the app's `@nestjs/typeorm` DataSource (SQLite, PostgreSQL, MySQL,
   * MariaDB); `mongoose` the app's `@nestjs/mongoose` Connection.
   */
  store: AfterPartyStoreType;
  /**
   * Name of the TypeORM data source or Mongoose connection, for apps with several
   * (the `name` given to `TypeOrmModule.forRoot` / `connectionName` of `MongooseModule.forRoot`).
   * @default the default data source / connection
   */
  connectionName?: string;
  /**
   * Records table (TypeORM) or collection (Mongoose). Letters, digits and `_`, starting
   * with a letter or `_`; on PostgreSQL it may be schema-qualified (`ops.after_party_runs`).
   * @default 'after_party_runs'
   */
  tableName?: string;
  /**
   * Name of the environment, stored with each run.
   * @default process.env.NODE_ENV, or 'development'
   */
  environment?: string;
  /**
   * How long `after-party:run` waits for another runner's lock before exiting with code 3.
   * `--lock-timeout <ms>` overrides it. Like every duration option, at most 2147483647 (about
   * 24.8 days, the longest Node's timers wait); longer values are refused at bootstrap.
   * @default 60000
   */
  lockTimeout?: number;
  /**
   * After SIGTERM/SIGINT, how long a task may take to return after `ctx.signal` aborts
   * before the run is recorded as interrupted and the process exits.
   * @default 10000
   */
  gracePeriod?: number;
  /**
   * How long the run lock may go without a successful renewal or check before it counts as
   * lost, in milliseconds. On MongoDB it is the lease: a heartbeat renews it every third of
   * that, a crashed runner's lease expires after it and the next runner takes over (keep hosts'
   * clocks in sync to well within it). On SQL stores the lock's connection is checked every
   * third of it (at most every 10 s), which also keeps it from idling out.
   * @default 30000
   */
  lockLease?: number;
  /**
   * The app's own throttle check for batched tasks, asked before every batch after the task's
   * own `throttle()`: answer `true` or a reason to back off (for example, replication lag above
   * a threshold), `false` to go on. Give it from `forRootAsync` to use injected services.
   */
  throttle?: (task: { version: string; name: string }) => ThrottleDecision | Promise<ThrottleDecision>;
  /** How distributed batched tasks (`batch: { distribute: true }`) use BullMQ. */
  distribution?: AfterPartyDistributionOptions;
  /**
   * During `after-party:*` commands, which boot the whole app, keep the app's
   * `@nestjs/schedule` jobs (cron jobs, intervals, timeouts) from firing and its
   * `@nestjs/bullmq` workers from taking jobs, and log one line saying what was held back.
   * `false` lets them run during commands as in the web app. The web app is never affected.
   * @default true
   */
  holdBackAppJobs?: boolean;
  /**
   * The app's tenants, for tasks with `perTenant: true`: a provider of an `AfterPartyTenants`
   * source (`schemaPerTenant()`, `databasePerTenant()`, `mongooseDatabasePerTenant()` or the
   * app's own). Known when the module is assembled, so `forRootAsync` takes it beside `store`.
   */
  tenants?: AfterPartyTenantsProvider;
}

/**
 * BullMQ settings for distributed batched tasks. The connection comes from the app's
 * `BullModule.forRoot()` (`@nestjs/bullmq`) when it has one, else from `connection` here.
 */
export interface AfterPartyDistributionOptions {
  /**
   * Run batch workers for the app's distributed tasks in this process. Turn it on in the
   * processes that should do the work (a worker deployment, or the web app).
   * @default false
   */
  workers?: boolean;
  /**
   * Redis connection for BullMQ (ioredis options, e.g. `{ host, port }` or `{ url }`), when the
   * app has no `BullModule.forRoot()` to reuse.
   */
  connection?: Record<string, unknown>;
  /** The `BullModule.forRoot(configKey, ...)` key whose connection to reuse. @default the default one */
  configKey?: string;
  /** BullMQ's Redis key prefix. @default the shared BullModule config's prefix, else `bull` */
  prefix?: string;
  /** Batches one worker process runs at once, per task. @default 4 */
  concurrency?: number;
  /** Tries per batch (with exponential backoff from 1 s) before it counts as failed. @default 3 */
  attempts?: number;
  /** Queued batches above which the dispatcher waits before enqueuing more (backpressure). @default 1000 */
  maxQueued?: number;
  /**
   * More BullMQ `WorkerOptions` for the batch workers, e.g. `{ lockDuration: 60000 }` for
   * batches that take longer than BullMQ's 30 s job lock, or a shorter `stalledInterval`.
   */
  workerOptions?: Record<string, unknown>;
}

/** Options resolved at runtime by `forRootAsync` (everything but the store). */
export type AfterPartyRuntimeOptions = Omit<AfterPartyModuleOptions, 'store' | 'tenants'>;

/** A class that makes the runtime options, for `forRootAsync({ useClass | useExisting })`. */
export interface AfterPartyOptionsFactory {
  createAfterPartyOptions(): Promise<AfterPartyRuntimeOptions> | AfterPartyRuntimeOptions;
}

/** Options of {@link AfterPartyModule.forRootAsync}. */
export interface AfterPartyModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Known synchronously, since it decides which providers exist. */
  store: AfterPartyStoreType;
  /** The app's tenants source, for per-tenant tasks (see {@link AfterPartyModuleOptions.tenants}). */
  tenants?: AfterPartyTenantsProvider;
  useFactory?: (...args: any[]) => Promise<AfterPartyRuntimeOptions> | AfterPartyRuntimeOptions;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useClass?: Type<AfterPartyOptionsFactory>;
  useExisting?: Type<AfterPartyOptionsFactory>;
}

/** Options of {@link runAfterPartyCommand}. */
export interface RunAfterPartyCommandOptions {
  /**
   * The logger for the command's application context.
   * Defaults to a console logger that hides Nest's bootstrap chatter.
   */
  logger?: LoggerService | false;
}
