import type { LoggerService, ModuleMetadata, Type, InjectionToken, OptionalFactoryDependency } from '@nestjs/common';

/** Which database library holds the run records. */
export type AfterPartyStoreType = 'typeorm' | 'mongoose' | 'memory';

/** Options of {@link AfterPartyModule.forRoot}. */
export interface AfterPartyModuleOptions {
  /**
   * `typeorm` uses the app's `@nestjs/typeorm` DataSource (SQLite, PostgreSQL, MySQL,
   * MariaDB); `mongoose` the app's `@nestjs/mongoose` Connection; `memory` keeps records
   * in the process (tests only).
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
   * `--lock-timeout <ms>` overrides it.
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
   * Mongoose store: length of the run lease in milliseconds. A heartbeat renews it every
   * third of that while a run lasts; a crashed runner's lease expires after it, and the next
   * runner takes over. Keep hosts' clocks in sync to well within this.
   * @default 30000
   */
  lockLease?: number;
  /**
   * During `after-party:*` commands, which boot the whole app, keep the app's
   * `@nestjs/schedule` jobs (cron jobs, intervals, timeouts) from firing and its
   * `@nestjs/bullmq` workers from taking jobs, and log one line saying what was held back.
   * `false` lets them run during commands as in the web app. The web app is never affected.
   * @default true
   */
  holdBackAppJobs?: boolean;
}

/** Options resolved at runtime by `forRootAsync` (everything but the store). */
export type AfterPartyRuntimeOptions = Omit<AfterPartyModuleOptions, 'store'>;

/** A class that makes the runtime options, for `forRootAsync({ useClass | useExisting })`. */
export interface AfterPartyOptionsFactory {
  createAfterPartyOptions(): Promise<AfterPartyRuntimeOptions> | AfterPartyRuntimeOptions;
}

/** Options of {@link AfterPartyModule.forRootAsync}. */
export interface AfterPartyModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Known synchronously, since it decides which providers exist. */
  store: AfterPartyStoreType;
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
  /** The argument vector to inspect. @default process.argv */
  argv?: string[];
}
