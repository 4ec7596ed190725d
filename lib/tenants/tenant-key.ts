import { InvalidOptionsError } from '../errors/invalid-options.error';

/**
 * A per-tenant run is recorded under the key `<version>@<tenant>` in the records' `version`
 * column (a SQL `varchar(64)`): every guarantee of the records (one completion, checkpoints,
 * pause and cancel requests, resets, batches of distributed tasks) holds per (task, tenant).
 */
export const TENANT_SEPARATOR = '@';

/** Tenant ids: they fit the records' key after a 14-digit version and the separator. */
const TENANT_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,48}$/;

/** The record key of `version` for `tenant`. */
export function pairKey(version: string, tenant: string): string {
  return `${version}${TENANT_SEPARATOR}${tenant}`;
}

/** Whether a record key belongs to a per-tenant run. */
export function isPairKey(key: string): boolean {
  return key.includes(TENANT_SEPARATOR);
}

/** A record key split into its task's version and its tenant (null for a global run). */
export function splitKey(key: string): { version: string; tenant: string | null } {
  const at = key.indexOf(TENANT_SEPARATOR);
  return at < 0 ? { version: key, tenant: null } : { version: key.slice(0, at), tenant: key.slice(at + 1) };
}

/** Checks the ids a tenants source listed (or an operator named): valid, and each once. */
export function checkTenantIds(ids: unknown, origin: string): string[] {
  if (!Array.isArray(ids)) {
    throw new InvalidOptionsError(`${origin} must give an array of tenant ids, not ${typeof ids}.`);
  }
  const seen = new Set<string>();
  for (const id of ids) {
    if (typeof id !== 'string' || !TENANT_ID.test(id)) {
      throw new InvalidOptionsError(
        `${origin} gave the tenant id ${JSON.stringify(id)}: ids are 1 to 49 letters, digits, "_", "-" or "." (starting with a letter, digit or "_"); map longer ids to short ones in list().`,
      );
    }
    if (seen.has(id)) {
      throw new InvalidOptionsError(`${origin} gave the tenant id "${id}" twice: each tenant must be listed once.`);
    }
    seen.add(id);
  }
  return ids as string[];
}

/** An event's subject from a record key: the task's own version, and the tenant of a per-tenant run. */
export function eventSubject(key: string, name: string, runId: string): { version: string; name: string; runId: string; tenant?: string } {
  const { version, tenant } = splitKey(key);
  return tenant === null ? { version, name, runId } : { version, name, runId, tenant };
}
