import type { DataSource, DataSourceOptions, EntityManager, QueryRunner } from 'typeorm';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { currentTenant } from './tenant-context';
import type { AfterPartyTenants, TenantHandle } from '../interfaces/tenants.interface';

/** Options of {@link schemaPerTenant}. */
export interface SchemaPerTenantOptions {
  /**
   * Tenant `id` lives in schema `<prefix><id>`. Without `list`, the tenants are the schemas whose
   * name starts with it (the id being the rest of the name), in name order.
   */
  prefix?: string;
  /** The app's own list of tenant ids (from its tenants table, say), in the order runs take them. */
  list?: () => string[] | Promise<string[]>;
  /** The schema of a tenant, when it is not `<prefix><id>`. */
  schemaOf?: (tenant: string) => string;
}

/**
 * Tenants as PostgreSQL schemas of the app's data source (the records stay in its own schema).
 * In a tenant, `ctx.tenant.manager` is an `EntityManager` on a connection whose `search_path`
 * starts with the tenant's schema, and every transaction the runner opens for a per-tenant task
 * (`transaction: true`, `batch: { transaction: true }`) gets `SET LOCAL search_path` too: the
 * task's writes and its run record or checkpoint commit together, exactly once per tenant.
 * Entities must not name a schema of their own, or the search path does not apply to them.
 *
 * ```ts
 * tenants: { useFactory: (dataSource: DataSource) => schemaPerTenant(dataSource, { prefix: 'tenant_' }), inject: [DataSource] }
 * ```
 */
export function schemaPerTenant(dataSource: DataSource, options: SchemaPerTenantOptions = {}): AfterPartyTenants {
  if (!dataSource || typeof dataSource.createQueryRunner !== 'function') {
    throw new InvalidOptionsError('schemaPerTenant(dataSource, options) needs the TypeORM DataSource: inject it with inject: [DataSource].');
  }
  const prefix = options.prefix ?? '';
  if (!options.list && prefix === '') {
    throw new InvalidOptionsError("schemaPerTenant needs a prefix (tenants are the schemas named <prefix><id>) or a list() of tenant ids: schemaPerTenant(dataSource, { prefix: 'tenant_' }).");
  }
  const schemaOf = options.schemaOf ?? ((tenant: string) => `${prefix}${tenant}`);
  let basePath: Promise<string> | undefined;
  const quoted = (tenant: string): string => `"${schemaOf(tenant).replace(/"/g, '""')}"`;
  const pathOf = async (tenant: string): Promise<string> => `${quoted(tenant)}, ${await (basePath ??= readSearchPath(dataSource))}`;
  return {
    description: options.list ? 'PostgreSQL schema per tenant' : `PostgreSQL schemas ${prefix}*`,
    list: async () => (options.list ? options.list() : listSchemas(dataSource, prefix)),
    maxConcurrency: () => Math.max(1, poolSize(dataSource) - 2),
    async enter<T>(tenant: string, work: (handle: TenantHandle) => Promise<T>): Promise<T> {
      checkPostgres(dataSource);
      const connection = new TenantConnection(dataSource, schemaOf(tenant), () => pathOf(tenant));
      try {
        return await work({
          id: tenant,
          // The tenant's own connection is taken from the pool only when a task uses it: a task that
          // works in the runner's transaction (bound below) holds one connection, not two.
          get manager() {
            return connection.manager();
          },
          dataSource,
        });
      } finally {
        await connection.release();
      }
    },
    async bindTransaction(tenant: string, manager: unknown): Promise<void> {
      await setSearchPath((sql, parameters) => (manager as EntityManager).query(sql, parameters), schemaOf(tenant), await pathOf(tenant), true);
    },
  };
}

/**
 * Points a connection's search path at a tenant's schema, in one round trip that also checks the
 * schema exists (`local`: for the current transaction only).
 */
async function setSearchPath(query: (sql: string, parameters: unknown[]) => Promise<any[]>, schema: string, path: string, local: boolean): Promise<void> {
  // The path is set only when the schema exists: a connection never points at a schema that is not there.
  const [row] = await query(
    `SELECT found, CASE WHEN found THEN set_config('search_path', $2, ${local}) END AS path FROM (SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS found) AS probe`,
    [schema, path],
  );
  if (!row?.found) {
    throw new Error(`tenant schema "${schema}" does not exist`);
  }
}

/** A tenant's own connection (`ctx.tenant.manager`): taken when first used, its search path set before its first statement, and given back reset. */
class TenantConnection {
  private runner?: QueryRunner;
  /** Set by the first statement: the search path being set, or set. */
  private ready?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly path: () => Promise<string>,
  ) {}

  /** The runner's own query(), before the search path was put in front of it. */
  private query?: (sql: string, parameters?: unknown[], structured?: boolean) => Promise<any>;

  manager(): EntityManager {
    if (!this.runner) {
      const runner = this.dataSource.createQueryRunner();
      const query = (this.query = runner.query.bind(runner) as (sql: string, parameters?: unknown[], structured?: boolean) => Promise<any>);
      const stream = runner.stream.bind(runner);
      const ready = (): Promise<void> =>
        (this.ready ??= this.path().then((path) => setSearchPath((text, values) => query(text, values), this.schema, path, false)));
      // Every statement of the runner goes through query() (TypeORM's own, such as START TRANSACTION,
      // too) or stream(): the search path is set before the first.
      runner.query = (async (sql: string, parameters?: unknown[], structured?: boolean) => {
        await ready();
        return query(sql, parameters, structured);
      }) as QueryRunner['query'];
      runner.stream = (async (...args: Parameters<QueryRunner['stream']>) => {
        await ready();
        return stream(...args);
      }) as QueryRunner['stream'];
      this.runner = runner;
    }
    return this.runner.manager;
  }

  async release(): Promise<void> {
    const runner = this.runner;
    if (!runner) {
      return;
    }
    // The connection goes back to the pool with the search path it came with (one never used took none).
    if (this.ready && this.query && !runner.isReleased) {
      await this.ready.catch(() => undefined);
      await this.query('RESET search_path').catch(() => undefined);
    }
    await runner.release();
  }
}

function checkPostgres(dataSource: DataSource): void {
  if (dataSource.options.type !== 'postgres') {
    throw new InvalidOptionsError(
      `schemaPerTenant() needs a PostgreSQL data source, not ${dataSource.options.type}: for a database per tenant (MySQL, MariaDB, SQLite files), use databasePerTenant().`,
    );
  }
}

async function readSearchPath(dataSource: DataSource): Promise<string> {
  const [row] = await dataSource.query('SHOW search_path');
  return String(row.search_path);
}

async function listSchemas(dataSource: DataSource, prefix: string): Promise<string[]> {
  checkPostgres(dataSource);
  const rows: Array<{ name: string }> = await dataSource.query('SELECT nspname AS name FROM pg_namespace WHERE left(nspname, length($1)) = $1 ORDER BY nspname', [prefix]);
  return rows.map((row) => row.name.slice(prefix.length));
}

/** The connections the data source's pool holds at most (node-postgres' default is 10). */
function poolSize(dataSource: DataSource): number {
  const options = dataSource.options as { poolSize?: number; extra?: { max?: number } };
  return options.poolSize ?? options.extra?.max ?? 10;
}

/** Options of {@link databasePerTenant}. */
export interface DatabasePerTenantOptions {
  /** The tenant ids, in the order runs take them (from the app's tenants table, say). */
  list: () => string[] | Promise<string[]>;
  /** The options of a tenant's own data source, e.g. `{ ...base, database: \`tenant_${id}\` }`. */
  dataSourceOptions: (tenant: string) => DataSourceOptions | Promise<DataSourceOptions>;
  /**
   * Tenants' data sources open at once: a run opens one lazily per tenant and closes the least
   * recently used one beyond this. It also bounds how many tenants run at once.
   * @default 4
   */
  maxOpen?: number;
}

/**
 * Tenants as databases of their own, each reached through its own TypeORM data source, opened
 * when a run gets to the tenant and closed after (at most `maxOpen` at once). In a tenant,
 * `ctx.tenant.manager` and `ctx.tenant.dataSource` are the tenant's. The records stay in the
 * app's data source, so no transaction holds both a tenant's writes and its run record:
 * per-tenant tasks on this source cannot ask for `transaction: true` or `batch.transaction` (the
 * module refuses them at startup), and a batch interrupted by a crash is done again on resume.
 */
export function databasePerTenant(options: DatabasePerTenantOptions): AfterPartyTenants {
  if (!options || typeof options.list !== 'function' || typeof options.dataSourceOptions !== 'function') {
    throw new InvalidOptionsError('databasePerTenant({ list, dataSourceOptions }) needs list() of tenant ids and dataSourceOptions(tenant) for their data sources.');
  }
  const maxOpen = options.maxOpen ?? 4;
  if (!Number.isInteger(maxOpen) || maxOpen < 1) {
    throw new InvalidOptionsError(`databasePerTenant's maxOpen must be a whole number of 1 or more, not ${JSON.stringify(options.maxOpen)}.`);
  }
  const open = new TenantDataSources(options, maxOpen);
  return {
    description: 'TypeORM database per tenant',
    list: async () => options.list(),
    maxConcurrency: () => maxOpen,
    enter: (tenant, work) => open.use(tenant, (dataSource) => work({ id: tenant, manager: dataSource.manager, dataSource })),
    close: () => open.closeAll(),
  };
}

/** Tenants' data sources, opened on first use and closed least recently used first beyond `maxOpen` idle ones. */
class TenantDataSources {
  private readonly open = new Map<string, { dataSource: Promise<DataSource>; users: number }>();

  constructor(
    private readonly options: DatabasePerTenantOptions,
    private readonly maxOpen: number,
  ) {}

  async use<T>(tenant: string, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
    const entry = this.open.get(tenant) ?? { dataSource: openDataSource(this.options, tenant), users: 0 };
    // Map order is the order of use: the first idle entries are the least recently used.
    this.open.delete(tenant);
    this.open.set(tenant, entry);
    entry.users += 1;
    try {
      return await work(await entry.dataSource);
    } finally {
      entry.users -= 1;
      // A data source that could not open is forgotten: the next run tries again.
      if (entry.users === 0 && (await entry.dataSource.then(() => false, () => true)) && this.open.get(tenant) === entry) {
        this.open.delete(tenant);
      }
      await this.evict();
    }
  }

  /** Closes the data sources no tenant uses now (an in-process batch worker may be using one: it stays, for its worker to close later). */
  async closeAll(): Promise<void> {
    const idle = [...this.open.entries()].filter(([, entry]) => entry.users === 0);
    for (const [tenant] of idle) {
      this.open.delete(tenant);
    }
    await Promise.all(idle.map(async ([, entry]) => (await entry.dataSource.catch(() => null))?.destroy().catch(() => undefined)));
  }

  private async evict(): Promise<void> {
    for (const [tenant, entry] of this.open) {
      if (this.open.size <= this.maxOpen) {
        return;
      }
      if (entry.users === 0) {
        this.open.delete(tenant);
        await (await entry.dataSource.catch(() => null))?.destroy().catch(() => undefined);
      }
    }
  }
}

async function openDataSource(options: DatabasePerTenantOptions, tenant: string): Promise<DataSource> {
  const { DataSource } = require('typeorm') as typeof import('typeorm');
  const dataSource = new DataSource(await options.dataSourceOptions(tenant));
  return dataSource.initialize();
}

/** A per-tenant task's tenant on a TypeORM tenants source, typed. */
export interface TypeOrmTenant {
  readonly id: string;
  /** An `EntityManager` on the tenant's schema (`schemaPerTenant`) or database (`databasePerTenant`). */
  readonly manager: EntityManager;
  readonly dataSource: DataSource;
}

/**
 * The tenant a per-tenant task runs for, with its TypeORM handles typed: `typeormTenant(ctx)` in
 * the task, or `typeormTenant()` in a service the task calls (from `currentTenant()`).
 *
 * ```ts
 * async run(ctx: TaskContext) {
 *   const { manager } = typeormTenant(ctx);
 *   await manager.getRepository(Invoice).update({ currency: IsNull() }, { currency: 'EUR' });
 * }
 * ```
 */
export function typeormTenant(ctx?: { readonly tenant?: TenantHandle }): TypeOrmTenant {
  const tenant = ctx ? ctx.tenant : currentTenant();
  if (!tenant || !tenant.manager) {
    throw new InvalidOptionsError(
      'typeormTenant() has no tenant here: it works in tasks with perTenant: true (and what they call) on a schemaPerTenant() or databasePerTenant() tenants source.',
    );
  }
  return tenant as TypeOrmTenant;
}
