import type { HeaderedRequest } from './dashboard-security';
import type { AfterPartyDashboardActor } from './dashboard-options.interface';

/** A request as both platforms give it. */
export interface DashboardRequest extends HeaderedRequest {
  url: string;
  originalUrl?: string;
}

/** The longest actor name recorded. */
const MAX_ACTOR = 200;

/**
 * The URL path the dashboard is served at, as this request reached it (with the app's global
 * prefix, if any): `/admin/after-party`.
 */
export function basePath(request: DashboardRequest, path: string): string {
  const pathname = (request.originalUrl ?? request.url).split('?')[0];
  const at = pathname.indexOf(`/${path}`);
  return at < 0 ? `/${path}` : pathname.slice(0, at + path.length + 1);
}

/** A user value as a name: itself when it is text or a number, else its email, username, name or id. */
function nameOf(value: unknown): string | null {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    return String(value);
  }
  if (value && typeof value === 'object') {
    const user = value as Record<string, unknown>;
    const named = [user.email, user.username, user.name, user.id].find((field) => typeof field === 'string' || typeof field === 'number');
    return named === undefined ? null : String(named);
  }
  return null;
}

/** Who acts, read from the request as the `actor` option says; null when it names no one. */
export function actorOf(request: unknown, actor: AfterPartyDashboardActor): string | null {
  const value = typeof actor === 'function' ? actor(request) : actor.split('.').reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), request);
  const name = nameOf(value)?.trim();
  return name ? name.slice(0, MAX_ACTOR) : null;
}
