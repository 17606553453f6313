import type { GitFileStatus } from 'arcade-engine';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseIndex } from '../../src/git/gitIndex';
import { changedFiles, RepoCache } from '../../src/git/status';
import { run } from './helpers';

let dir: string;

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'T',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 'T',
  GIT_COMMITTER_EMAIL: 't@example.com'
};

async function git(...args: string[]): Promise<string> {
  const result = await run('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd: dir,
    env
  });
  if (result.code !== 0 && args[0] !== 'merge') {
    throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  }
  return result.stdout;
}

const UNMERGED = new Set(['DD', 'AU', 'UD', 'UA', 'DU', 'AA', 'UU']);

/** Real git's view (`status --porcelain -z --no-renames`) in Arcade's shape: the oracle. */
async function gitsView(): Promise<GitFileStatus[]> {
  const out = await git(
    'status',
    '--porcelain=v1',
    '-z',
    '--no-renames',
    '--untracked-files=all'
  );
  const byPath = new Map<string, GitFileStatus>();
  for (const record of out.split('\0').filter(r => r !== '')) {
    const xy = record.slice(0, 2);
    const file = record.slice(3);
    const entry = byPath.get(file) ?? {
      path: file,
      staged: null,
      unstaged: null,
      conflicted: false
    };
    if (UNMERGED.has(xy)) {
      entry.conflicted = true;
    } else if (xy === '??') {
      entry.unstaged = 'untracked';
    } else {
      const [x, y] = [xy[0], xy[1]];
      entry.staged =
        x === 'A'
          ? 'added'
          : x === 'D'
            ? 'deleted'
            : x === 'M' || x === 'T'
              ? 'modified'
              : entry.staged;
      entry.unstaged =
        y === 'D'
          ? 'deleted'
          : y === 'M' || y === 'T'
            ? 'modified'
            : entry.unstaged;
    }
    byPath.set(file, entry);
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}

/** Waits past the index's second, so stat data alone decide (git does the same). */
const nextSecond = (): Promise<void> =>
  new Promise(resolve => setTimeout(resolve, 1100));

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'arcade-status-'));
  await git('init', '-q', '-b', 'main');
  write('a.sql', 'SELECT 1\n');
  write('b.sql', 'SELECT 2\n');
  write('nested/c.json', '{}\n');
  write('nested/deep/d.ipynb', '{"cells": []}\n');
  write('run.sh', 'echo hi\n');
  write('.gitignore', '*.log\nbuild/\n');
  await git('add', '-A');
  await git('commit', '-qm', 'one');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('status from the index, HEAD and the working tree, against real git status', () => {
  it('sees every kind of change as git does', async () => {
    const cache = new RepoCache();
    expect(await changedFiles(dir, cache)).toEqual([]);
    await nextSecond();
    write('a.sql', 'SELECT 10\n'); // unstaged modified
    write('b.sql', 'SELECT 20\n');
    await git('add', 'b.sql'); // staged modified
    write('b.sql', 'SELECT 200\n'); // ...and modified again
    unlinkSync(path.join(dir, 'nested/c.json')); // unstaged deleted
    await git('rm', '-q', '--cached', 'nested/deep/d.ipynb'); // staged deleted, still there: untracked
    write('new/e.sql', 'SELECT 5\n'); // untracked in a new folder
    write('new/f.sql', 'SELECT 6\n');
    await git('add', 'new/f.sql'); // staged added
    write('debug.log', 'x\n'); // ignored
    write('build/out.json', '{}\n'); // ignored folder
    write('nested/.gitignore', 'secret.txt\n');
    write('nested/secret.txt', 'no\n'); // ignored by a nested .gitignore
    chmodSync(path.join(dir, 'run.sh'), 0o755); // mode change
    symlinkSync('a.sql', path.join(dir, 'link.sql')); // untracked symlink
    const ours = await changedFiles(dir, cache);
    expect(ours).toEqual(await gitsView());
    expect(ours.map(f => f.path)).toEqual(
      [
        'a.sql',
        'b.sql',
        'nested/.gitignore',
        'nested/c.json',
        'nested/deep/d.ipynb',
        'new/e.sql',
        'new/f.sql',
        'run.sh',
        'link.sql'
      ].sort()
    );
  });

  it('notices a same-size edit made within the same second as the index (racy git)', async () => {
    const cache = new RepoCache();
    write('a.sql', 'SELECT 9\n'); // same size as "SELECT 1\n"
    expect(await changedFiles(dir, cache)).toEqual(await gitsView());
    expect((await changedFiles(dir, cache)).map(f => f.path)).toEqual([
      'a.sql'
    ]);
  });

  it('reports unmerged paths of a conflicted merge', async () => {
    await git('checkout', '-q', '-b', 'other');
    write('a.sql', 'SELECT "other"\n');
    await git('commit', '-qam', 'other');
    await git('checkout', '-q', 'main');
    write('a.sql', 'SELECT "main"\n');
    await git('commit', '-qam', 'main');
    await git('merge', '-q', 'other');
    const ours = await changedFiles(dir, new RepoCache());
    expect(ours).toEqual(await gitsView());
    expect(ours.filter(f => f.conflicted).map(f => f.path)).toEqual(['a.sql']);
  });

  it.each([2, 3, 4])(
    'reads index version %i as git wrote it',
    async version => {
      await git('update-index', `--index-version=${version}`);
      await git('update-index', '--skip-worktree', 'b.sql');
      const entries = parseIndex(readFileSync(path.join(dir, '.git', 'index')));
      const listed = (await git('ls-files', '-s')).trim().split('\n');
      expect(
        entries.map(e => `${e.mode.toString(8)} ${e.oid} ${e.stage}\t${e.path}`)
      ).toEqual(listed);
      // Git writes version 3 at least once an entry has extended flags.
      expect(entries.find(e => e.path === 'b.sql')?.skipWorktree).toBe(true);
      expect(await changedFiles(dir, new RepoCache())).toEqual(
        await gitsView()
      );
    }
  );

  it('agrees with git through 40 random edits, stages and commits', async () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const cache = new RepoCache();
    const files = [
      'a.sql',
      'b.sql',
      'nested/c.json',
      'x/y.sql',
      'x/z.sql',
      'w.conf'
    ];
    for (let step = 0; step < 40; step++) {
      const file = files[Math.floor(random() * files.length)] ?? 'a.sql';
      const action = random();
      if (action < 0.4) {
        write(file, `SELECT ${step}${'0'.repeat(Math.floor(random() * 3))}\n`);
      } else if (action < 0.55) {
        rmSync(path.join(dir, file), { force: true });
      } else if (action < 0.8) {
        await git('add', '-A', '--ignore-missing', '--', file).catch(() => '');
      } else if (action < 0.9) {
        await git('commit', '-qm', `step ${step}`, '--allow-empty');
      } else {
        await git('reset', '-q', '--', file).catch(() => '');
      }
      expect([step, await changedFiles(dir, cache)]).toEqual([
        step,
        await gitsView()
      ]);
    }
  }, 120000);
});
