/**
 * The bridge's Argo Server token, in order: `ARCADE_ARGO_TOKEN`, an AWS
 * Secrets Manager secret named by `ARCADE_ARGO_TOKEN_SECRET_ID`, a file
 * named by `ARCADE_ARGO_TOKEN_FILE` (the local service's), or the pod's
 * service-account token. Files are read at each use (Kubernetes rotates
 * projected tokens); the secret is read once. Always held as a `Secret`.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { ArcadeError } from 'arcade-engine';
import type { Env } from '../../config';
import { readAwsSecret, type SecretReader } from '../../git/auth';
import { Secret } from '../../secret';

export const SERVICE_ACCOUNT_TOKEN =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

export type ArgoTokenSource =
  'token' | 'secrets-manager' | 'file' | 'service-account' | 'none';

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? null : trimmed;
}

export class ArgoToken {
  readonly source: ArgoTokenSource;
  readonly #env: Env;
  readonly #readSecret: SecretReader;
  readonly #file: string | null;
  #cached: Secret | null = null;

  constructor(
    env: Env,
    readSecret?: SecretReader,
    serviceAccountToken = SERVICE_ACCOUNT_TOKEN
  ) {
    this.#env = env;
    this.#readSecret =
      readSecret ?? (id => readAwsSecret(id, env, 'the Argo token'));
    const file = nonEmpty(env.ARCADE_ARGO_TOKEN_FILE);
    if (nonEmpty(env.ARCADE_ARGO_TOKEN) !== null) {
      this.source = 'token';
      this.#file = null;
    } else if (nonEmpty(env.ARCADE_ARGO_TOKEN_SECRET_ID) !== null) {
      this.source = 'secrets-manager';
      this.#file = null;
    } else if (file !== null) {
      this.source = 'file';
      this.#file = file;
    } else if (existsSync(serviceAccountToken)) {
      this.source = 'service-account';
      this.#file = serviceAccountToken;
    } else {
      this.source = 'none';
      this.#file = null;
    }
  }

  /** The token, or null when none is configured (Argo's server auth mode). */
  async get(): Promise<Secret | null> {
    switch (this.source) {
      case 'token':
        return new Secret(nonEmpty(this.#env.ARCADE_ARGO_TOKEN) ?? '');
      case 'secrets-manager': {
        this.#cached ??= new Secret(
          (
            await this.#readSecret(
              nonEmpty(this.#env.ARCADE_ARGO_TOKEN_SECRET_ID) ?? ''
            )
          ).trim()
        );
        return this.#cached;
      }
      case 'file':
      case 'service-account': {
        const file = this.#file ?? '';
        try {
          return new Secret((await readFile(file, 'utf8')).trim());
        } catch {
          throw new ArcadeError(
            'config',
            `cannot read the Argo token file ${file}`,
            {
              hint:
                this.source === 'file'
                  ? 'check ARCADE_ARGO_TOKEN_FILE'
                  : "check the pod's service-account token mount"
            }
          );
        }
      }
      case 'none':
        return null;
    }
  }
}
