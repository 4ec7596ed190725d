import type { InjectionToken, OptionalFactoryDependency, Type } from '@nestjs/common';

/**
 * A tenant as a per-tenant task sees it (`ctx.tenant`, `currentTenant()`): its id and the handles
 * the tenants source opened for it. Which handles are set depends on the source:
 * `schemaPerTenant()` sets `manager` (an `EntityManager` whose connection's `search_path` starts
 * with the tenant's schema) and `dataSource`; `databasePerTenant()` sets `manager` and `dataSource`
 * (the tenant's own data source); `mongooseDatabasePerTenant()` sets `connection` (the tenant's
 * database, from `useDb`). Use the typed accessors `typeormTenant(ctx)` (`after-party/typeorm`) and
 * `mongooseTenant(ctx)` (`after-party/mongoose`).
 */
export interface TenantHandle {
  /** The tenant's id, as the tenants source lists it. */
  readonly id: string;
  /** A TypeORM `EntityManager` on the tenant's data. */
  readonly manager?: unknown;
  /** The TypeORM `DataSource` the tenant's data is reached through. */
  readonly dataSource?: unknown;
  /** A Mongoose `Connection` to the tenant's database. */
  readonly connection?: unknown;
}

/**
 * Where the app's tenants come from and how a task reaches one tenant's data: the provider given
 * as `AfterPartyModule.forRoot({ tenants })`. `after-party/typeorm` ships `schemaPerTenant()` and
 * `databasePerTenant()`, `after-party/mongoose` ships `mongooseDatabasePerTenant()`; any other
 * layout can implement it.
 */
export interface AfterPartyTenants {
  /** A short description for logs, e.g. `PostgreSQL schemas tenant_*`. */
  readonly description: string;
  /**
   * The ids of every tenant now, in the order runs take them. Ids are 1 to 49 letters, digits,
   * `_`, `-` or `.` (they are part of the per-tenant records' keys).
   */
  list(): Promise<string[]>;
  /**
   * Runs `work` in one tenant's context and closes what it opened for it. The runner calls it once
   * per tenant and run, around every pending task of that tenant.
   */
  enter<T>(tenant: string, work: (handle: TenantHandle) => Promise<T>): Promise<T>;
  /**
   * Makes a transaction the runner opened (its TypeORM `EntityManager`: a task's with
   * `transaction: true`, a batch's with `batch: { transaction: true }`) work on the tenant's data,
   * so that the work and its run record commit together. Absent when the tenant's data is not
   * reachable from the records' database (a database per tenant): per-tenant tasks that ask for
   * such transactions are refused at startup.
   */
  bindTransaction?(tenant: string, manager: unknown): Promise<void>;
  /** The most tenants that may run at once (bounded by a pool's size), when bounded. */
  maxConcurrency?(): number;
  /** Closes what the source keeps open between tenants (data sources). Called when a run ends. */
  close?(): Promise<void>;
}

/**
 * How the module gets its tenants source: a factory (with injected dependencies, such as the
 * app's `DataSource`), a class, or an existing provider.
 *
 * ```ts
 * AfterPartyModule.forRoot({
 *   store: 'typeorm',
 *   tenants: { useFactory: (dataSource: DataSource) => schemaPerTenant(dataSource, { prefix: 'tenant_' }), inject: [DataSource] },
 * })
 * ```
 */
export type AfterPartyTenantsProvider =
  | {
      useFactory: (...args: any[]) => AfterPartyTenants | Promise<AfterPartyTenants>;
      inject?: Array<InjectionToken | OptionalFactoryDependency>;
    }
  | { useClass: Type<AfterPartyTenants> }
  | { useExisting: InjectionToken };
