import { inspect } from 'node:util';
import { timingSafeEqual } from 'node:crypto';

const REDACTED = '[redacted]';

/**
 * Holds a secret value so that serializing, printing or inspecting whatever
 * contains it shows `[redacted]`; only `equals` and `reveal` see the value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** Constant-time comparison with a candidate from a request. */
  equals(candidate: string): boolean {
    const a = Buffer.from(this.#value, 'utf8');
    const b = Buffer.from(candidate, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Variables whose values are credentials wherever they show up. */
const SECRET_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'ARCADE_DEV_TOKEN',
  'ARCADE_GIT_TOKEN',
  'ARCADE_ARGO_TOKEN',
  'JUPYTERHUB_API_TOKEN',
  'JPY_API_TOKEN'
] as const;

/** Shorter values would redact ordinary words; no real credential is this short. */
const MIN_SECRET_LENGTH = 6;

/** The user name and password a git remote URL carries (a token may be either). */
function remoteCredentials(remote: string | undefined): string[] {
  if (remote === undefined) {
    return [];
  }
  let url: URL;
  try {
    url = new URL(remote);
  } catch {
    return [];
  }
  return [url.username, url.password].flatMap(part => {
    try {
      return [part, decodeURIComponent(part)];
    } catch {
      return [part];
    }
  });
}

/** Every secret value in an environment: AWS keys, session, dev, git and JupyterHub tokens. */
export function secretValues(
  env: Readonly<Record<string, string | undefined>>
): string[] {
  return [
    ...SECRET_VARIABLES.map(name => env[name] ?? ''),
    ...remoteCredentials(env.ARCADE_GIT_REMOTE)
  ];
}

/**
 * Replaces known secret values in text a child process wrote, also as they
 * appear inside a JSON string, so that a notebook that resolves
 * `${AWS_SECRET_ACCESS_KEY}` into a stage name or its SQL cannot read it back.
 */
export class Scrubber {
  readonly #forms: string[];

  constructor(values: Iterable<string>) {
    const forms = new Set<string>();
    for (const value of values) {
      if (value.length < MIN_SECRET_LENGTH) {
        continue;
      }
      const json = JSON.stringify(value).slice(1, -1);
      forms.add(value);
      forms.add(json);
      forms.add(json.replaceAll('/', '\\/'));
    }
    // Longest first, so that a secret containing another is redacted whole.
    this.#forms = [...forms].sort((a, b) => b.length - a.length);
  }

  scrub(text: string): string {
    let result = text;
    for (const form of this.#forms) {
      result = result.replaceAll(form, REDACTED);
    }
    return result;
  }
}
