import {
  ArcadeError,
  type GitCloneResponse,
  type GitPullResponse,
  type GitPushResponse
} from 'arcade-engine';
import git, {
  type AuthCallback,
  type ProgressCallback,
  type WalkerEntry
} from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import fs from 'node:fs';
import { rm } from 'node:fs/promises';
import { describeRemote } from '../gitRemote';
import type { GitCredentials } from './auth';
import { gitError } from './errors';
import { currentBranch, headCommit, type Repo } from './local';
import { changedFiles, RepoCache } from './status';

export interface RemoteOptions {
  credentials: GitCredentials;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/** The `origin` URL as configured, or an error saying how to add one. */
export async function originUrl(repo: Repo): Promise<string> {
  const url: unknown = await git.getConfig({
    fs,
    dir: repo.dir,
    path: 'remote.origin.url'
  });
  if (typeof url !== 'string' || url === '') {
    throw new ArcadeError('refused', 'this repository has no remote "origin"', {
      hint: 'add one with "git remote add origin https://…"'
    });
  }
  return url;
}

/** The origin as it may be shown, or null without one. */
export async function displayOrigin(repo: Repo): Promise<string | null> {
  const url: unknown = await git.getConfig({
    fs,
    dir: repo.dir,
    path: 'remote.origin.url'
  });
  return typeof url === 'string' && url !== '' ? describeRemote(url) : null;
}

interface AuthHooks {
  onAuth: AuthCallback;
  onAuthFailure: AuthCallback;
  /** True once the server refused the credentials we sent. */
  refused: () => boolean;
}

function authHooks(credentials: GitCredentials): AuthHooks {
  let refused = false;
  return {
    onAuth: async url => (await credentials.authFor(url)) ?? {},
    onAuthFailure: () => {
      refused = true;
      return { cancel: true };
    },
    refused: () => refused
  };
}

function failure(
  error: unknown,
  hooks: AuthHooks,
  action: string,
  remote: string,
  credentials: GitCredentials
): ArcadeError {
  if (hooks.refused()) {
    const none = credentials.source.kind === 'none';
    return new ArcadeError(
      'unauthorized',
      `the git server refused ${none ? 'anonymous access' : 'the token'} for ${action} (${remote})`,
      {
        hint: none
          ? 'give the bridge a token: ARCADE_GIT_TOKEN or ARCADE_GIT_TOKEN_SECRET_ID'
          : 'the token may have expired or lack access: renew it (ARCADE_GIT_TOKEN or its Secrets Manager secret) and restart the bridge'
      }
    );
  }
  return gitError(error, { action, remote });
}

function throwIfAborted(signal: AbortSignal | undefined, action: string): void {
  if (signal?.aborted === true) {
    throw new ArcadeError('cancelled', `${action} was cancelled`);
  }
}

/** The current branch, the origin as shown, and auth hooks; refused on a detached HEAD. */
async function remoteContext(
  repo: Repo,
  options: RemoteOptions,
  verb: string
): Promise<{ branch: string; remote: string; hooks: AuthHooks }> {
  const branch = await currentBranch(repo);
  if (branch === null) {
    throw new ArcadeError(
      'refused',
      `HEAD is detached; there is no branch to ${verb}`,
      { hint: 'switch to a branch first' }
    );
  }
  const remote = describeRemote(await originUrl(repo));
  return { branch, remote, hooks: authHooks(options.credentials) };
}

/** Pushes the current branch to origin; a rejected push changes nothing here. */
export async function push(
  repo: Repo,
  options: RemoteOptions
): Promise<GitPushResponse> {
  const { branch, remote, hooks } = await remoteContext(repo, options, 'push');
  const head = await headCommit(repo);
  if (head === null) {
    throw new ArcadeError('refused', 'there is no commit to push yet', {
      hint: 'commit first'
    });
  }
  let before: string | null = null;
  try {
    before = await git.resolveRef({
      fs,
      dir: repo.dir,
      ref: `refs/remotes/origin/${branch}`
    });
  } catch {
    before = null;
  }
  throwIfAborted(options.signal, 'push');
  try {
    const result = await git.push({
      fs,
      http,
      dir: repo.dir,
      cache: repo.cache.git,
      remote: 'origin',
      ref: branch,
      onAuth: hooks.onAuth,
      onAuthFailure: hooks.onAuthFailure,
      onProgress: options.onProgress
    });
    const refResult = result.refs[`refs/heads/${branch}`];
    if (!result.ok || refResult?.ok === false) {
      throw new ArcadeError(
        'upstream',
        `the remote refused the push of ${branch} (${remote})`,
        {
          hint: 'check that the branch is not protected and you may push to it'
        }
      );
    }
  } catch (error) {
    throw failure(
      error,
      hooks,
      `push of ${branch}`,
      remote,
      options.credentials
    );
  }
  return { branch, commit: head, updated: before !== head };
}

/**
 * Fetches origin and fast-forwards the current branch. Refused, with
 * nothing changed, when the branches have diverged or when a file the
 * pull would change has uncommitted changes here.
 */
export async function pull(
  repo: Repo,
  options: RemoteOptions
): Promise<GitPullResponse> {
  const { branch, remote, hooks } = await remoteContext(
    repo,
    options,
    'pull into'
  );
  let fetched: string | null;
  try {
    const result = await git.fetch({
      fs,
      http,
      dir: repo.dir,
      cache: repo.cache.git,
      remote: 'origin',
      ref: branch,
      singleBranch: true,
      tags: false,
      onAuth: hooks.onAuth,
      onAuthFailure: hooks.onAuthFailure,
      onProgress: options.onProgress
    });
    fetched = result.fetchHead;
  } catch (error) {
    throw failure(
      error,
      hooks,
      `pull of ${branch}`,
      remote,
      options.credentials
    );
  }
  throwIfAborted(options.signal, 'pull');
  const from = await headCommit(repo);
  if (fetched === null || fetched === from) {
    return { branch, from, to: from, changedFiles: 0 };
  }
  if (from !== null) {
    const fastForward = await git.isDescendent({
      fs,
      dir: repo.dir,
      oid: fetched,
      ancestor: from,
      depth: -1,
      cache: repo.cache.git
    });
    if (!fastForward) {
      const behindOnly = await git.isDescendent({
        fs,
        dir: repo.dir,
        oid: from,
        ancestor: fetched,
        depth: -1,
        cache: repo.cache.git
      });
      if (behindOnly) {
        return { branch, from, to: from, changedFiles: 0 };
      }
      throw new ArcadeError(
        'conflict',
        `pull of ${branch} cannot fast-forward: this branch and the remote's have both moved on`,
        {
          hint: 'your commits and changes are untouched; merge or rebase with git in a terminal, then push'
        }
      );
    }
  }
  const incoming = await changedBetween(repo, from, fetched);
  const local = await changedFiles(repo.dir, repo.cache);
  const touched = local.filter(f => incoming.has(f.path)).map(f => f.path);
  if (touched.length > 0) {
    throw new ArcadeError(
      'conflict',
      `pull of ${branch} would overwrite uncommitted changes in: ${touched.slice(0, 10).join(', ')}`,
      {
        hint: 'commit or discard those changes, then pull again; nothing was changed'
      }
    );
  }
  const ref = `refs/heads/${branch}`;
  await git.writeRef({ fs, dir: repo.dir, ref, value: fetched, force: true });
  try {
    await git.checkout({
      fs,
      dir: repo.dir,
      cache: repo.cache.git,
      ref: branch,
      filepaths: incoming.size > 0 ? [...incoming] : undefined
    });
  } catch (error) {
    if (from !== null) {
      await git.writeRef({ fs, dir: repo.dir, ref, value: from, force: true });
    }
    throw gitError(error, { action: `pull of ${branch}`, remote });
  }
  return { branch, from, to: fetched, changedFiles: incoming.size };
}

async function entryOid(
  entry: WalkerEntry | null
): Promise<string | undefined> {
  return entry === null ? undefined : entry.oid();
}

async function entryType(
  entry: WalkerEntry | null
): Promise<string | undefined> {
  return entry === null ? undefined : entry.type();
}

async function changedBetween(
  repo: Repo,
  from: string | null,
  to: string
): Promise<Set<string>> {
  const files = new Set<string>();
  const trees =
    from === null
      ? [git.TREE({ ref: to })]
      : [git.TREE({ ref: from }), git.TREE({ ref: to })];
  await git.walk({
    fs,
    dir: repo.dir,
    cache: repo.cache.git,
    trees,
    map: async (filepath, entries) => {
      if (filepath === '.') {
        return true;
      }
      const oids = await Promise.all(entries.map(entryOid));
      if (from !== null && oids[0] === oids[1]) {
        return null;
      }
      const types = await Promise.all(entries.map(entryType));
      if (!types.includes('tree')) {
        files.add(filepath);
      } else if (types.includes('blob')) {
        files.add(filepath);
      }
      return true;
    }
  });
  return files;
}

/**
 * Clones `url` into `dir`. The URL stored in `.git/config` never carries
 * credentials: they come from the bridge at each request. A failed clone
 * leaves no folder behind.
 */
export async function clone(
  dir: string,
  url: string,
  branch: string | undefined,
  options: RemoteOptions
): Promise<GitCloneResponse & { dir: string }> {
  let clean: string;
  try {
    const parsed = new URL(url);
    if (!/^https?:$/.test(parsed.protocol)) {
      throw new Error('not http');
    }
    parsed.username = '';
    parsed.password = '';
    clean = parsed.href;
  } catch {
    throw new ArcadeError(
      'bad_request',
      'the bridge clones over HTTP(S) only',
      {
        hint: 'use the https:// URL of the repository'
      }
    );
  }
  const remote = describeRemote(url);
  const hooks = authHooks(options.credentials);
  const repo: Repo = { dir, cache: new RepoCache() };
  try {
    await git.clone({
      fs,
      http,
      dir,
      cache: repo.cache.git,
      url: clean,
      ref: branch,
      singleBranch: false,
      onAuth: hooks.onAuth,
      onAuthFailure: hooks.onAuthFailure,
      onProgress: options.onProgress
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw failure(error, hooks, 'clone', remote, options.credentials);
  }
  return {
    dir,
    repo: dir,
    branch: await currentBranch(repo),
    head: await headCommit(repo)
  };
}
