import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const { SERVERS } = require('./servers') as { SERVERS: { redis: { url: string } } };

const probed = join(__dirname, '..', '..', '.tmp', 'stores.json');

/** The Redis server of the queue tests, and whether it answered in global setup. */
export const REDIS = {
  url: SERVERS.redis.url,
  connection: { host: new URL(SERVERS.redis.url).hostname, port: Number(new URL(SERVERS.redis.url).port || 6379) },
  available: existsSync(probed) && JSON.parse(readFileSync(probed, 'utf8')).redis === true,
};

/** `describe` when Redis answered; otherwise a skipped block whose title says so. */
export function describeWithRedis(title: string, body: () => void): void {
  if (REDIS.available) {
    describe(title, body);
  } else {
    describe.skip(`${title} [redis: server unreachable, SKIPPED]`, body);
  }
}
