import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie that carries the CSRF token (double submit: the page's meta tag sends it back in a header). */
export const CSRF_COOKIE = 'after-party-csrf';
/** The header the dashboard's script sends the token in. */
export const CSRF_HEADER = 'x-after-party-csrf';

/**
 * Scripts, styles and connections from the dashboard itself only; no inline script or style, no
 * frame, no plugin, forms only to itself.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Node's response under Express's and Fastify's (Fastify's middleware gets the raw one too). */
interface RawResponse {
  setHeader(name: string, value: string | string[]): unknown;
  getHeader(name: string): unknown;
}

/** A request as both platforms give its headers. */
export interface HeaderedRequest {
  headers: Record<string, string | string[] | undefined>;
}

/** The raw Node response of an Express response or a Fastify reply. */
export function rawResponse(response: unknown): RawResponse {
  const reply = response as { raw?: RawResponse };
  return reply.raw ?? (response as RawResponse);
}

/** Middleware: the dashboard's security headers on every response, refusals included. */
export function securityHeaders(_request: unknown, response: unknown, next: () => void): void {
  const raw = rawResponse(response);
  for (const [name, value] of Object.entries(HEADERS)) {
    raw.setHeader(name, value);
  }
  next();
}

function header(request: HeaderedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The CSRF token of the request's cookie, when it has a well-formed one. */
function cookieToken(request: HeaderedRequest): string | null {
  for (const part of (header(request, 'cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE && /^[A-Za-z0-9_-]{32}$/.test(value.join('='))) {
      return value.join('=');
    }
  }
  return null;
}

/** The page's CSRF token: the cookie's, or a new one set as a strict, HTTP-only cookie on `path`. */
export function issueCsrfToken(request: HeaderedRequest, response: unknown, path: string): string {
  const known = cookieToken(request);
  if (known) {
    return known;
  }
  const token = randomBytes(24).toString('base64url');
  const secure = header(request, 'x-forwarded-proto') === 'https' || (request as { socket?: { encrypted?: boolean } }).socket?.encrypted === true;
  rawResponse(response).setHeader('Set-Cookie', `${CSRF_COOKIE}=${token}; Path=/${path}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`);
  return token;
}

/** Whether the request comes from a page of this origin: its Origin (or Sec-Fetch-Site) says so, when the browser sent one. */
function sameOrigin(request: HeaderedRequest): boolean {
  const site = header(request, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') {
    return false;
  }
  const origin = header(request, 'origin');
  if (origin === undefined) {
    return true;
  }
  try {
    // Behind a proxy that rewrites Host, the host the browser saw is the forwarded one.
    const host = new URL(origin).host;
    return host === header(request, 'host') || host === header(request, 'x-forwarded-host');
  } catch {
    return false;
  }
}

/** Why an action request is refused as a possible cross-site request, or null when it passes. */
export function csrfRefusal(request: HeaderedRequest): string | null {
  if (!sameOrigin(request)) {
    return 'Refused: the request does not come from a page of this dashboard (its Origin differs).';
  }
  const expected = cookieToken(request);
  const sent = header(request, CSRF_HEADER) ?? '';
  if (expected === null || sent.length !== expected.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))) {
    return 'Refused: the request lacks the page\'s CSRF token; reload the page and try again.';
  }
  return null;
}
