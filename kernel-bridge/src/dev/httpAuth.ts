import type { GitCredentials } from './credentials';
import { Secret } from '../secret';

/** The realm git shows when it asks for a user name and password. */
export const REALM = 'arcade';

/**
 * True when the `Host` header names this server: 127.0.0.1 or localhost on
 * the port the request came in on. Anything else (another name that
 * resolves here, as in DNS rebinding) is refused.
 */
export function isServedHost(host: string | undefined, port: number): boolean {
  if (host === undefined) {
    return false;
  }
  const names = ['127.0.0.1', 'localhost'];
  const allowed = names.map(name => `${name}:${port}`);
  if (port === 80) {
    allowed.push(...names);
  }
  return allowed.includes(host.trim().toLowerCase());
}

/** User and password of an `Authorization: Basic …` header, or null. */
export function basicCredentials(
  header: string | undefined
): { user: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? '');
  if (match?.[1] === undefined) {
    return null;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    return null;
  }
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** True when the header carries exactly these credentials (constant time). */
export function isAuthorized(
  header: string | undefined,
  credentials: GitCredentials
): boolean {
  const given = basicCredentials(header);
  if (given === null) {
    return false;
  }
  // Both compared every time, so the timing tells nothing about either.
  const userMatches = new Secret(credentials.user).equals(given.user);
  const passwordMatches = credentials.password.equals(given.password);
  return userMatches && passwordMatches;
}
