import type { GitFileStatus } from 'arcade-engine';
import git from 'isomorphic-git';
import fs from 'node:fs';
import { worktreeStatus, type WorktreeCache } from './worktree';

/** Kept per repository between calls: isomorphic-git's object cache and HEAD's flattened tree. */
export class RepoCache implements WorktreeCache {
  readonly git: object = {};
  headTree?: WorktreeCache['headTree'];
}

/** Every changed, staged, untracked or unmerged file, sorted by path. */
export function changedFiles(
  dir: string,
  cache: RepoCache
): Promise<GitFileStatus[]> {
  return worktreeStatus(dir, cache);
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
