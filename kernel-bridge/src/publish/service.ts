import {
  ArcadeError,
  type LintDiagnostic,
  type Manifest,
  type PublishRequest,
  type PublishResponse,
  type SetCurrentResponse,
  type TaskProgress,
  type VersionsResponse
} from 'arcade-engine';
import git from 'isomorphic-git';
import fs from 'node:fs';
import path from 'node:path';
import type { Env, Settings } from '../config';
import { currentBranch, resolveCommit, type Repo } from '../git/local';
import type { GitService } from '../git/service';
import { changedFiles } from '../git/status';
import {
  assetMatcher,
  currentKey,
  manifestKey,
  objectKey,
  versionPrefix,
  type Layout
} from './keys';
import { commitAssets, type SourceFile } from './source';
import { eachLimited } from '../concurrency';
import { ArtifactStore, expectedEtag } from './store';
import {
  isManifest,
  isPointer,
  listVersions,
  moveCurrent,
  short
} from './versions';

export interface PublishOptions {
  signal?: AbortSignal;
  progress?: (update: Partial<TaskProgress>) => void;
}

export interface PublishDeps {
  settings: Settings;
  env: Env;
  git: GitService;
  /** A new store per operation (tests inject one that goes through a proxy). */
  store?: () => ArtifactStore;
  /** Uploads at once. */
  concurrency?: number;
}

const UPLOAD_CONCURRENCY = 10;

function whereIs(d: LintDiagnostic): string {
  return `${d.file}${d.cell === null ? '' : ` cell ${d.cell + 1}`} line ${d.line}`;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw new ArcadeError(
      'cancelled',
      'the publish was cancelled; no version was made current'
    );
  }
}

/** Commit & Publish: the committed ETL assets of one commit become an immutable version on S3. */
export class PublishService {
  readonly #deps: PublishDeps;

  constructor(deps: PublishDeps) {
    this.#deps = deps;
  }

  #store(): ArtifactStore {
    return (
      this.#deps.store?.() ??
      new ArtifactStore(this.#deps.settings.s3, {
        concurrency: this.#deps.concurrency,
        env: this.#deps.env
      })
    );
  }

  #layout(repoDir: string): Layout {
    const { publish, s3 } = this.#deps.settings;
    return {
      bucket: s3.artifactBucket,
      prefix: publish.prefix,
      project:
        publish.project ??
        path.basename(repoDir).replace(/[^A-Za-z0-9._-]/g, '-')
    };
  }

  async #resolve(repo: Repo, ref: string): Promise<string> {
    try {
      return await resolveCommit(repo, ref);
    } catch {
      throw new ArcadeError(
        'not_found',
        `no commit or branch ${JSON.stringify(ref)} in this repository`,
        {
          hint: 'give a branch name, a commit SHA, or leave it out for HEAD'
        }
      );
    }
  }

  /** Refuses unless the commit is on origin; with consent, pushes the branch first. */
  async #ensureOnRemote(
    repoName: string,
    dir: string,
    commit: string,
    push: boolean,
    signal?: AbortSignal
  ): Promise<void> {
    const repo = await this.#deps.git.repo(repoName);
    const branch = await currentBranch(repo);
    const remoteRefs = await git.listBranches({ fs, dir, remote: 'origin' });
    for (const name of remoteRefs) {
      const oid = await git
        .resolveRef({ fs, dir, ref: `refs/remotes/origin/${name}` })
        .catch(() => null);
      if (
        oid === commit ||
        (oid !== null &&
          (await git.isDescendent({
            fs,
            dir,
            oid,
            ancestor: commit,
            depth: -1,
            cache: repo.cache.git
          })))
      ) {
        return;
      }
    }
    const head = await git
      .resolveRef({ fs, dir, ref: 'HEAD' })
      .catch(() => null);
    if (push && branch !== null && head === commit) {
      await this.#deps.git.push(repoName, { signal });
      return;
    }
    throw new ArcadeError(
      'refused',
      `commit ${short(commit)} is not on the remote yet, so a run could not be traced to it`,
      {
        hint:
          branch === null
            ? 'push it first'
            : `push ${branch} first, or publish with push consent (arcade publish --push)`
      }
    );
  }

  async publish(
    request: PublishRequest,
    options: PublishOptions = {}
  ): Promise<PublishResponse> {
    const progress = options.progress ?? (() => undefined);
    const repo = await this.#deps.git.repo(request.repo);
    const ref = request.ref ?? 'HEAD';
    progress({
      phase: 'Checking the commit',
      unit: 'steps',
      done: 0,
      total: null
    });
    const commit = await this.#resolve(repo, ref);
    const { settings } = this.#deps;
    const layout = this.#layout(repo.dir);
    if (request.ref === undefined) {
      const isAsset = assetMatcher(settings.publish.globs);
      const uncommitted = (await changedFiles(repo.dir, repo.cache)).filter(
        f => isAsset(f.path) || f.staged !== null
      );
      if (uncommitted.length > 0) {
        const names = uncommitted.map(f => f.path);
        throw new ArcadeError(
          'refused',
          `uncommitted changes in ${names.slice(0, 10).join(', ')}${names.length > 10 ? ` and ${names.length - 10} more` : ''}`,
          {
            hint: 'commit them first (publish sends exactly what is committed), or discard them'
          }
        );
      }
    }
    const assets = await commitAssets(repo, commit, {
      globs: settings.publish.globs,
      environments: settings.environments
    });
    const errors = assets.diagnostics.filter(d => d.severity === 'error');
    if (errors.length > 0) {
      const first = errors
        .slice(0, 3)
        .map(d => `${whereIs(d)}: ${d.message}`)
        .join('; ');
      throw new ArcadeError(
        'refused',
        `${errors.length} lint error${errors.length === 1 ? '' : 's'} for ${settings.environments.join(', ')}: ${first}`,
        {
          hint: 'fix them in the notebook (the Problems panel links each cell), commit, and publish again'
        }
      );
    }
    const store = this.#store();
    const location = store.location(versionPrefix(layout, commit));
    const manifestFiles = assets.files.map(file => ({
      path: file.path,
      size: file.size,
      sha256: file.sha256,
      kind: file.kind
    }));
    const base = {
      version: commit,
      commit,
      location,
      files: manifestFiles,
      lint: assets.lint
    };
    if (request.dryRun === true) {
      store.destroy();
      return {
        ...base,
        uploadedFiles: 0,
        uploadedBytes: 0,
        skippedFiles: 0,
        current: false,
        published: false
      };
    }
    await this.#ensureOnRemote(
      repo.name,
      repo.dir,
      commit,
      request.push === true,
      options.signal
    );
    try {
      const existing = await store.getJson(
        manifestKey(layout, commit),
        options.signal
      );
      let uploadedFiles = 0;
      let uploadedBytes = 0;
      let skippedFiles = assets.files.length;
      if (existing === null) {
        ({ uploadedFiles, uploadedBytes, skippedFiles } = await this.#upload(
          store,
          layout,
          commit,
          assets.files,
          options
        ));
        const manifest = await this.#manifest(
          repo,
          layout,
          commit,
          manifestFiles,
          assets.lint
        );
        throwIfAborted(options.signal);
        progress({ phase: 'Writing the manifest' });
        await store
          .put(
            manifestKey(layout, commit),
            new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
            {
              contentType: 'application/json',
              ifNoneMatch: true,
              signal: options.signal
            }
          )
          .catch((error: unknown) => {
            // Another publisher completed the same version first: same files, same commit.
            if (!(error instanceof ArcadeError && error.code === 'conflict')) {
              throw error;
            }
          });
      }
      throwIfAborted(options.signal);
      progress({ phase: 'Making it current' });
      await moveCurrent(store, layout, commit, { user: this.#user() });
      return {
        ...base,
        uploadedFiles,
        uploadedBytes,
        skippedFiles,
        current: true,
        published: true
      };
    } finally {
      store.destroy();
    }
  }

  async #upload(
    store: ArtifactStore,
    layout: Layout,
    commit: string,
    files: SourceFile[],
    options: PublishOptions
  ): Promise<{
    uploadedFiles: number;
    uploadedBytes: number;
    skippedFiles: number;
  }> {
    const progress = options.progress ?? (() => undefined);
    const prefix = versionPrefix(layout, commit);
    const keys = new Map(
      files.map(file => [objectKey(layout, commit, file.path), file])
    );
    // What an interrupted publish of this commit already sent.
    const present = new Map((await store.list(prefix)).map(o => [o.key, o]));
    const missing = [...keys].filter(([key, file]) => {
      const there = present.get(key);
      return (
        there === undefined ||
        there.size !== file.size ||
        there.etag !== expectedEtag(file.content)
      );
    });
    const totalBytes = missing.reduce((sum, [, file]) => sum + file.size, 0);
    let uploadedFiles = 0;
    let uploadedBytes = 0;
    progress({
      phase: 'Uploading',
      unit: 'files',
      done: 0,
      total: missing.length,
      bytes: 0,
      totalBytes
    });
    await eachLimited(
      missing,
      this.#deps.concurrency ?? UPLOAD_CONCURRENCY,
      async ([key, file]) => {
        throwIfAborted(options.signal);
        await store.put(key, file.content, {
          sha256: file.sha256,
          contentType: file.path.endsWith('.sql')
            ? 'text/plain; charset=utf-8'
            : 'application/json',
          signal: options.signal
        });
        uploadedFiles += 1;
        uploadedBytes += file.size;
        progress({ done: uploadedFiles, bytes: uploadedBytes });
      }
    );
    return {
      uploadedFiles,
      uploadedBytes,
      skippedFiles: files.length - missing.length
    };
  }

  async #manifest(
    repo: { dir: string; name: string; cache: { git: object } },
    layout: Layout,
    commit: string,
    files: Manifest['files'],
    lint: Manifest['lint']
  ): Promise<Manifest> {
    const { commit: info } = await git.readCommit({
      fs,
      dir: repo.dir,
      oid: commit,
      cache: repo.cache.git
    });
    const status = await this.#deps.git.status(repo.name);
    return {
      schemaVersion: 1,
      project: layout.project,
      version: commit,
      commit,
      parent: info.parent[0] ?? null,
      author: { name: info.author.name, email: info.author.email },
      time: new Date(info.author.timestamp * 1000).toISOString(),
      message: info.message,
      branch: status.head === commit ? status.branch : null,
      remote: status.remote,
      publishedAt: new Date().toISOString(),
      publishedBy: this.#user(),
      lint,
      files
    };
  }

  #user(): string {
    const env = this.#deps.env;
    return env.JUPYTERHUB_USER ?? env.USER ?? 'arcade';
  }

  async versions(repoName?: unknown): Promise<VersionsResponse> {
    const repo = await this.#deps.git.repo(repoName);
    const store = this.#store();
    try {
      return await listVersions(store, this.#layout(repo.dir));
    } finally {
      store.destroy();
    }
  }

  /**
   * A complete published version (the current one when none is named): its
   * layout and manifest, for runs that pin it.
   */
  async pinned(
    repoName: unknown,
    version?: string
  ): Promise<{ layout: Layout; manifest: Manifest }> {
    const repo = await this.#deps.git.repo(repoName);
    const layout = this.#layout(repo.dir);
    const store = this.#store();
    try {
      let wanted = version;
      if (wanted === undefined) {
        const current = await store.getJson(currentKey(layout));
        if (current === null || !isPointer(current.value)) {
          throw new ArcadeError(
            'not_found',
            `nothing of ${layout.project} is published yet`,
            { hint: 'publish first: arcade publish (or Commit & Publish)' }
          );
        }
        wanted = current.value.version;
      }
      const manifest = await store.getJson(manifestKey(layout, wanted));
      if (manifest === null || !isManifest(manifest.value)) {
        throw new ArcadeError(
          'not_found',
          `${short(wanted)} is not a complete published version of ${layout.project}`,
          {
            hint: 'publish that commit first, or pick one from "arcade versions"'
          }
        );
      }
      return { layout, manifest: manifest.value };
    } finally {
      store.destroy();
    }
  }

  /** Roll back or forward: current.json to another complete version. */
  async setCurrent(
    repoName: unknown,
    version: string,
    expected?: string | null
  ): Promise<SetCurrentResponse> {
    const repo = await this.#deps.git.repo(repoName);
    const layout = this.#layout(repo.dir);
    const store = this.#store();
    try {
      const manifest = await store.getJson(manifestKey(layout, version));
      if (manifest === null || !isManifest(manifest.value)) {
        throw new ArcadeError(
          'not_found',
          `${short(version)} is not a complete published version`,
          {
            hint: 'pick one from "arcade versions"'
          }
        );
      }
      return await moveCurrent(store, layout, version, {
        expected,
        user: this.#user()
      });
    } finally {
      store.destroy();
    }
  }
}
