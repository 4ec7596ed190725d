import type { CanActivate, ModuleMetadata, Type } from '@nestjs/common';

/** How the dashboard names who acts: a dotted property path of the request (`'user.email'`), or a function of it. */
export type AfterPartyDashboardActor = string | ((request: any) => unknown);

/** What the dashboard may read from an async factory: everything but `path`, `guards` and `imports`, which decide its routes. */
export interface AfterPartyDashboardRuntimeOptions {
  /**
   * Serve the pages and their live updates, but no action: no button is offered, and every
   * action request is refused. A read-only dashboard may go without `guards`.
   * @default false
   */
  readOnly?: boolean;
  /**
   * Serve the dashboard without any guard of its own, on purpose (a private network, a guard the
   * app applies globally with `APP_GUARD`). Without it, `guards` or `readOnly` is required.
   * @default false
   */
  public?: boolean;
  /**
   * Who acts, read from the request once the guards let it through, and recorded on the runs and
   * records the dashboard's actions write: a dotted property path (`'user.email'`) or a function
   * of the request. A user object is named by its `email`, `username`, `name` or `id`.
   * @default 'user'
   */
  actor?: AfterPartyDashboardActor;
  /**
   * A running task whose progress has not moved for this many milliseconds gets a banner on the
   * overview (a stuck run).
   * @default 300000
   */
  stuckAfter?: number;
  /**
   * How often (ms) the live stream reads the records again, from whichever process runs the
   * tasks: one read per view for all the pages open on it.
   * @default 1000
   */
  refreshInterval?: number;
  /** Runs per page of a task's history, at most 100. @default 20 */
  pageSize?: number;
}

/** Options of `AfterPartyDashboardModule.forRoot()`. */
export interface AfterPartyDashboardOptions extends AfterPartyDashboardRuntimeOptions {
  /** Where the app serves the dashboard, e.g. `'admin/after-party'`. @default 'after-party' */
  path?: string;
  /**
   * The app's guards, applied in order to every route of the dashboard (pages, live stream,
   * assets and actions), or instances. A class is resolved from the app: the app's provider of
   * that class if it registers one, else a new instance whose constructor gets the app's
   * providers, so a guard may inject the app's services. Required unless `readOnly` or `public`.
   */
  guards?: Array<Type<CanActivate> | CanActivate>;
  /** Modules the dashboard's module imports (rarely needed: the guards' services are found in the whole app). */
  imports?: ModuleMetadata['imports'];
}

/** Options of `AfterPartyDashboardModule.forRootAsync()`: the routes are known at once, the rest comes from a factory. */
export interface AfterPartyDashboardAsyncOptions extends Pick<AfterPartyDashboardOptions, 'path' | 'guards' | 'imports'> {
  /** Providers the factory takes, in order. */
  inject?: any[];
  /** Returns the options that may wait for the app's configuration. */
  useFactory: (...args: any[]) => AfterPartyDashboardRuntimeOptions | Promise<AfterPartyDashboardRuntimeOptions>;
}
