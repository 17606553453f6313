import type { Env } from '../config';
import { ArcadeError } from 'arcade-engine';

export const HOST = '127.0.0.1';
export const DEFAULT_S3_PORT = 9010;
export const DEFAULT_GIT_PORT = 9020;
export const DEFAULT_ARGO_PORT = 9030;
export const DEFAULT_STATE_DIR = '.arcade';
export const AWS_PROFILE_NAME = 'arcade-local';

export interface DevFlags {
  state?: string;
  s3Port?: string;
  gitPort?: string;
  argoPort?: string;
}

export interface DevOptions {
  stateDir: string;
  s3Port: number;
  gitPort: number;
  argoPort: number;
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

/** Flags win over environment variables, which win over defaults. */
export function devOptions(flags: DevFlags, env: Env): DevOptions {
  const s3Port =
    flags.s3Port !== undefined
      ? parsePort(flags.s3Port, '--s3-port')
      : env.ARCADE_S3_PORT !== undefined && env.ARCADE_S3_PORT !== ''
        ? parsePort(env.ARCADE_S3_PORT, 'ARCADE_S3_PORT')
        : DEFAULT_S3_PORT;
  const gitPort =
    flags.gitPort !== undefined
      ? parsePort(flags.gitPort, '--git-port')
      : env.ARCADE_GIT_PORT !== undefined && env.ARCADE_GIT_PORT !== ''
        ? parsePort(env.ARCADE_GIT_PORT, 'ARCADE_GIT_PORT')
        : DEFAULT_GIT_PORT;
  const argoPort =
    flags.argoPort !== undefined
      ? parsePort(flags.argoPort, '--argo-port')
      : env.ARCADE_ARGO_PORT !== undefined && env.ARCADE_ARGO_PORT !== ''
        ? parsePort(env.ARCADE_ARGO_PORT, 'ARCADE_ARGO_PORT')
        : DEFAULT_ARGO_PORT;
  if (new Set([s3Port, gitPort, argoPort]).size < 3) {
    throw new ArcadeError(
      'usage',
      `the S3, git and Argo ports must differ (${s3Port}, ${gitPort}, ${argoPort})`,
      { hint: 'give --s3-port, --git-port and --argo-port different values' }
    );
  }
  const stateDir =
    flags.state ??
    (env.ARCADE_STATE_DIR !== undefined && env.ARCADE_STATE_DIR !== ''
      ? env.ARCADE_STATE_DIR
      : DEFAULT_STATE_DIR);
  return { stateDir, s3Port, gitPort, argoPort };
}
