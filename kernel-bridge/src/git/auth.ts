import { ArcadeError, isRecord } from 'arcade-engine';
import type { Env } from '../config';
import { awsCredentialsFrom } from '../awsCredentials';
import { Secret } from '../secret';

/** What isomorphic-git's onAuth callback answers. */
export interface GitAuth {
  username: string;
  password: string;
}

/** Reads a secret string from AWS Secrets Manager; injected so tests need no AWS. */
export type SecretReader = (secretId: string) => Promise<string>;

/**
 * Where the bridge's git token comes from, in order: `ARCADE_GIT_TOKEN`
 * (with `ARCADE_GIT_USER`), an AWS Secrets Manager secret named by
 * `ARCADE_GIT_TOKEN_SECRET_ID`, or the user info of `ARCADE_GIT_REMOTE`.
 * The token is sent only to the origin (scheme, host, port) of
 * `ARCADE_GIT_REMOTE` when that is set, else only over HTTPS, so cloning
 * another server's repository never hands it our token.
 */
export interface GitTokenSource {
  kind: 'token' | 'secrets-manager' | 'remote-url' | 'none';
  /** The only origin the token is sent to; null for any HTTPS origin. */
  origin: string | null;
}

/** A token that looks like a user name (GitHub and GitLab accept any user with it). */
const DEFAULT_TOKEN_USER = 'x-access-token';

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? null : trimmed;
}

function remoteUrl(env: Env): URL | null {
  const remote = nonEmpty(env.ARCADE_GIT_REMOTE);
  if (remote === null || !/^https?:\/\//i.test(remote)) {
    return null;
  }
  try {
    return new URL(remote);
  } catch {
    return null;
  }
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** A Secrets Manager secret is the token itself or JSON `{username?, token|password}`. */
export function parseSecretString(text: string): GitAuth {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = null;
    }
    if (isRecord(parsed)) {
      const token = parsed.token ?? parsed.password;
      const username = parsed.username ?? DEFAULT_TOKEN_USER;
      if (
        typeof token === 'string' &&
        token !== '' &&
        typeof username === 'string'
      ) {
        return { username, password: token };
      }
    }
    throw new ArcadeError(
      'config',
      'the git token secret is JSON without a "token" (or "password") string',
      { hint: 'store the token itself, or {"username": "…", "token": "…"}' }
    );
  }
  if (trimmed === '') {
    throw new ArcadeError('config', 'the git token secret is empty', {
      hint: 'store the HTTPS token in the secret named by ARCADE_GIT_TOKEN_SECRET_ID'
    });
  }
  return { username: DEFAULT_TOKEN_USER, password: trimmed };
}

/**
 * The default reader: @aws-sdk/client-secrets-manager with the credentials,
 * region and endpoint (`AWS_ENDPOINT_URL_SECRETSMANAGER` or
 * `AWS_ENDPOINT_URL`, e.g. a local stand-in) of the given environment.
 */
export async function readAwsSecret(
  secretId: string,
  env: Env,
  what = 'the git token'
): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } =
    await import('@aws-sdk/client-secrets-manager');
  const endpoint =
    nonEmpty(env.AWS_ENDPOINT_URL_SECRETSMANAGER) ??
    nonEmpty(env.AWS_ENDPOINT_URL);
  const client = new SecretsManagerClient({
    region:
      nonEmpty(env.AWS_REGION) ??
      nonEmpty(env.AWS_DEFAULT_REGION) ??
      'us-east-1',
    credentials: awsCredentialsFrom(env),
    ...(endpoint === null ? {} : { endpoint })
  });
  try {
    const answer = await client.send(
      new GetSecretValueCommand({ SecretId: secretId })
    );
    if (answer.SecretString === undefined) {
      throw new ArcadeError(
        'config',
        `secret ${secretId} holds binary data, not a token`,
        { hint: 'store the token as the secret string' }
      );
    }
    return answer.SecretString;
  } catch (error) {
    if (error instanceof ArcadeError) {
      throw error;
    }
    const name = error instanceof Error ? error.name : 'Error';
    throw new ArcadeError(
      'upstream',
      `could not read ${what} from AWS Secrets Manager (${name})`,
      {
        hint: `check that secret ${secretId} exists and this identity may call secretsmanager:GetSecretValue on it`
      }
    );
  } finally {
    client.destroy();
  }
}

/**
 * The bridge's git credentials. The value is read once (a Secrets Manager
 * secret on first use) and held as a `Secret`; `authFor` answers
 * isomorphic-git's onAuth for one URL.
 */
export class GitCredentials {
  readonly source: GitTokenSource;
  readonly #env: Env;
  readonly #readSecret: SecretReader;
  #cached: { username: string; password: Secret } | null = null;

  constructor(env: Env, readSecret?: SecretReader) {
    this.#env = env;
    this.#readSecret = readSecret ?? (id => readAwsSecret(id, env));
    const remote = remoteUrl(env);
    const origin = remote === null ? null : remote.origin;
    if (nonEmpty(env.ARCADE_GIT_TOKEN) !== null) {
      this.source = { kind: 'token', origin };
    } else if (nonEmpty(env.ARCADE_GIT_TOKEN_SECRET_ID) !== null) {
      this.source = { kind: 'secrets-manager', origin };
    } else if (
      remote !== null &&
      (remote.username !== '' || remote.password !== '')
    ) {
      this.source = { kind: 'remote-url', origin };
    } else {
      this.source = { kind: 'none', origin };
    }
  }

  /** True when the token may be sent to this URL. */
  sendsTo(url: string): boolean {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return false;
    }
    if (this.source.origin !== null) {
      return target.origin === this.source.origin;
    }
    return target.protocol === 'https:';
  }

  /** Every form of the token held, for scrubbing text before it leaves. */
  async secretValues(): Promise<string[]> {
    if (this.source.kind === 'none') {
      return [];
    }
    const auth = await this.#load();
    return [auth.password.reveal(), encodeURIComponent(auth.password.reveal())];
  }

  /** Credentials for this URL, or undefined (anonymous) when none apply. */
  async authFor(url: string): Promise<GitAuth | undefined> {
    if (this.source.kind === 'none' || !this.sendsTo(url)) {
      return undefined;
    }
    const auth = await this.#load();
    return { username: auth.username, password: auth.password.reveal() };
  }

  async #load(): Promise<{ username: string; password: Secret }> {
    if (this.#cached !== null) {
      return this.#cached;
    }
    let auth: GitAuth;
    switch (this.source.kind) {
      case 'token':
        auth = {
          username: nonEmpty(this.#env.ARCADE_GIT_USER) ?? DEFAULT_TOKEN_USER,
          password: nonEmpty(this.#env.ARCADE_GIT_TOKEN) ?? ''
        };
        break;
      case 'secrets-manager':
        auth = parseSecretString(
          await this.#readSecret(
            nonEmpty(this.#env.ARCADE_GIT_TOKEN_SECRET_ID) ?? ''
          )
        );
        break;
      default: {
        const remote = remoteUrl(this.#env);
        const username = decode(remote?.username ?? '');
        const password = decode(remote?.password ?? '');
        // `https://TOKEN@host/…` carries the token as the user name.
        auth =
          password === ''
            ? { username: DEFAULT_TOKEN_USER, password: username }
            : { username, password };
      }
    }
    this.#cached = {
      username: auth.username,
      password: new Secret(auth.password)
    };
    return this.#cached;
  }
}
