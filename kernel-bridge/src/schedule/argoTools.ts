/**
 * Argo's own artifacts, from the pinned `github.com/argoproj/argo-workflows/v4`
 * module (`make argo-tools` builds and copies them): the validator built from
 * Argo's validation package, its JSON schema and the Argo Server's OpenAPI.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ArcadeError } from 'arcade-engine';
import type { Env } from '../config';

/** The argo-workflows version Arcade validates with and speaks to. */
export const ARGO_VERSION = 'v4.0.5';

export interface ArgoTools {
  dir: string;
  validator: string;
  schema: string;
  swagger: string;
}

/** ARCADE_ARGO_DIR, else `.cache/argo` of a source checkout. */
export function argoTools(env: Env, repoRoot: string | null): ArgoTools {
  const configured = env.ARCADE_ARGO_DIR?.trim();
  const dir =
    configured !== undefined && configured !== ''
      ? configured
      : repoRoot === null
        ? null
        : path.join(repoRoot, '.cache', 'argo');
  if (dir === null) {
    throw new ArcadeError(
      'missing_dependency',
      "Argo's tools are not configured",
      {
        hint: 'set ARCADE_ARGO_DIR to the folder "make argo-tools" fills'
      }
    );
  }
  return {
    dir,
    validator: path.join(dir, 'bin', 'argo-validate'),
    schema: path.join(dir, 'schema.json'),
    swagger: path.join(dir, 'swagger.json')
  };
}

export function requireFile(file: string, what: string): string {
  if (!existsSync(file)) {
    throw new ArcadeError('missing_dependency', `${what} is missing: ${file}`, {
      hint: 'run "make argo-tools", or set ARCADE_ARGO_DIR'
    });
  }
  return file;
}
