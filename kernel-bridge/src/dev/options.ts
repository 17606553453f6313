import type { Env } from '../config';
import { ArcadeError } from 'arcade-engine';

export const HOST = '127.0.0.1';
export const DEFAULT_S3_PORT = 9010;
export const DEFAULT_GIT_PORT = 9020;
export const DEFAULT_ARGO_PORT = 9030;
export const DEFAULT_ATHENA_PORT = 9040;
export const DEFAULT_STATE_DIR = '.arcade';
export const AWS_PROFILE_NAME = 'arcade-local';

export interface DevFlags {
  state?: string;
  s3Port?: string;
  gitPort?: string;
  argoPort?: string;
  athenaPort?: string;
}

export interface DevOptions {
  stateDir: string;
  s3Port: number;
  gitPort: number;
  argoPort: number;
  athenaPort: number;
}

export function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port < 1 || port > 65535) {
    throw new ArcadeError(
      'usage',
      `${source} must be a port number, got "${value}"`,
      {
        hint: 'use an integer between 1 and 65535'
      }
    );
  }
  return port;
}

function port(
  flag: string | undefined,
  flagName: string,
  env: Env,
  envName: string,
  fallback: number
): number {
  if (flag !== undefined) {
    return parsePort(flag, flagName);
  }
  const value = env[envName];
  return value !== undefined && value !== ''
    ? parsePort(value, envName)
    : fallback;
}

/** Flags win over environment variables, which win over defaults. */
export function devOptions(flags: DevFlags, env: Env): DevOptions {
  const s3Port = port(
    flags.s3Port,
    '--s3-port',
    env,
    'ARCADE_S3_PORT',
    DEFAULT_S3_PORT
  );
  const gitPort = port(
    flags.gitPort,
    '--git-port',
    env,
    'ARCADE_GIT_PORT',
    DEFAULT_GIT_PORT
  );
  const argoPort = port(
    flags.argoPort,
    '--argo-port',
    env,
    'ARCADE_ARGO_PORT',
    DEFAULT_ARGO_PORT
  );
  const athenaPort = port(
    flags.athenaPort,
    '--athena-port',
    env,
    'ARCADE_ATHENA_PORT',
    DEFAULT_ATHENA_PORT
  );
  if (new Set([s3Port, gitPort, argoPort, athenaPort]).size < 4) {
    throw new ArcadeError(
      'usage',
      `the S3, git, Argo and Athena ports must differ (${s3Port}, ${gitPort}, ${argoPort}, ${athenaPort})`,
      {
        hint: 'give --s3-port, --git-port, --argo-port and --athena-port different values'
      }
    );
  }
  const stateDir =
    flags.state ??
    (env.ARCADE_STATE_DIR !== undefined && env.ARCADE_STATE_DIR !== ''
      ? env.ARCADE_STATE_DIR
      : DEFAULT_STATE_DIR);
  return { stateDir, s3Port, gitPort, argoPort, athenaPort };
}
