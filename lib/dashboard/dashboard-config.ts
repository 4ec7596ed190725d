import { InvalidOptionsError } from '../errors/invalid-options.error';
import { milliseconds } from '../config/resolve-options';
import type { AfterPartyDashboardActor, AfterPartyDashboardOptions, AfterPartyDashboardRuntimeOptions } from './dashboard-options.interface';

/** The injection token of the dashboard's resolved options. */
export const DASHBOARD_OPTIONS = Symbol('AFTER_PARTY_DASHBOARD_OPTIONS');

/** The dashboard's options with every default applied. */
export interface ResolvedDashboardOptions {
  /** The route prefix, without slashes at either end. */
  path: string;
  readOnly: boolean;
  actor: AfterPartyDashboardActor;
  stuckAfterMs: number;
  refreshMs: number;
  pageSize: number;
}

/** `/admin/after-party/` → `admin/after-party`; refuses what is not a plain path. */
export function dashboardPath(path: unknown): string {
  const value = path === undefined ? 'after-party' : path;
  const trimmed = typeof value === 'string' ? value.replace(/^\/+|\/+$/g, '') : '';
  const plain = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(trimmed) && !trimmed.split('/').some((segment) => segment === '.' || segment === '..');
  if (!plain) {
    throw new InvalidOptionsError(`AfterPartyDashboardModule: path must be a plain URL path such as 'admin/after-party', not ${JSON.stringify(value)}.`);
  }
  return trimmed;
}

/**
 * Refuses a dashboard that anyone reaching the app could act on: without guards, it must be
 * read-only or declared public.
 */
export function refuseUnguarded(guards: unknown[] | undefined, runtime: AfterPartyDashboardRuntimeOptions): void {
  if ((guards?.length ?? 0) === 0 && runtime.readOnly !== true && runtime.public !== true) {
    throw new InvalidOptionsError(
      'AfterPartyDashboardModule refuses to serve actions without a guard: pass guards: [YourAuthGuard] (or readOnly: true, or public: true when the app guards it otherwise).',
    );
  }
}

function positive(name: string, value: unknown, fallback: number): number {
  const ms = value === undefined ? fallback : milliseconds(`AfterPartyDashboardModule ${name}`, value);
  if (ms < 1) {
    throw new InvalidOptionsError(`AfterPartyDashboardModule: ${name} must be at least 1, not ${JSON.stringify(value)}.`);
  }
  return ms;
}

/** The options with defaults, checked (one-line errors naming the fix). */
export function resolveDashboardOptions(options: Pick<AfterPartyDashboardOptions, 'path' | 'guards'>, runtime: AfterPartyDashboardRuntimeOptions): ResolvedDashboardOptions {
  refuseUnguarded(options.guards, runtime ?? {});
  const actor = runtime.actor ?? 'user';
  if (typeof actor !== 'string' && typeof actor !== 'function') {
    throw new InvalidOptionsError("AfterPartyDashboardModule: actor must be a property path of the request ('user.email') or a function of the request.");
  }
  return {
    path: dashboardPath(options.path),
    readOnly: runtime.readOnly === true,
    actor,
    stuckAfterMs: positive('stuckAfter', runtime.stuckAfter, 300_000),
    refreshMs: positive('refreshInterval', runtime.refreshInterval, 1000),
    pageSize: Math.min(positive('pageSize', runtime.pageSize, 20), 100),
  };
}
