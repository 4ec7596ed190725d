import { createHash } from 'node:crypto';
import type { RegisteredTask } from '../discovery/registered-task.interface';

/** The environment variable through which an app names its build (a commit sha, an image tag). */
export const BUILD_ID_ENV = 'AFTER_PARTY_BUILD_ID';

/**
 * What identifies the code of a distributed task, carried by each of its batch jobs: a worker
 * whose own differs is running another build of the app (a rolling deploy) and must not apply
 * its own version of the batch. The app's build id when it gives one (`AFTER_PARTY_BUILD_ID`),
 * else a hash of the task's version and the source of its class and every class it extends
 * (`Function.prototype.toString`: the same compiled code gives the same text in every process).
 */
export function buildFingerprint(task: Pick<RegisteredTask, 'version' | 'instance' | 'tenant'>, env: NodeJS.ProcessEnv = process.env): string {
  const buildId = env[BUILD_ID_ENV]?.trim();
  if (buildId) {
    return `build ${buildId}`;
  }
  // A per-tenant task's batches carry the task's own version: every tenant's come from one build.
  const hash = createHash('sha256').update(task.tenant?.version ?? task.version);
  for (let type = task.instance.constructor; type && type !== Object && type !== Function.prototype; type = Object.getPrototypeOf(type)) {
    hash.update('\n').update(Function.prototype.toString.call(type));
  }
  return `code ${hash.digest('hex').slice(0, 12)}`;
}
