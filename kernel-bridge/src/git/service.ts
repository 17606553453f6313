import {
  ArcadeError,
  type GitBranchesResponse,
  type GitChangesResponse,
  type GitCloneResponse,
  type GitCommitResponse,
  type GitFileResponse,
  type GitLogResponse,
  type GitPullResponse,
  type GitPushResponse,
  type GitStatusResponse
} from 'arcade-engine';
import type { ProgressCallback } from 'isomorphic-git';
import path from 'node:path';
import type { Env } from '../config';
import { GitCredentials } from './auth';
import * as local from './local';
import { newFolder, repoPath, resolveRepo } from './paths';
import * as remote from './remote';
import { aheadBehind, changedFiles, RepoCache } from './status';

export const MAX_LOG = 200;
/** Larger files are not sent to the browser for a diff. */
export const MAX_FILE_TEXT = 2 * 1024 * 1024;

export interface ProgressOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/**
 * Git on the workspace's repositories with isomorphic-git. One instance per
 * bridge: it keeps each repository's caches and runs one changing
 * operation at a time per repository.
 */
export class GitService {
  readonly credentials: GitCredentials;
  readonly #workspace: string;
  readonly #env: Env;
  readonly #caches = new Map<string, RepoCache>();
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(workspace: string, env: Env, credentials?: GitCredentials) {
    this.#workspace = workspace;
    this.#env = env;
    this.credentials = credentials ?? new GitCredentials(env);
  }

  async repo(relative?: unknown): Promise<local.Repo & { name: string }> {
    const { dir, name } = await resolveRepo(this.#workspace, relative);
    let cache = this.#caches.get(dir);
    if (cache === undefined) {
      cache = new RepoCache();
      this.#caches.set(dir, cache);
    }
    return { dir, name, cache };
  }

  /** Runs `work` after any other changing operation on the same repository. */
  async #exclusive<T>(dir: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(dir) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.#locks.set(dir, next);
    try {
      return await next;
    } finally {
      if (this.#locks.get(dir) === next) {
        this.#locks.delete(dir);
      }
    }
  }

  async status(relative?: unknown): Promise<GitStatusResponse> {
    const repo = await this.repo(relative);
    const [branch, head, files, origin] = await Promise.all([
      local.currentBranch(repo),
      local.headCommit(repo),
      changedFiles(repo.dir, repo.cache),
      remote.displayOrigin(repo)
    ]);
    const { ahead, behind } = await aheadBehind(repo.dir, repo.cache, branch);
    return {
      repo: repo.name,
      branch,
      head,
      remote: origin,
      ahead,
      behind,
      files
    };
  }

  async stage(relative: unknown, paths: string[]): Promise<GitStatusResponse> {
    const repo = await this.repo(relative);
    await this.#exclusive(repo.dir, () => local.stage(repo, paths));
    return this.status(relative);
  }

  async unstage(
    relative: unknown,
    paths: string[]
  ): Promise<GitStatusResponse> {
    const repo = await this.repo(relative);
    await this.#exclusive(repo.dir, () => local.unstage(repo, paths));
    return this.status(relative);
  }

  async discard(
    relative: unknown,
    paths: string[]
  ): Promise<GitStatusResponse> {
    const repo = await this.repo(relative);
    await this.#exclusive(repo.dir, () => local.discard(repo, paths));
    return this.status(relative);
  }

  async commit(
    relative: unknown,
    message: string,
    all = false
  ): Promise<GitCommitResponse> {
    const repo = await this.repo(relative);
    return this.#exclusive(repo.dir, () =>
      local.commit(repo, message, this.#env, { all })
    );
  }

  async branches(relative?: unknown): Promise<GitBranchesResponse> {
    return local.branches(await this.repo(relative));
  }

  async createBranch(
    relative: unknown,
    name: string,
    from: string | undefined,
    checkout: boolean
  ): Promise<GitBranchesResponse> {
    const repo = await this.repo(relative);
    await this.#exclusive(repo.dir, () =>
      local.createBranch(repo, name, from, checkout)
    );
    return local.branches(repo);
  }

  async checkout(
    relative: unknown,
    branch: string
  ): Promise<GitStatusResponse> {
    const repo = await this.repo(relative);
    await this.#exclusive(repo.dir, () => local.checkoutBranch(repo, branch));
    return this.status(relative);
  }

  async log(
    relative: unknown,
    limit: number,
    ref?: string
  ): Promise<GitLogResponse> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG) {
      throw new ArcadeError(
        'bad_request',
        `"limit" must be a whole number from 1 to ${MAX_LOG}`
      );
    }
    return {
      entries: await local.history(await this.repo(relative), limit, ref)
    };
  }

  /** Files that differ between two commits (`to` defaults to HEAD). */
  async changes(
    relative: unknown,
    from: string,
    to = 'HEAD'
  ): Promise<GitChangesResponse> {
    const repo = await this.repo(relative);
    const [fromOid, toOid] = await Promise.all([
      local.resolveCommit(repo, from),
      local.resolveCommit(repo, to)
    ]);
    return {
      from: fromOid,
      to: toOid,
      files: await local.commitFiles(repo, toOid, fromOid)
    };
  }

  /** A file's text at `ref`, or in the working tree when `ref` is absent. */
  async file(
    relative: unknown,
    filepath: unknown,
    ref?: string
  ): Promise<GitFileResponse> {
    const repo = await this.repo(relative);
    const file = repoPath(filepath);
    let bytes: Uint8Array | null;
    if (ref === undefined || ref === '') {
      const { readFile } = await import('node:fs/promises');
      try {
        bytes = await readFile(path.join(repo.dir, file));
      } catch {
        bytes = null;
      }
    } else {
      bytes = await local.readAt(repo, ref, file);
    }
    if (bytes !== null && bytes.byteLength > MAX_FILE_TEXT) {
      throw new ArcadeError(
        'payload_too_large',
        `${file} is larger than ${MAX_FILE_TEXT} bytes`,
        {
          hint: 'compare it with git in a terminal'
        }
      );
    }
    return {
      path: file,
      ref: ref === undefined || ref === '' ? null : ref,
      text: bytes === null ? null : new TextDecoder().decode(bytes)
    };
  }

  async push(
    relative: unknown,
    options: ProgressOptions = {}
  ): Promise<GitPushResponse> {
    const repo = await this.repo(relative);
    return this.#exclusive(repo.dir, () =>
      remote.push(repo, { credentials: this.credentials, ...options })
    );
  }

  async pull(
    relative: unknown,
    options: ProgressOptions = {}
  ): Promise<GitPullResponse> {
    const repo = await this.repo(relative);
    return this.#exclusive(repo.dir, () =>
      remote.pull(repo, { credentials: this.credentials, ...options })
    );
  }

  /** Clones into a new workspace folder, named after the repository unless given. */
  async clone(
    url: string,
    directory: string | undefined,
    branch: string | undefined,
    options: ProgressOptions = {}
  ): Promise<GitCloneResponse> {
    const name =
      directory ??
      (url
        .replace(/[?#].*$/, '')
        .replace(/\/+$/, '')
        .split('/')
        .pop()
        ?.replace(/\.git$/, '') ||
        'repository');
    const dir = await newFolder(this.#workspace, name);
    const result = await remote.clone(dir, url, branch, {
      credentials: this.credentials,
      ...options
    });
    return {
      repo: path.relative(this.#workspace, result.dir) || '.',
      branch: result.branch,
      head: result.head
    };
  }
}
