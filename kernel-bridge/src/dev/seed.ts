import { cp, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runGit } from './git';

export const DEFAULT_BRANCH = 'main';

export interface SeedResult {
  /** False when the sample workspace was missing and a README stood in. */
  fromSample: boolean;
  files: number;
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

const PLACEHOLDER_README = `# Arcade workspace

This repository was created by \`arcade dev up\` without a sample workspace.
Add Arc notebooks and SQL files here, commit and push.
`;

/**
 * Creates the bare repository and gives it a first commit with the sample
 * workspace, made the ordinary way: clone, copy, commit, push.
 */
export async function seedWorkspaceRepo(
  bareRepo: string,
  sampleDir: string
): Promise<SeedResult> {
  await runGit(
    [
      'init',
      '--bare',
      '--quiet',
      `--initial-branch=${DEFAULT_BRANCH}`,
      bareRepo
    ],
    path.dirname(bareRepo)
  );
  await runGit(['config', 'http.receivepack', 'true'], bareRepo);
  const work = await mkdtemp(path.join(tmpdir(), 'arcade-seed-'));
  try {
    const clone = path.join(work, 'workspace');
    await runGit(['clone', '--quiet', bareRepo, clone], work);
    const fromSample = await isDirectory(sampleDir);
    if (fromSample) {
      await cp(sampleDir, clone, {
        recursive: true,
        filter: source => path.basename(source) !== '.git'
      });
    } else {
      await writeFile(path.join(clone, 'README.md'), PLACEHOLDER_README);
    }
    await runGit(['add', '--all'], clone);
    const files = (await runGit(['ls-files'], clone))
      .split('\n')
      .filter(line => line !== '').length;
    await runGit(
      [
        '-c',
        'commit.gpgsign=false',
        'commit',
        '--quiet',
        '--allow-empty',
        '-m',
        fromSample
          ? 'Sample workspace'
          : 'Empty workspace (no sample workspace found)'
      ],
      clone
    );
    await runGit(
      ['push', '--quiet', 'origin', `HEAD:${DEFAULT_BRANCH}`],
      clone
    );
    return { fromSample, files };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** True when the bare repository already exists (never reseed it). */
export async function repoExists(bareRepo: string): Promise<boolean> {
  try {
    const entries = await readdir(bareRepo);
    return entries.includes('HEAD');
  } catch {
    return false;
  }
}
