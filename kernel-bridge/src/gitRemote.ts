/**
 * Git remotes as users write them, and how they are shown. A remote may
 * carry credentials (`https://user:token@host/…`), so the text shown in
 * settings, logs and errors is always `describeRemote`'s, never the input.
 */

/** The kinds of remote git itself accepts. */
export type RemoteKind = 'url' | 'scp' | 'path';

export interface GitRemote {
  kind: RemoteKind;
  /** The remote without a password or token; safe to show. */
  display: string;
}

const REDACTED = '***';

/** `[user@]host:path`, git's scp-like syntax (no scheme, a colon before any slash). */
const SCP_LIKE = /^(?:([^@/\s]+)@)?([^@/:\s]+|\[[^\]\s]+\]):(?!\/\/)(.*)$/s;

/** True when the text holds a C0 control character or DEL. */
export function hasControl(text: string): boolean {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }
  return false;
}

/**
 * Reads a remote as git does: a URL with a scheme, the scp-like
 * `user@host:path`, or a local path. Null for anything else (empty text,
 * control characters); callers say so without echoing the text.
 */
export function parseRemote(remote: string): GitRemote | null {
  if (remote.trim() === '' || hasControl(remote)) {
    return null;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) {
    let url: URL;
    try {
      url = new URL(remote);
    } catch {
      return null;
    }
    if (/^https?:$/.test(url.protocol)) {
      // Over HTTP(S) the user name is often the token itself.
      url.username = '';
      url.password = '';
    } else if (url.password !== '') {
      url.password = REDACTED;
    }
    return { kind: 'url', display: url.href };
  }
  const scp = SCP_LIKE.exec(remote);
  if (scp !== null && !remote.startsWith('/') && !remote.startsWith('.')) {
    const [, user, host, path] = scp;
    if (/[\s@]/.test(path ?? '')) {
      // `a:b@c:d` would be host `a`; more likely a mistyped credential.
      return null;
    }
    const colon = user?.indexOf(':') ?? -1;
    const shownUser =
      user === undefined
        ? ''
        : `${colon >= 0 ? `${user.slice(0, colon)}:${REDACTED}` : user}@`;
    return { kind: 'scp', display: `${shownUser}${host ?? ''}:${path ?? ''}` };
  }
  // A path has no colon, or says it is one (`/…`, `./…`, `../…`, `~/…`).
  if (!remote.includes(':') || /^(?:\/|\.\.?\/|~)/.test(remote)) {
    return { kind: 'path', display: remote };
  }
  return null;
}

/** The remote as it may be shown: credentials removed, or a placeholder. */
export function describeRemote(remote: string): string {
  return parseRemote(remote)?.display ?? '(an unreadable git remote)';
}
