import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { minioArgs, resolveMinioBinary } from '../../src/dev/minio';
import { findRepoRoot } from '../../src/repoRoot';
import { ArcadeError } from 'arcade-engine';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'arcade-minio-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function fakeBinary(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
}

describe('resolveMinioBinary', () => {
  it('prefers ARCADE_MINIO_BIN, then <repo>/.cache/bin, then PATH', () => {
    const explicit = fakeBinary(path.join(dir, 'explicit', 'minio'));
    const cached = fakeBinary(path.join(dir, 'repo', '.cache', 'bin', 'minio'));
    const onPath = fakeBinary(path.join(dir, 'path', 'minio'));
    const pathEnv = path.join(dir, 'path');
    const repo = path.join(dir, 'repo');
    expect(
      resolveMinioBinary({ ARCADE_MINIO_BIN: explicit, PATH: pathEnv }, repo)
    ).toBe(explicit);
    expect(resolveMinioBinary({ PATH: pathEnv }, repo)).toBe(cached);
    expect(resolveMinioBinary({ PATH: pathEnv }, null)).toBe(onPath);
  });

  it('says how to get MinIO when there is none', () => {
    let caught: unknown;
    try {
      resolveMinioBinary({ PATH: dir }, null);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ArcadeError);
    expect((caught as ArcadeError).toCliLine()).toMatch(
      /no minio binary found — .*ARCADE_MINIO_BIN/
    );
  });

  it('refuses an ARCADE_MINIO_BIN that is not executable', () => {
    expect(() =>
      resolveMinioBinary({ ARCADE_MINIO_BIN: path.join(dir, 'nope') }, null)
    ).toThrow(/not an executable/);
  });
});

it('binds MinIO and its console to 127.0.0.1 only', () => {
  expect(minioArgs('/d', 9010)).toEqual([
    'server',
    '/d',
    '--address',
    '127.0.0.1:9010',
    '--console-address',
    '127.0.0.1:9011'
  ]);
});

it('finds the repository root above the kernel-bridge package', () => {
  expect(findRepoRoot(__dirname)).toBe(
    path.resolve(__dirname, '..', '..', '..')
  );
  expect(findRepoRoot(dir)).toBeNull();
});
