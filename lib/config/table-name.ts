import { InvalidOptionsError } from '../errors/invalid-options.error';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/**
 * Validates a records table or collection name: one identifier, or `schema.table` where
 * allowed. Names are never built from user input beyond this pattern, and are quoted.
 */
export function validateTableName(name: unknown, allowSchema: boolean): string {
  const parts = typeof name === 'string' ? name.split('.') : [];
  const ok = parts.length >= 1 && parts.length <= (allowSchema ? 2 : 1) && parts.every((part) => IDENTIFIER.test(part));
  if (!ok) {
    throw new InvalidOptionsError(
      `Invalid records table name ${JSON.stringify(name)}: use letters, digits and "_" (at most 48, not starting with a digit)` +
        `${allowSchema ? ', optionally prefixed by "schema."' : ''}, e.g. "after_party_runs".`,
    );
  }
  return name as string;
}
