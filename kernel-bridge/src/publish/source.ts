import {
  compileNotebook,
  isArcKernelspec,
  isRecord,
  lintNotebook,
  type LintDiagnostic,
  type LintSummary,
  type ManifestFile
} from 'arcade-engine';
import git from 'isomorphic-git';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
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

function isArcNotebookText(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return (
      isRecord(parsed) &&
      isRecord(parsed.metadata) &&
      isArcKernelspec(parsed.metadata.kernelspec)
    );
  } catch {
    return false;
  }
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
  let paths: string[];
  try {
    paths = (
      await git.listFiles({
        fs,
        dir: repo.dir,
        ref: commit,
        cache: repo.cache.git
      })
    ).filter(selected);
  } catch (error) {
    throw gitError(error, {
      action: `list the files of ${commit.slice(0, 7)}`
    });
  }
  const files: SourceFile[] = [];
  const diagnostics: LintDiagnostic[] = [];
  let notebooks = 0;
  const decoder = new TextDecoder();
  for (const path of paths.sort()) {
    const { blob } = await git.readBlob({
      fs,
      dir: repo.dir,
      oid: commit,
      filepath: path,
      cache: repo.cache.git
    });
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
