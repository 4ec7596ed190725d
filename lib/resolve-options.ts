import { DEFAULT_GRACE_PERIOD_MS, DEFAULT_LOCK_LEASE_MS, DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_RECORDS_TABLE } from './after-party.constants';
import { InvalidOptionsError } from './errors/invalid-options.error';
import type { AfterPartyRuntimeOptions, AfterPartyStoreType } from './interfaces/after-party-options.interface';
import { validateTableName } from './stores/table-name';

/** Module options with every default applied (internal). */
export interface ResolvedAfterPartyOptions {
  store: AfterPartyStoreType;
  connectionName: string | undefined;
  tableName: string;
  environment: string;
  lockTimeout: number;
  gracePeriod: number;
  lockLease: number;
  holdBackAppJobs: boolean;
}

const STORES: AfterPartyStoreType[] = ['typeorm', 'mongoose', 'memory'];

/** Validates the store type given to `forRoot`/`forRootAsync`. */
export function validateStore(store: unknown): AfterPartyStoreType {
  if (!STORES.includes(store as AfterPartyStoreType)) {
    throw new InvalidOptionsError(`Unknown after-party store ${JSON.stringify(store)}: use AfterPartyModule.forRoot({ store: 'typeorm' }) or 'mongoose'.`);
  }
  return store as AfterPartyStoreType;
}

/** Applies defaults and validates every option; throws {@link InvalidOptionsError}. */
export function resolveOptions(store: AfterPartyStoreType, options: AfterPartyRuntimeOptions = {}): ResolvedAfterPartyOptions {
  return {
    store,
    connectionName: options.connectionName,
    tableName: validateTableName(options.tableName ?? DEFAULT_RECORDS_TABLE, store === 'typeorm'),
    environment: options.environment ?? process.env.NODE_ENV ?? 'development',
    lockTimeout: milliseconds('lockTimeout', options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT_MS),
    gracePeriod: milliseconds('gracePeriod', options.gracePeriod ?? DEFAULT_GRACE_PERIOD_MS),
    lockLease: Math.max(1, milliseconds('lockLease', options.lockLease ?? DEFAULT_LOCK_LEASE_MS)),
    holdBackAppJobs: flag('holdBackAppJobs', options.holdBackAppJobs ?? true),
  };
}

/** Checks a true/false option. */
function flag(label: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidOptionsError(`${label} must be true or false, not ${JSON.stringify(value)}.`);
  }
  return value;
}

/** Parses a whole, non-negative number of milliseconds (options and flags). */
export function milliseconds(label: string, value: unknown): number {
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof parsed !== 'number' || !Number.isInteger(parsed) || parsed < 0) {
    throw new InvalidOptionsError(`${label} must be a whole number of milliseconds (0 or more), not ${JSON.stringify(value)}.`);
  }
  return parsed;
}
