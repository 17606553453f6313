import {
  ArcadeError,
  type GitBranchesResponse,
  type GitCommitFile,
  type GitCommitResponse,
  type GitLogEntry,
  type StagedChange
} from 'arcade-engine';
import git, { type WalkerEntry } from 'isomorphic-git';
import fs from 'node:fs';
import type { Env } from '../config';
import { commitAuthor } from './author';
import { gitError } from './errors';
import { changedFiles, type RepoCache } from './status';

export interface Repo {
  dir: string;
  cache: RepoCache;
}

export async function currentBranch(repo: Repo): Promise<string | null> {
  const branch = await git.currentBranch({
    fs,
    dir: repo.dir,
    fullname: false
  });
  return typeof branch === 'string' ? branch : null;
}

export async function headCommit(repo: Repo): Promise<string | null> {
  try {
    return await git.resolveRef({ fs, dir: repo.dir, ref: 'HEAD' });
  } catch {
    return null;
  }
}

/** Stages whole files: their working-tree content, or their deletion. */
export async function stage(repo: Repo, paths: string[]): Promise<void> {
  const present = paths.filter(file => fs.existsSync(`${repo.dir}/${file}`));
  const gone = paths.filter(file => !present.includes(file));
  try {
    if (present.length > 0) {
      // One call for all: the index is read and written once.
      await git.add({
        fs,
        dir: repo.dir,
        filepath: present,
        cache: repo.cache.git,
        force: false
      });
    }
    for (const filepath of gone) {
      await git.remove({ fs, dir: repo.dir, filepath, cache: repo.cache.git });
    }
  } catch (error) {
    throw gitError(error, { action: 'stage' });
  }
}

/** Puts the files' index entries back to HEAD's (or removes new ones); the working tree is untouched. */
export async function unstage(repo: Repo, paths: string[]): Promise<void> {
  const head = await headCommit(repo);
  try {
    for (const filepath of paths) {
      if (head === null) {
        await git.remove({
          fs,
          dir: repo.dir,
          filepath,
          cache: repo.cache.git
        });
      } else {
        await git.resetIndex({
          fs,
          dir: repo.dir,
          filepath,
          cache: repo.cache.git
        });
      }
    }
  } catch (error) {
    throw gitError(error, { action: 'unstage' });
  }
}

/**
 * Throws away the working-tree changes of these files: tracked files go
 * back to HEAD (staged changes too), untracked ones are deleted.
 */
export async function discard(repo: Repo, paths: string[]): Promise<void> {
  const status = new Map(
    (await changedFiles(repo.dir, repo.cache)).map(f => [f.path, f])
  );
  const head = await headCommit(repo);
  try {
    const tracked: string[] = [];
    for (const filepath of paths) {
      const file = status.get(filepath);
      if (file === undefined) {
        continue;
      }
      if (file.unstaged === 'untracked' || file.staged === 'added') {
        await fs.promises.rm(`${repo.dir}/${filepath}`, { force: true });
        if (file.staged === 'added') {
          await git.remove({
            fs,
            dir: repo.dir,
            filepath,
            cache: repo.cache.git
          });
        }
      } else {
        tracked.push(filepath);
      }
    }
    if (tracked.length > 0 && head !== null) {
      for (const filepath of tracked) {
        await git.resetIndex({
          fs,
          dir: repo.dir,
          filepath,
          cache: repo.cache.git
        });
      }
      await git.checkout({
        fs,
        dir: repo.dir,
        cache: repo.cache.git,
        force: true,
        filepaths: tracked,
        noUpdateHead: true
      });
    }
  } catch (error) {
    throw gitError(error, { action: 'discard' });
  }
}

export async function commit(
  repo: Repo,
  message: string,
  env: Env,
  options: { all?: boolean } = {}
): Promise<GitCommitResponse> {
  if (message.trim() === '') {
    throw new ArcadeError('bad_request', 'the commit message is empty', {
      hint: 'say what changed and why'
    });
  }
  const files = await changedFiles(repo.dir, repo.cache);
  const conflicted = files.filter(f => f.conflicted).map(f => f.path);
  if (conflicted.length > 0) {
    throw new ArcadeError(
      'conflict',
      `cannot commit while files are unmerged: ${conflicted.join(', ')}`,
      {
        hint: 'resolve the conflicts and stage the files first'
      }
    );
  }
  if (options.all === true) {
    const tracked = files.filter(
      f => f.unstaged !== null && f.unstaged !== 'untracked'
    );
    await stage(
      repo,
      tracked.map(f => f.path)
    );
  }
  const staged = (await changedFiles(repo.dir, repo.cache)).filter(
    f => f.staged !== null
  );
  if (staged.length === 0) {
    throw new ArcadeError(
      'refused',
      'nothing is staged, so there is nothing to commit',
      {
        hint: 'stage the files to commit first'
      }
    );
  }
  const author = await commitAuthor(repo.dir, env);
  try {
    const oid = await git.commit({
      fs,
      dir: repo.dir,
      cache: repo.cache.git,
      message: message.endsWith('\n') ? message : `${message}\n`,
      author
    });
    return { commit: oid, branch: await currentBranch(repo), author };
  } catch (error) {
    throw gitError(error, { action: 'commit' });
  }
}

export async function branches(repo: Repo): Promise<GitBranchesResponse> {
  const [local, remote, current] = await Promise.all([
    git.listBranches({ fs, dir: repo.dir }),
    git.listBranches({ fs, dir: repo.dir, remote: 'origin' }),
    currentBranch(repo)
  ]);
  return {
    current,
    local: local.sort(),
    remote: remote
      .filter(name => name !== 'HEAD')
      .map(name => `origin/${name}`)
      .sort()
  };
}

export async function createBranch(
  repo: Repo,
  name: string,
  from: string | undefined,
  checkoutAfter: boolean
): Promise<void> {
  try {
    const object =
      from === undefined
        ? undefined
        : await git.resolveRef({ fs, dir: repo.dir, ref: from });
    await git.branch({ fs, dir: repo.dir, ref: name, object, checkout: false });
  } catch (error) {
    throw gitError(error, { action: `create branch ${name}` });
  }
  if (checkoutAfter) {
    await checkoutBranch(repo, name);
  }
}

/** Switches branch; refused, with the files, while tracked files have changes. */
export async function checkoutBranch(repo: Repo, name: string): Promise<void> {
  const dirty = (await changedFiles(repo.dir, repo.cache)).filter(
    f =>
      f.conflicted ||
      f.staged !== null ||
      (f.unstaged !== null && f.unstaged !== 'untracked')
  );
  if (dirty.length > 0) {
    const names = dirty.map(f => f.path);
    throw new ArcadeError(
      'refused',
      `cannot switch to ${name}: uncommitted changes in ${names.slice(0, 10).join(', ')}${names.length > 10 ? ` and ${names.length - 10} more` : ''}`,
      { hint: 'commit or discard them first' }
    );
  }
  try {
    await git.checkout({ fs, dir: repo.dir, ref: name, cache: repo.cache.git });
  } catch (error) {
    throw gitError(error, { action: `switch to ${name}` });
  }
}

/** Paths that differ between two commits' trees (`parent` null: every file of `oid` is added). */
export async function commitFiles(
  repo: Repo,
  oid: string,
  parent: string | null
): Promise<GitCommitFile[]> {
  if (parent === null) {
    const files = await git.listFiles({
      fs,
      dir: repo.dir,
      ref: oid,
      cache: repo.cache.git
    });
    return files.map(file => ({ path: file, change: 'added' as const }));
  }
  const changes: GitCommitFile[] = [];
  await git.walk({
    fs,
    dir: repo.dir,
    cache: repo.cache.git,
    trees: [git.TREE({ ref: parent }), git.TREE({ ref: oid })],
    map: async (filepath: string, entries: (WalkerEntry | null)[]) => {
      const [before, after] = entries;
      if (filepath === '.') {
        return true;
      }
      const [beforeOid, afterOid] = await Promise.all([
        before?.oid(),
        after?.oid()
      ]);
      if (beforeOid === afterOid) {
        return null; // the same blob, or the same subtree: skip it whole
      }
      const [beforeType, afterType] = await Promise.all([
        before?.type(),
        after?.type()
      ]);
      if (beforeType === 'tree' || afterType === 'tree') {
        if (beforeType === 'blob') {
          changes.push({ path: filepath, change: 'deleted' });
        } else if (afterType === 'blob') {
          changes.push({ path: filepath, change: 'added' });
        }
        return true;
      }
      const change: StagedChange =
        before === null ? 'added' : after === null ? 'deleted' : 'modified';
      changes.push({ path: filepath, change });
      return true;
    }
  });
  return changes.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export async function history(
  repo: Repo,
  limit: number,
  ref = 'HEAD'
): Promise<GitLogEntry[]> {
  let commits;
  try {
    commits = await git.log({
      fs,
      dir: repo.dir,
      ref,
      depth: limit,
      cache: repo.cache.git
    });
  } catch (error) {
    if (
      (error as { code?: string }).code === 'NotFoundError' &&
      ref === 'HEAD'
    ) {
      return []; // no commit yet
    }
    throw gitError(error, { action: `read the history of ${ref}` });
  }
  return Promise.all(
    commits.map(async ({ oid, commit: c }) => ({
      commit: oid,
      parents: c.parent,
      author: { name: c.author.name, email: c.author.email },
      time: new Date(c.author.timestamp * 1000).toISOString(),
      message: c.message,
      files: await commitFiles(repo, oid, c.parent[0] ?? null)
    }))
  );
}

/** The commit a branch, ref or (abbreviated) SHA names. */
export async function resolveCommit(repo: Repo, ref: string): Promise<string> {
  try {
    return await git.resolveRef({ fs, dir: repo.dir, ref });
  } catch {
    try {
      return await git.expandOid({
        fs,
        dir: repo.dir,
        oid: ref,
        cache: repo.cache.git
      });
    } catch (error) {
      throw gitError(error, { action: `read ${ref}` });
    }
  }
}

/** A file's bytes at a commit, or null when it has no such file. */
export async function readAt(
  repo: Repo,
  ref: string,
  filepath: string
): Promise<Uint8Array | null> {
  const oid = await resolveCommit(repo, ref);
  try {
    const { blob } = await git.readBlob({
      fs,
      dir: repo.dir,
      oid,
      filepath,
      cache: repo.cache.git
    });
    return blob;
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFoundError') {
      return null;
    }
    throw gitError(error, { action: `read ${filepath} at ${ref}` });
  }
}
