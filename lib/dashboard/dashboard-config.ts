import { Logger } from '@nestjs/common';
import { isAfterPartyCommandProcess } from '../cli/command-process';
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

/** The options that decide the routes, given to `forRoot` and `forRootAsync` alike. */
export const ROUTE_OPTIONS = ['path', 'guards', 'imports'] as const;
/** The options an async factory may return. */
export const RUNTIME_OPTIONS = ['readOnly', 'public', 'actor', 'stuckAfter', 'refreshInterval', 'pageSize'] as const;
/** The most runs a page of a task's history shows. */
export const MAX_PAGE_SIZE = 100;

/** How many single-character edits turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Refuses an option the dashboard does not know, naming the one it most likely means: a
 * misspelt `readOnly` would otherwise leave the actions on.
 */
export function refuseUnknownOptions(where: string, given: object, known: readonly string[]): void {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) {
      continue;
    }
    const near = known.find((name) => name.toLowerCase() === key.toLowerCase()) ?? known.find((name) => editDistance(name.toLowerCase(), key.toLowerCase()) <= 2);
    const hint = near === undefined ? `the options are ${known.join(', ')}` : `did you mean ${near}?`;
    throw new InvalidOptionsError(`${where}: unknown option ${JSON.stringify(key)} (${hint}).`);
  }
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
  const pageSize = positive('pageSize', runtime.pageSize, 20);
  if (pageSize > MAX_PAGE_SIZE) {
    throw new InvalidOptionsError(`AfterPartyDashboardModule: pageSize must be at most ${MAX_PAGE_SIZE}, not ${JSON.stringify(runtime.pageSize)}.`);
  }
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
    pageSize,
  };
}

/**
 * Says at startup, once, that a read-only dashboard without a guard shows the records (task
 * names, errors, hosts) to anyone who reaches the app, unless the app declared it `public`.
 */
export function warnIfOpen(options: Pick<AfterPartyDashboardOptions, 'path' | 'guards'>, resolved: ResolvedDashboardOptions, runtime: AfterPartyDashboardRuntimeOptions): void {
  if (resolved.readOnly && (options.guards?.length ?? 0) === 0 && runtime.public !== true && !isAfterPartyCommandProcess()) {
    new Logger('AfterPartyDashboard').warn(
      `The read-only dashboard at /${resolved.path} has no guard: anyone who reaches the app can read its tasks' records and errors. Pass guards: [YourAuthGuard], or public: true if the app guards it otherwise.`,
    );
  }
}
