import * as net from 'node:net';

/** A store the stress script runs against. */
export interface StressTarget {
  name: string;
  /** The stress app's STRESS_DB. */
  db: 'sqlite' | 'postgres' | 'mysql' | 'mongo';
  /** Server URL; none for SQLite (a fresh file per round). */
  url?: string;
}

/** The four stores, with the test suites' default URLs and their AFTER_PARTY_TEST_*_URL overrides. */
export function defaultTargets(env: NodeJS.ProcessEnv = process.env): StressTarget[] {
  return [
    { name: 'sqlite', db: 'sqlite' },
    { name: 'postgres', db: 'postgres', url: env.AFTER_PARTY_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test' },
    { name: 'mysql', db: 'mysql', url: env.AFTER_PARTY_TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/test' },
    { name: 'mongo', db: 'mongo', url: env.AFTER_PARTY_TEST_MONGO_URL || 'mongodb://127.0.0.1:27017/after_party_test' },
  ];
}

/** Whether the target's server accepts TCP connections (SQLite always does). */
export function reachable(target: StressTarget, timeoutMs = 1500): Promise<boolean> {
  if (!target.url) {
    return Promise.resolve(true);
  }
  const { hostname, port } = new URL(target.url);
  const defaults: Record<string, number> = { postgres: 5432, mysql: 3306, mongo: 27017 };
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) || defaults[target.db] });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
