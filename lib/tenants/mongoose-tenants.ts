import type { Connection } from 'mongoose';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import { currentTenant } from './tenant-context';
import type { AfterPartyTenants, TenantHandle } from '../interfaces/tenants.interface';

/** Options of {@link mongooseDatabasePerTenant}. */
export interface MongooseDatabasePerTenantOptions {
  /**
   * Tenant `id` lives in database `<prefix><id>`. Without `list`, the tenants are the databases
   * whose name starts with it (the id being the rest of the name), in name order.
   */
  prefix?: string;
  /** The app's own list of tenant ids, in the order runs take them. */
  list?: () => string[] | Promise<string[]>;
  /** The database of a tenant, when it is not `<prefix><id>`. */
  dbName?: (tenant: string) => string;
}

/**
 * Tenants as MongoDB databases beside the app's own, reached with Mongoose's `useDb` on the app's
 * connection (one pool for all of them). In a tenant, `ctx.tenant.connection` is the tenant's
 * database: register models on it (`connection.model(Invoice.name, InvoiceSchema)`) or use
 * `connection.collection(...)`. The records stay in the app's database.
 *
 * ```ts
 * tenants: { useFactory: (connection: Connection) => mongooseDatabasePerTenant(connection, { prefix: 'tenant_' }), inject: [getConnectionToken()] }
 * ```
 */
export function mongooseDatabasePerTenant(connection: Connection, options: MongooseDatabasePerTenantOptions = {}): AfterPartyTenants {
  if (!connection || typeof connection.useDb !== 'function') {
    throw new InvalidOptionsError('mongooseDatabasePerTenant(connection, options) needs the Mongoose Connection: inject it with inject: [getConnectionToken()].');
  }
  const prefix = options.prefix ?? '';
  if (!options.list && prefix === '') {
    throw new InvalidOptionsError(
      "mongooseDatabasePerTenant needs a prefix (tenants are the databases named <prefix><id>) or a list() of tenant ids: mongooseDatabasePerTenant(connection, { prefix: 'tenant_' }).",
    );
  }
  const dbName = options.dbName ?? ((tenant: string) => `${prefix}${tenant}`);
  return {
    description: options.list ? 'MongoDB database per tenant' : `MongoDB databases ${prefix}*`,
    list: async () => (options.list ? options.list() : listDatabases(connection, prefix)),
    async enter<T>(tenant: string, work: (handle: TenantHandle) => Promise<T>): Promise<T> {
      return work({ id: tenant, connection: connection.useDb(dbName(tenant), { useCache: true }) });
    },
  };
}

async function listDatabases(connection: Connection, prefix: string): Promise<string[]> {
  const admin = connection.db?.admin();
  if (!admin) {
    throw new InvalidOptionsError('mongooseDatabasePerTenant cannot list databases before the connection is open.');
  }
  const { databases } = await admin.listDatabases({ nameOnly: true });
  return databases
    .map((database: { name: string }) => database.name)
    .filter((name: string) => name.startsWith(prefix) && name.length > prefix.length)
    .sort()
    .map((name: string) => name.slice(prefix.length));
}

/** A per-tenant task's tenant on a Mongoose tenants source, typed. */
export interface MongooseTenant {
  readonly id: string;
  /** The tenant's database, as a Mongoose `Connection` (from `useDb`). */
  readonly connection: Connection;
}

/**
 * The tenant a per-tenant task runs for, with its Mongoose connection typed: `mongooseTenant(ctx)`
 * in the task, or `mongooseTenant()` in a service the task calls (from `currentTenant()`).
 */
export function mongooseTenant(ctx?: { readonly tenant?: TenantHandle }): MongooseTenant {
  const tenant = ctx ? ctx.tenant : currentTenant();
  if (!tenant || !tenant.connection) {
    throw new InvalidOptionsError('mongooseTenant() has no tenant here: it works in tasks with perTenant: true (and what they call) on a mongooseDatabasePerTenant() tenants source.');
  }
  return tenant as MongooseTenant;
}
