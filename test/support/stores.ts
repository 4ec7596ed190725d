import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const { SERVERS } = require('./servers') as { SERVERS: Record<'postgres' | 'mysql' | 'mongo', { url: string }> };

/** A database the suites run against. */
export interface StoreTarget {
  /** sqlite | postgres | mysql | mongo */
  name: 'sqlite' | 'postgres' | 'mysql' | 'mongo';
  /** The fixture app's AP_DB value. */
  db: 'sqlite' | 'postgres' | 'mysql' | 'mongo';
  /** Server URL (none for SQLite, which uses a file per test). */
  url?: string;
  sql: boolean;
  available: boolean;
}

const probed: Record<string, boolean> = existsSync(join(__dirname, '..', '..', '.tmp', 'stores.json'))
  ? JSON.parse(readFileSync(join(__dirname, '..', '..', '.tmp', 'stores.json'), 'utf8'))
  : { sqlite: true };

/** Every store target, with whether its server answered in global setup. */
export const STORE_TARGETS: StoreTarget[] = [
  { name: 'sqlite', db: 'sqlite', sql: true, available: true },
  { name: 'postgres', db: 'postgres', url: SERVERS.postgres.url, sql: true, available: probed.postgres === true },
  { name: 'mysql', db: 'mysql', url: SERVERS.mysql.url, sql: true, available: probed.mysql === true },
  { name: 'mongo', db: 'mongo', url: SERVERS.mongo.url, sql: false, available: probed.mongo === true },
];

/**
 * `describe` for each store target; unreachable servers get a skipped block whose title
 * says so, so the summary shows what did not run.
 */
export function describeEachStore(title: string, body: (target: StoreTarget) => void, filter: (t: StoreTarget) => boolean = () => true): void {
  for (const target of STORE_TARGETS.filter(filter)) {
    if (target.available) {
      describe(`${title} [${target.name}]`, () => body(target));
    } else {
      describe.skip(`${title} [${target.name}: server unreachable, SKIPPED]`, () => body(target));
    }
  }
}

/** Whether Redis (for distributed tasks) answered in global setup. */
export const REDIS_AVAILABLE = probed.redis === true;

/** The memory store, which users' own specs run on: a conformance target without a server. */
export const MEMORY_TARGET = { name: 'memory', db: 'memory', sql: false, available: true } as const;

/** `describe` for every store target and the memory store (the store conformance suites). */
export function describeEachConformanceTarget(
  title: string,
  body: (target: StoreTarget | typeof MEMORY_TARGET) => void,
  filter: (t: StoreTarget | typeof MEMORY_TARGET) => boolean = () => true,
): void {
  if (filter(MEMORY_TARGET)) {
    describe(`${title} [memory]`, () => body(MEMORY_TARGET));
  }
  describeEachStore(title, body, filter);
}

/** A unique, valid table name for one test. */
export function uniqueTable(prefix = 'ap'): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
}
