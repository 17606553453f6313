import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { Env } from '../config';
import { ArcadeError } from 'arcade-engine';
import type { S3RootCredentials } from './credentials';
import { HOST } from './options';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The MinIO binary: ARCADE_MINIO_BIN, else `<repo>/.cache/bin/minio` (where
 * the Makefile builds it), else `minio` on PATH.
 */
export function resolveMinioBinary(env: Env, repoRoot: string | null): string {
  const explicit = env.ARCADE_MINIO_BIN;
  if (explicit !== undefined && explicit !== '') {
    if (!executable(explicit)) {
      throw new ArcadeError(
        'missing_dependency',
        `ARCADE_MINIO_BIN=${explicit} is not an executable file`,
        { hint: 'point ARCADE_MINIO_BIN at a minio binary' }
      );
    }
    return explicit;
  }
  const candidates: string[] = [];
  if (repoRoot !== null) {
    candidates.push(path.join(repoRoot, '.cache', 'bin', 'minio'));
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir !== '') {
      candidates.push(path.join(dir, 'minio'));
    }
  }
  const found = candidates.find(executable);
  if (found === undefined) {
    throw new ArcadeError('missing_dependency', 'no minio binary found', {
      hint:
        'build it into <repo>/.cache/bin/minio (see the Makefile), ' +
        'put minio on PATH, or set ARCADE_MINIO_BIN'
    });
  }
  return found;
}

export function minioArgs(dataDir: string, port: number): string[] {
  return [
    'server',
    dataDir,
    '--address',
    `${HOST}:${port}`,
    '--console-address',
    `${HOST}:${port + 1}`
  ];
}

export function minioEnv(
  base: NodeJS.ProcessEnv,
  credentials: S3RootCredentials
): NodeJS.ProcessEnv {
  return {
    PATH: base.PATH,
    HOME: base.HOME,
    MINIO_ROOT_USER: credentials.accessKeyId,
    MINIO_ROOT_PASSWORD: credentials.secretAccessKey.reveal(),
    MINIO_BROWSER: 'off',
    MINIO_UPDATE: 'off'
  };
}

export function minioReadyUrl(port: number): string {
  return `http://${HOST}:${port}/minio/health/ready`;
}
