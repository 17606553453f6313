import {
  linkSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readPid, spawnDetached, writePid } from '../../src/processes';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'arcade-proc-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('pid files', () => {
  it('are created 0600 and read back', async () => {
    const file = path.join(dir, 'run', 'git.pid');
    await writePid(file, 4242);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await readPid(file)).toBe(4242);
  });

  it('replace an existing 0644 file rather than writing into it', async () => {
    const file = path.join(dir, 'minio.pid');
    writeFileSync(file, '1\n', { mode: 0o644 });
    linkSync(file, path.join(dir, 'other'));
    await writePid(file, 77);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('77\n');
    expect(readFileSync(path.join(dir, 'other'), 'utf8')).toBe('1\n');
  });
});

describe('logs of detached processes', () => {
  it('are private, also when an earlier run left one readable by others', async () => {
    const fresh = path.join(dir, 'fresh.log');
    const old = path.join(dir, 'old.log');
    writeFileSync(old, 'earlier\n', { mode: 0o644 });
    for (const log of [fresh, old]) {
      await spawnDetached('true', [], { PATH: process.env.PATH }, log);
      expect(statSync(log).mode & 0o777).toBe(0o600);
    }
    expect(readFileSync(old, 'utf8')).toBe('earlier\n');
  });
});
