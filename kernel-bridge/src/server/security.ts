import { timingSafeEqual } from 'node:crypto';
import type { Secret } from '../secret';

/** Methods that change nothing and so need no XSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const XSRF_COOKIE = '_xsrf';
export const XSRF_HEADER = 'x-xsrftoken';

/** The value of one cookie in a `Cookie` header, or null. */
export function cookieValue(
  header: string | undefined,
  name: string
): string | null {
  if (header === undefined) {
    return null;
  }
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) {
      continue;
    }
    if (part.slice(0, eq).trim() === name) {
      return part.slice(eq + 1).trim();
    }
  }
  return null;
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Jupyter's double-submit check: a state-changing request must echo the
 * `_xsrf` cookie in the `X-XSRFToken` header. jupyter-server-proxy does not
 * check it for us.
 */
export function passesXsrf(
  method: string,
  headerToken: string | undefined,
  cookieHeader: string | undefined
): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) {
    return true;
  }
  const cookie = cookieValue(cookieHeader, XSRF_COOKIE);
  if (headerToken === undefined || headerToken === '' || cookie === null) {
    return false;
  }
  return cookie !== '' && sameString(headerToken, cookie);
}

function hostOf(origin: URL, host: string): string | null {
  try {
    // Parsed as a URL of the same scheme so that a default port matches its absence.
    return new URL(`${origin.protocol}//${host}`).host;
  } catch {
    return null;
  }
}

/**
 * A browser's own statement that a state-changing request comes from a page
 * of the same origin: `Sec-Fetch-Site: same-origin`, or an `Origin` naming the
 * host the request was sent to. A page of another site can set neither; the
 * XSRF token alone would let any site that learns the cookie through another
 * bug post to the bridge.
 */
export function passesSameOrigin(
  method: string,
  headers: {
    secFetchSite: string | undefined;
    origin: string | undefined;
    host: string | undefined;
  }
): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) {
    return true;
  }
  if (headers.secFetchSite?.toLowerCase() === 'same-origin') {
    return true;
  }
  if (headers.origin === undefined || headers.host === undefined) {
    return false;
  }
  let origin: URL;
  try {
    origin = new URL(headers.origin);
  } catch {
    return false;
  }
  return (
    (origin.protocol === 'http:' || origin.protocol === 'https:') &&
    origin.host === hostOf(origin, headers.host)
  );
}

/** Dev mode: `Authorization: token <ARCADE_DEV_TOKEN>` on every request. */
export function passesDevToken(
  authorization: string | undefined,
  token: Secret
): boolean {
  const match = /^token\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] !== undefined && token.equals(match[1]);
}
