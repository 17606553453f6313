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

/** Dev mode: `Authorization: token <ARCADE_DEV_TOKEN>` on every request. */
export function passesDevToken(
  authorization: string | undefined,
  token: Secret
): boolean {
  const match = /^token\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] !== undefined && token.equals(match[1]);
}
