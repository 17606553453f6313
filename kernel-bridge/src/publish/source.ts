import {
  ArcadeError,
  compileNotebook,
  isArcNotebookText,
  lintNotebook,
  type LintDiagnostic,
  type LintSummary,
  type ManifestFile
} from 'arcade-engine';
import git from 'isomorphic-git';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import nodePath from 'node:path';
import { inflateSync } from 'node:zlib';
import { eachLimited } from '../concurrency';
import { commitTree } from '../git/worktree';
import type { Repo } from '../git/local';
import { gitError } from '../git/errors';
import { assetMatcher, jobPath, kindOf } from './keys';

export interface SourceFile extends ManifestFile {
  content: Uint8Array;
}

export interface CommitAssets {
  files: SourceFile[];
  lint: LintSummary;
  /** Errors and warnings, with their notebook, cell and line. */
  diagnostics: LintDiagnostic[];
}

/** Blobs read at once. */
const READ_CONCURRENCY = 8;

/**
 * A blob's content. A loose object is inflated with Node's zlib and checked
 * against its id (much faster than the library's inflate for large files);
 * a packed one is read by isomorphic-git.
 */
export async function readBlob(repo: Repo, oid: string): Promise<Uint8Array> {
  const file = nodePath.join(
    repo.dir,
    '.git',
    'objects',
    oid.slice(0, 2),
    oid.slice(2)
  );
  let raw: Buffer | null = null;
  try {
    raw = inflateSync(await readFile(file));
  } catch {
    raw = null;
  }
  if (raw !== null) {
    const nul = raw.indexOf(0);
    const id = createHash('sha1').update(raw).digest('hex');
    if (raw.toString('latin1', 0, 5) === 'blob ' && id === oid) {
      return raw.subarray(nul + 1);
    }
    throw new ArcadeError('internal', `git object ${oid} is corrupt`, {
      hint: 'run "git fsck" in the repository'
    });
  }
  const { blob } = await git.readBlob({
    fs,
    dir: repo.dir,
    oid,
    cache: repo.cache.git
  });
  return blob;
}

function sha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

function sourceFile(path: string, content: Uint8Array): SourceFile {
  return {
    path,
    size: content.byteLength,
    sha256: sha256(content),
    kind: kindOf(path),
    content
  };
}

/**
 * The assets of one commit, read from git objects (never the working
 * tree): the files the globs select, each Arc notebook linted for the
 * target environments, and its compiled job added beside it.
 */
export async function commitAssets(
  repo: Repo,
  commit: string,
  options: { globs: readonly string[]; environments: readonly string[] }
): Promise<CommitAssets> {
  const selected = assetMatcher(options.globs);
  let tree: Map<string, { oid: string; mode: number }>;
  try {
    tree = await commitTree(repo.dir, repo.cache, commit);
  } catch (error) {
    throw gitError(error, {
      action: `list the files of ${commit.slice(0, 7)}`
    });
  }
  const paths = [...tree.entries()]
    .filter(([file, entry]) => selected(file) && entry.mode !== 0o160000)
    .map(([file]) => file)
    .sort();
  const blobs = new Map<string, Uint8Array>();
  await eachLimited(paths, READ_CONCURRENCY, async file => {
    blobs.set(file, await readBlob(repo, tree.get(file)?.oid ?? ''));
  });
  const files: SourceFile[] = [];
  const diagnostics: LintDiagnostic[] = [];
  let notebooks = 0;
  const decoder = new TextDecoder();
  for (const path of paths) {
    const blob = blobs.get(path) ?? new Uint8Array();
    files.push(sourceFile(path, blob));
    if (!path.endsWith('.ipynb')) {
      continue;
    }
    const text = decoder.decode(blob);
    if (!isArcNotebookText(text)) {
      continue;
    }
    notebooks += 1;
    diagnostics.push(
      ...lintNotebook(text, { file: path, environments: options.environments })
    );
    try {
      const compiled = compileNotebook(text, { file: path });
      const job = new TextEncoder().encode(
        `${JSON.stringify(compiled.job, null, 2)}\n`
      );
      files.push(sourceFile(jobPath(path), job));
    } catch {
      // Lint reports why it does not compile; publishing stops on that error.
    }
  }
  const errors = diagnostics.filter(d => d.severity === 'error').length;
  return {
    files: files.sort((a, b) => (a.path < b.path ? -1 : 1)),
    diagnostics: diagnostics.filter(
      d => d.severity === 'error' || d.severity === 'warning'
    ),
    lint: {
      notebooks,
      errors,
      warnings: diagnostics.filter(d => d.severity === 'warning').length,
      environments: [...options.environments]
    }
  };
}
