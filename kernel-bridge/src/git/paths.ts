import { ArcadeError } from 'arcade-engine';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { hasControl } from '../gitRemote';

function badRequest(message: string, hint?: string): ArcadeError {
  return new ArcadeError(
    'bad_request',
    message,
    hint === undefined ? {} : { hint }
  );
}

/**
 * A path inside a repository as git stores it: relative, `/`-separated, no
 * `.`/`..` segments, never inside `.git`. Anything else is refused, so a
 * request cannot name a file outside the repository.
 */
export function repoPath(value: unknown, what = 'path'): string {
  if (typeof value !== 'string' || value === '') {
    throw badRequest(
      `${what} must be a non-empty path relative to the repository`
    );
  }
  if (hasControl(value)) {
    throw badRequest(`${what} contains a control character`);
  }
  const segments = value.split('/');
  if (
    value.startsWith('/') ||
    path.isAbsolute(value) ||
    segments.some(
      segment => segment === '' || segment === '.' || segment === '..'
    )
  ) {
    throw badRequest(
      `${what} must be relative to the repository, without "." or ".." parts: ${JSON.stringify(value)}`
    );
  }
  if (segments[0] === '.git') {
    throw badRequest(`${what} may not point into .git`);
  }
  return value;
}

/** A list of repository paths from a request body. */
export function repoPaths(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw badRequest('"paths" must be a non-empty list of repository paths');
  }
  return value.map((item, index) => repoPath(item, `paths[${index}]`));
}

function inside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The repository a request names: the workspace-relative folder (`.` by
 * default) or the nearest folder above it that holds `.git`, resolved
 * through symbolic links and refused unless it stays inside the workspace.
 */
export async function resolveRepo(
  workspace: string,
  relative: unknown = '.'
): Promise<{ dir: string; name: string }> {
  const value =
    relative === undefined || relative === null || relative === ''
      ? '.'
      : relative;
  if (
    typeof value !== 'string' ||
    hasControl(value) ||
    path.isAbsolute(value)
  ) {
    throw badRequest('"repo" must be a folder relative to the workspace');
  }
  const root = await realpath(workspace);
  let dir: string;
  try {
    dir = await realpath(path.resolve(root, value));
  } catch {
    throw new ArcadeError('not_found', `no folder ${value} in the workspace`);
  }
  if (!inside(root, dir)) {
    throw badRequest('"repo" must stay inside the workspace');
  }
  // The folder itself or the nearest one above it (inside the workspace) that holds .git.
  let found: string | null = null;
  for (
    let candidate = dir;
    inside(root, candidate);
    candidate = path.dirname(candidate)
  ) {
    try {
      await stat(path.join(candidate, '.git'));
      found = candidate;
      break;
    } catch {
      if (candidate === root) {
        break;
      }
    }
  }
  if (found === null) {
    throw new ArcadeError('not_found', `${value} is not in a git repository`, {
      hint: 'clone one from the Git panel, or run "git init" there'
    });
  }
  dir = found;
  const name = path.relative(root, dir);
  return { dir, name: name === '' ? '.' : name };
}

/** A new folder for a clone: workspace-relative, inside it, not there yet. */
export async function newFolder(
  workspace: string,
  relative: string
): Promise<string> {
  if (
    hasControl(relative) ||
    path.isAbsolute(relative) ||
    relative.trim() === ''
  ) {
    throw badRequest(
      '"directory" must be a new folder relative to the workspace'
    );
  }
  const root = await realpath(workspace);
  const dir = path.resolve(root, relative);
  if (!inside(root, dir) || dir === root) {
    throw badRequest('"directory" must be a new folder inside the workspace');
  }
  try {
    await stat(dir);
  } catch {
    return dir;
  }
  throw new ArcadeError(
    'conflict',
    `${relative} already exists in the workspace`,
    {
      hint: 'choose another folder name'
    }
  );
}
