import type {
  GitFileStatus,
  StagedChange,
  UnstagedChange
} from 'arcade-engine';
import ignore, { type Ignore } from 'ignore';
import git from 'isomorphic-git';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseIndex, type IndexEntry } from './gitIndex';

/** What a status needs to keep between calls: HEAD's flattened tree, by tree id. */
export interface WorktreeCache {
  git: object;
  headTree?: { oid: string; files: Map<string, { oid: string; mode: number }> };
}

const GITLINK = 0o160000;
const SYMLINK = 0o120000;

async function flattenTree(
  dir: string,
  cache: WorktreeCache,
  oid: string,
  prefix: string,
  into: Map<string, { oid: string; mode: number }>
): Promise<void> {
  const { tree } = await git.readTree({ fs, dir, oid, cache: cache.git });
  await Promise.all(
    tree.map(async entry => {
      const file = prefix === '' ? entry.path : `${prefix}/${entry.path}`;
      if (entry.type === 'tree') {
        await flattenTree(dir, cache, entry.oid, file, into);
      } else {
        into.set(file, { oid: entry.oid, mode: parseInt(entry.mode, 8) });
      }
    })
  );
}

/** A commit's files (path to blob id and mode), reading each tree object once. */
export async function commitTree(
  dir: string,
  cache: WorktreeCache,
  commit: string
): Promise<Map<string, { oid: string; mode: number }>> {
  const { commit: info } = await git.readCommit({
    fs,
    dir,
    oid: commit,
    cache: cache.git
  });
  if (cache.headTree?.oid === info.tree) {
    return cache.headTree.files;
  }
  const files = new Map<string, { oid: string; mode: number }>();
  await flattenTree(dir, cache, info.tree, '', files);
  return files;
}

/** HEAD's files with their blob ids, read once per HEAD tree. */
async function headFiles(
  dir: string,
  cache: WorktreeCache
): Promise<Map<string, { oid: string; mode: number }>> {
  let commit: string;
  try {
    commit = await git.resolveRef({ fs, dir, ref: 'HEAD' });
  } catch {
    return new Map(); // no commit yet
  }
  const { commit: info } = await git.readCommit({
    fs,
    dir,
    oid: commit,
    cache: cache.git
  });
  if (cache.headTree?.oid !== info.tree) {
    const files = new Map<string, { oid: string; mode: number }>();
    await flattenTree(dir, cache, info.tree, '', files);
    cache.headTree = { oid: info.tree, files };
  }
  return cache.headTree.files;
}

function readIndex(dir: string): {
  entries: IndexEntry[];
  mtimeSeconds: number;
} {
  const file = path.join(dir, '.git', 'index');
  let buf: Buffer;
  let stat: fs.Stats;
  try {
    buf = fs.readFileSync(file);
    stat = fs.statSync(file);
  } catch {
    return { entries: [], mtimeSeconds: 0 };
  }
  return {
    entries: parseIndex(buf),
    mtimeSeconds: Math.floor(stat.mtimeMs / 1000)
  };
}

function blobOid(content: Buffer): string {
  return createHash('sha1')
    .update(`blob ${content.byteLength}\0`)
    .update(content)
    .digest('hex');
}

function worktreeMode(stat: fs.Stats): number {
  if (stat.isSymbolicLink()) {
    return SYMLINK;
  }
  return stat.mode & 0o111 ? 0o100755 : 0o100644;
}

/** The working-tree file's blob id, hashing only when its stat data differ from the index's. */
function sameAsIndex(
  dir: string,
  entry: IndexEntry,
  stat: fs.Stats,
  indexMtime: number
): boolean {
  if (worktreeMode(stat) !== entry.mode) {
    return false;
  }
  const mtimeSeconds = Math.floor(stat.mtimeMs / 1000);
  const statMatches =
    stat.size === entry.size &&
    mtimeSeconds === entry.mtimeSeconds &&
    Math.floor(stat.ctimeMs / 1000) === entry.ctimeSeconds &&
    (entry.ino === 0 || stat.ino % 2 ** 32 === entry.ino);
  // A file changed in the same second the index was written may look unchanged ("racy git"): hash it.
  if (statMatches && mtimeSeconds < indexMtime) {
    return true;
  }
  if (stat.size !== entry.size && !stat.isSymbolicLink()) {
    return false;
  }
  const file = path.join(dir, entry.path);
  const content = stat.isSymbolicLink()
    ? Buffer.from(fs.readlinkSync(file))
    : fs.readFileSync(file);
  return blobOid(content) === entry.oid;
}

interface IgnoreLevel {
  base: string;
  rules: Ignore;
}

function ignoreRules(file: string): Ignore | null {
  try {
    return ignore().add(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function isIgnored(
  levels: IgnoreLevel[],
  relative: string,
  isDir: boolean
): boolean {
  for (const level of levels) {
    const sub =
      level.base === '' ? relative : relative.slice(level.base.length + 1);
    if (level.rules.ignores(isDir ? `${sub}/` : sub)) {
      return true;
    }
  }
  return false;
}

/** Files in the working tree that the index does not track and .gitignore does not hide. */
function untracked(
  dir: string,
  tracked: Set<string>,
  trackedDirs: Set<string>
): string[] {
  const found: string[] = [];
  const root: IgnoreLevel[] = [];
  const exclude = ignoreRules(path.join(dir, '.git', 'info', 'exclude'));
  if (exclude !== null) {
    root.push({ base: '', rules: exclude });
  }
  const visit = (relative: string, levels: IgnoreLevel[]): void => {
    const absolute = relative === '' ? dir : path.join(dir, relative);
    const own = ignoreRules(path.join(absolute, '.gitignore'));
    const here =
      own === null ? levels : [...levels, { base: relative, rules: own }];
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absolute, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (relative === '' && entry.name === '.git') {
        continue;
      }
      const file = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (trackedDirs.has(file) || !isIgnored(here, file, true)) {
          visit(file, here);
        }
      } else if (!tracked.has(file) && !isIgnored(here, file, false)) {
        found.push(file);
      }
    }
  };
  visit('', root);
  return found;
}

function parents(file: string, into: Set<string>): void {
  for (
    let slash = file.indexOf('/');
    slash >= 0;
    slash = file.indexOf('/', slash + 1)
  ) {
    into.add(file.slice(0, slash));
  }
}

/**
 * Every changed, staged, untracked or unmerged file, as `git status` sees
 * them: HEAD (read once per tree) against the index, the index against the
 * working tree (stat data first, content hashed only when they differ), and
 * the untracked files .gitignore does not hide.
 */
export async function worktreeStatus(
  dir: string,
  cache: WorktreeCache
): Promise<GitFileStatus[]> {
  const head = await headFiles(dir, cache);
  const { entries, mtimeSeconds: indexMtime } = readIndex(dir);
  const byPath = new Map<string, GitFileStatus>();
  const tracked = new Set<string>();
  const trackedDirs = new Set<string>();
  const status = (file: string): GitFileStatus => {
    let found = byPath.get(file);
    if (found === undefined) {
      found = { path: file, staged: null, unstaged: null, conflicted: false };
      byPath.set(file, found);
    }
    return found;
  };
  for (const entry of entries) {
    tracked.add(entry.path);
    parents(entry.path, trackedDirs);
    if (entry.stage > 0) {
      status(entry.path).conflicted = true;
      continue;
    }
    const inHead = head.get(entry.path);
    let staged: StagedChange | null = null;
    if (inHead === undefined) {
      staged = 'added';
    } else if (inHead.oid !== entry.oid || inHead.mode !== entry.mode) {
      staged = 'modified';
    }
    let unstaged: UnstagedChange | null = null;
    if (entry.mode !== GITLINK && !entry.skipWorktree) {
      let stat: fs.Stats | null;
      try {
        stat = fs.lstatSync(path.join(dir, entry.path));
      } catch {
        stat = null;
      }
      if (stat === null || stat.isDirectory()) {
        unstaged = 'deleted';
      } else if (!sameAsIndex(dir, entry, stat, indexMtime)) {
        unstaged = 'modified';
      }
    }
    if (staged !== null || unstaged !== null) {
      Object.assign(status(entry.path), { staged, unstaged });
    }
  }
  for (const file of head.keys()) {
    if (!tracked.has(file)) {
      // Removed from the index: staged as deleted; if the file is still there it is also untracked.
      status(file).staged = 'deleted';
    }
  }
  for (const file of untracked(dir, tracked, trackedDirs)) {
    status(file).unstaged = 'untracked';
  }
  return [...byPath.values()]
    .filter(f => f.conflicted || f.staged !== null || f.unstaged !== null)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
