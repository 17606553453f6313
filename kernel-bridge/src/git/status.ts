import type {
  GitFileStatus,
  StagedChange,
  UnstagedChange
} from 'arcade-engine';
import git from 'isomorphic-git';
import fs from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';

/** A row of isomorphic-git's statusMatrix: path, HEAD, WORKDIR, STAGE. */
export type MatrixRow = [string, number, number, number];

/**
 * One file's status from its statusMatrix row. HEAD: 0 absent, 1 present.
 * WORKDIR: 0 absent, 1 same as HEAD, 2 differs from HEAD. STAGE: 0 absent,
 * 1 same as HEAD, 2 same as WORKDIR, 3 differs from both. Null when clean.
 */
export function fileStatus(row: MatrixRow): GitFileStatus | null {
  const [file, head, workdir, stage] = row;
  let staged: StagedChange | null = null;
  if (head === 0 && stage !== 0) {
    staged = 'added';
  } else if (head === 1 && stage === 0) {
    staged = 'deleted';
  } else if (head === 1 && (stage === 3 || (stage === 2 && workdir === 2))) {
    staged = 'modified';
  }
  let unstaged: UnstagedChange | null = null;
  if (stage === 0 && workdir !== 0) {
    unstaged = 'untracked';
  } else if (stage !== 0 && workdir === 0) {
    unstaged = 'deleted';
  } else if ((stage === 1 && workdir === 2) || stage === 3) {
    unstaged = 'modified';
  }
  if (staged === null && unstaged === null) {
    return null;
  }
  return { path: file, staged, unstaged, conflicted: false };
}

/** Kept per repository between calls: isomorphic-git's object and index caches. */
export class RepoCache {
  readonly git: object = {};
}

const MERGE_MARKERS = [
  'MERGE_HEAD',
  'CHERRY_PICK_HEAD',
  'REVERT_HEAD',
  'REBASE_HEAD'
];

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Unmerged paths, which only a merge made with another tool leaves: when git
 * says one is in progress, a dry-run commit lists them.
 */
export async function unmergedPaths(
  dir: string,
  cache: RepoCache
): Promise<string[]> {
  const markers = await Promise.all(
    MERGE_MARKERS.map(name => exists(path.join(dir, '.git', name)))
  );
  if (!markers.some(Boolean)) {
    return [];
  }
  try {
    await git.commit({
      fs,
      dir,
      cache: cache.git,
      dryRun: true,
      message: 'probe',
      author: { name: 'probe', email: 'probe' }
    });
    return [];
  } catch (error) {
    const data = (error as { data?: { filepaths?: unknown } }).data;
    return Array.isArray(data?.filepaths)
      ? data.filepaths.filter(
          (item): item is string => typeof item === 'string'
        )
      : [];
  }
}

/** Every changed, staged, untracked or unmerged file, sorted by path. */
export async function changedFiles(
  dir: string,
  cache: RepoCache
): Promise<GitFileStatus[]> {
  const [matrix, unmerged] = await Promise.all([
    git.statusMatrix({ fs, dir, cache: cache.git }),
    unmergedPaths(dir, cache)
  ]);
  const conflicted = new Set(unmerged);
  const files: GitFileStatus[] = [];
  for (const row of matrix) {
    const status = fileStatus(row);
    if (conflicted.has(row[0])) {
      files.push({
        path: row[0],
        staged: status?.staged ?? null,
        unstaged: status?.unstaged ?? null,
        conflicted: true
      });
      conflicted.delete(row[0]);
    } else if (status !== null) {
      files.push(status);
    }
  }
  for (const file of conflicted) {
    files.push({ path: file, staged: null, unstaged: null, conflicted: true });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Commits reachable from `ref` and not from `other`, counted up to `limit`. */
async function countOnlyIn(
  dir: string,
  cache: RepoCache,
  ref: string,
  other: string,
  limit: number
): Promise<number> {
  const [mine, theirs] = await Promise.all([
    git.log({ fs, dir, cache: cache.git, ref, depth: limit }),
    git.log({ fs, dir, cache: cache.git, ref: other, depth: limit })
  ]);
  const known = new Set(theirs.map(entry => entry.oid));
  return mine.filter(entry => !known.has(entry.oid)).length;
}

/** Ahead/behind of the branch against `origin/<branch>`; nulls without one. */
export async function aheadBehind(
  dir: string,
  cache: RepoCache,
  branch: string | null
): Promise<{ ahead: number | null; behind: number | null }> {
  if (branch === null) {
    return { ahead: null, behind: null };
  }
  const tracking = `refs/remotes/origin/${branch}`;
  try {
    await git.resolveRef({ fs, dir, ref: tracking });
    await git.resolveRef({ fs, dir, ref: `refs/heads/${branch}` });
  } catch {
    return { ahead: null, behind: null };
  }
  const limit = 1000;
  const [ahead, behind] = await Promise.all([
    countOnlyIn(dir, cache, `refs/heads/${branch}`, tracking, limit),
    countOnlyIn(dir, cache, tracking, `refs/heads/${branch}`, limit)
  ]);
  return { ahead, behind };
}
