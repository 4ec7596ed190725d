import {
  DEFAULT_GRACE_PERIOD_MS,
  DEFAULT_LOCK_LEASE_MS,
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_RECORDS_TABLE,
  MAX_TIMER_MS,
} from './after-party.constants';
import { InvalidOptionsError } from '../errors/invalid-options.error';
import type { AfterPartyRuntimeOptions, AfterPartyStoreType } from '../interfaces/after-party-options.interface';
import { validateTableName } from './table-name';

/**
 * Every store the module can be assembled on (internal): the ones `forRoot` accepts, and the
 * memory store, which only `AfterPartyTestingModule` (`after-party/testing`) uses.
 */
export type StoreKind = AfterPartyStoreType | 'memory';

/** Module options with every default applied (internal). */
export interface ResolvedAfterPartyOptions {
  store: StoreKind;
  connectionName: string | undefined;
  tableName: string;
  environment: string;
  lockTimeout: number;
  gracePeriod: number;
  lockLease: number;
  throttle: AfterPartyRuntimeOptions['throttle'];
  distribution: ResolvedDistributionOptions;
  holdBackAppJobs: boolean;
}

/** The module's distribution options with defaults applied. */
export interface ResolvedDistributionOptions {
  workers: boolean;
  connection: Record<string, unknown> | undefined;
  configKey: string | undefined;
  prefix: string | undefined;
  concurrency: number;
  attempts: number;
  maxQueued: number;
  workerOptions: Record<string, unknown>;
}

const STORES: AfterPartyStoreType[] = ['typeorm', 'mongoose'];

/** Validates the store type given to `forRoot`/`forRootAsync`. */
export function validateStore(store: unknown): AfterPartyStoreType {
  if (store === 'memory') {
    throw new InvalidOptionsError(
      "The memory store is for specs: import AfterPartyTestingModule from 'after-party/testing' " +
        'and use AfterPartyTestingModule.forRoot() instead of AfterPartyModule.',
    );
  }
  if (!STORES.includes(store as AfterPartyStoreType)) {
    throw new InvalidOptionsError(`Unknown after-party store ${JSON.stringify(store)}: use AfterPartyModule.forRoot({ store: 'typeorm' }) or 'mongoose'.`);
  }
  return store as AfterPartyStoreType;
}

/** Applies defaults and validates every option; throws {@link InvalidOptionsError}. */
export function resolveOptions(store: StoreKind, options: AfterPartyRuntimeOptions = {}): ResolvedAfterPartyOptions {
  return {
    store,
    connectionName: options.connectionName,
    tableName: validateTableName(options.tableName ?? DEFAULT_RECORDS_TABLE, store === 'typeorm'),
    environment: options.environment ?? process.env.NODE_ENV ?? 'development',
    lockTimeout: milliseconds('lockTimeout', options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT_MS),
    gracePeriod: milliseconds('gracePeriod', options.gracePeriod ?? DEFAULT_GRACE_PERIOD_MS),
    lockLease: Math.max(1, milliseconds('lockLease', options.lockLease ?? DEFAULT_LOCK_LEASE_MS)),
    throttle: throttleOption(options.throttle),
    distribution: distributionOption(options.distribution ?? {}),
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

/** Parses a whole, non-negative number of milliseconds that Node's timers can wait for (options and flags). */
export function milliseconds(label: string, value: unknown): number {
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof parsed !== 'number' || !Number.isInteger(parsed) || parsed < 0) {
    throw new InvalidOptionsError(`${label} must be a whole number of milliseconds (0 or more), not ${JSON.stringify(value)}.`);
  }
  if (parsed > MAX_TIMER_MS) {
    throw new InvalidOptionsError(
      `${label} is ${parsed} ms, longer than the ${MAX_TIMER_MS} ms (about 24.8 days) Node's timers can wait: use a shorter duration.`,
    );
  }
  return parsed;
}

function throttleOption(throttle: unknown): AfterPartyRuntimeOptions['throttle'] {
  if (throttle !== undefined && typeof throttle !== 'function') {
    throw new InvalidOptionsError('throttle must be a function that answers true or a reason to back off, false to go on.');
  }
  return throttle as AfterPartyRuntimeOptions['throttle'];
}

function distributionOption(options: NonNullable<AfterPartyRuntimeOptions['distribution']>): ResolvedDistributionOptions {
  const count = (label: string, value: unknown, fallback: number, max: number): number => {
    const parsed = value ?? fallback;
    if (typeof parsed !== 'number' || !Number.isInteger(parsed) || parsed < 1 || parsed > max) {
      throw new InvalidOptionsError(`distribution.${label} must be a whole number from 1 to ${max}, not ${JSON.stringify(value)}.`);
    }
    return parsed;
  };
  return {
    workers: options.workers === true || process.env.AFTER_PARTY_WORKERS === '1',
    connection: options.connection,
    configKey: options.configKey,
    prefix: options.prefix,
    concurrency: count('concurrency', options.concurrency, 4, 1000),
    attempts: count('attempts', options.attempts, 3, 100),
    maxQueued: count('maxQueued', options.maxQueued, 1000, 1_000_000),
    workerOptions: options.workerOptions ?? {},
  };
}
