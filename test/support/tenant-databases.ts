import { createConnection, type Connection } from 'mongoose';
import { DataSource } from 'typeorm';
import type { StoreTarget } from './stores';

/**
 * The fixture app's tenants (test/fixtures/app/src/tenants.ts), made and read by the tests:
 * PostgreSQL schemas, MariaDB/MySQL databases or MongoDB databases named `<prefix><id>`, each
 * with `invoices (id, hits)` and `effects (task)`.
 */
export interface TenantDatabases {
  readonly prefix: string;
  /** Makes the tenants, each with invoices 1..`invoices` (hits 0) and no effects. */
  create(ids: string[], invoices?: number): Promise<void>;
  /** Drops one tenant's schema or database (a deleted tenant). */
  drop(id: string): Promise<void>;
  /** How many effects of each task the tenant's own `effects` holds. */
  effects(id: string): Promise<Record<string, number>>;
  /** The `hits` of the tenant's invoices, by id. */
  hits(id: string): Promise<number[]>;
  /** Drops every tenant made, and closes the connection. */
  close(): Promise<void>;
}

/** Tenant ids t01..tNN. */
export function tenantIds(count: number, from = 1): string[] {
  return Array.from({ length: count }, (_, index) => `t${String(from + index).padStart(2, '0')}`);
}

export async function openTenantDatabases(target: StoreTarget): Promise<TenantDatabases> {
  const prefix = `tn${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}_`;
  return target.db === 'mongo' ? mongoTenants(target, prefix) : sqlTenants(target, prefix);
}

async function sqlTenants(target: StoreTarget, prefix: string): Promise<TenantDatabases> {
  const postgres = target.db === 'postgres';
  const dataSource = await new DataSource({ type: target.db as 'postgres' | 'mysql', url: target.url }).initialize();
  const made = new Set<string>();
  const name = (id: string): string => (postgres ? `"${prefix}${id}"` : `\`${prefix}${id}\``);
  const kind = postgres ? 'SCHEMA' : 'DATABASE';
  const counts = (rows: Array<{ task: string; n: unknown }>): Record<string, number> => Object.fromEntries(rows.map((row) => [row.task, Number(row.n)]));
  const drop = async (id: string): Promise<void> => {
    await dataSource.query(`DROP ${kind} IF EXISTS ${name(id)}${postgres ? ' CASCADE' : ''}`);
    made.delete(id);
  };
  return {
    prefix,
    async create(ids, invoices = 20) {
      for (const id of ids) {
        made.add(id);
        await dataSource.query(`CREATE ${kind} ${name(id)}`);
        await dataSource.query(`CREATE TABLE ${name(id)}.invoices (id int PRIMARY KEY, hits int NOT NULL DEFAULT 0)`);
        await dataSource.query(`CREATE TABLE ${name(id)}.effects (task varchar(32) NOT NULL)`);
        const values = Array.from({ length: invoices }, (_, index) => `(${index + 1})`).join(', ');
        await dataSource.query(`INSERT INTO ${name(id)}.invoices (id) VALUES ${values}`);
      }
    },
    drop,
    effects: async (id) => counts(await dataSource.query(`SELECT task, COUNT(*) AS n FROM ${name(id)}.effects GROUP BY task`)),
    hits: async (id) => (await dataSource.query(`SELECT hits FROM ${name(id)}.invoices ORDER BY id`)).map((row: { hits: unknown }) => Number(row.hits)),
    async close() {
      for (const id of [...made]) {
        await drop(id);
      }
      await dataSource.destroy();
    },
  };
}

async function mongoTenants(target: StoreTarget, prefix: string): Promise<TenantDatabases> {
  const connection: Connection = await createConnection(target.url as string, { serverSelectionTimeoutMS: 3000 }).asPromise();
  const made = new Set<string>();
  const db = (id: string) => connection.useDb(`${prefix}${id}`, { useCache: true }).db!;
  const drop = async (id: string): Promise<void> => {
    await db(id).dropDatabase();
    made.delete(id);
  };
  return {
    prefix,
    async create(ids, invoices = 20) {
      for (const id of ids) {
        made.add(id);
        await db(id)
          .collection('invoices')
          .insertMany(Array.from({ length: invoices }, (_, index) => ({ _id: index + 1, hits: 0 }) as never));
        await db(id).createCollection('effects');
      }
    },
    drop,
    async effects(id) {
      const result: Record<string, number> = {};
      for (const effect of await db(id).collection('effects').find().toArray()) {
        result[effect.task] = (result[effect.task] ?? 0) + 1;
      }
      return result;
    },
    hits: async (id) => (await db(id).collection('invoices').find().sort({ _id: 1 }).toArray()).map((invoice) => Number(invoice.hits)),
    async close() {
      for (const id of [...made]) {
        await drop(id);
      }
      await connection.close();
    },
  };
}
