import {
  linkSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ensureCredentials,
  ensureGitCredentials,
  formatAwsCredentials,
  generateCredentials,
  generateGitCredentials,
  parseGitCredentials,
  parseRootCredentials,
  readGitCredentials
} from '../../src/dev/credentials';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'arcade-creds-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('S3 credentials of the dev stack', () => {
  it('generates a different random secret each time', () => {
    const a = generateCredentials();
    const b = generateCredentials();
    expect(a.secretAccessKey.reveal()).not.toBe(b.secretAccessKey.reveal());
    expect(a.secretAccessKey.reveal().length).toBeGreaterThanOrEqual(32);
    expect(JSON.stringify(a)).not.toContain(a.secretAccessKey.reveal());
  });

  it('writes an AWS shared-credentials profile named arcade-local', () => {
    const credentials = generateCredentials();
    expect(formatAwsCredentials(credentials)).toBe(
      `[arcade-local]\naws_access_key_id = ${credentials.accessKeyId}\n` +
        `aws_secret_access_key = ${credentials.secretAccessKey.reveal()}\n`
    );
  });

  it('rejects a root credentials file without a password', () => {
    expect(parseRootCredentials('MINIO_ROOT_USER=x\n')).toBeNull();
  });

  it('stores both files 0600 and reuses them on the next start', async () => {
    const root = path.join(dir, 's3', 'credentials');
    const aws = path.join(dir, 'aws-credentials');
    const first = await ensureCredentials(root, aws);
    for (const file of [root, aws]) {
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
    expect(readFileSync(root, 'utf8')).toContain(
      first.secretAccessKey.reveal()
    );
    const second = await ensureCredentials(root, aws);
    expect(second.accessKeyId).toBe(first.accessKeyId);
    expect(second.secretAccessKey.reveal()).toBe(
      first.secretAccessKey.reveal()
    );
  });
});

describe('private files of the dev stack', () => {
  it('replaces an existing 0644 file with a new 0600 one instead of writing into it', async () => {
    const root = path.join(dir, 's3', 'credentials');
    const aws = path.join(dir, 'aws-credentials');
    const exposed = path.join(dir, 'exposed');
    writeFileSync(aws, 'old\n', { mode: 0o644 });
    // A second name for the old file: whoever could read it must not see
    // the new secret, not even for a moment.
    linkSync(aws, exposed);
    const oldInode = statSync(aws).ino;
    const credentials = await ensureCredentials(root, aws);
    expect(statSync(aws).mode & 0o777).toBe(0o600);
    expect(statSync(aws).ino).not.toBe(oldInode);
    expect(readFileSync(aws, 'utf8')).toContain(
      credentials.secretAccessKey.reveal()
    );
    expect(readFileSync(exposed, 'utf8')).toBe('old\n');
    expect(statSync(exposed).mode & 0o777).toBe(0o644);
  });

  it('leaves no temporary file behind, also when the write fails', async () => {
    const root = path.join(dir, 's3', 'credentials');
    const aws = path.join(dir, 'aws-credentials');
    await ensureCredentials(root, aws);
    expect(readdirSync(dir).sort()).toEqual(['aws-credentials', 's3']);
    expect(readdirSync(path.join(dir, 's3'))).toEqual(['credentials']);
    // A directory in the way: the rename fails, nothing is left over.
    await expect(
      ensureCredentials(root, path.join(dir, 's3'))
    ).rejects.toThrow();
    expect(readdirSync(path.join(dir, 's3'))).toEqual(['credentials']);
    expect(readdirSync(dir).sort()).toEqual(['aws-credentials', 's3']);
  });
});

describe('git credentials of the dev stack', () => {
  it('generates a user and a long random password that never prints', () => {
    const a = generateGitCredentials();
    const b = generateGitCredentials();
    expect(a.password.reveal()).not.toBe(b.password.reveal());
    expect(a.password.reveal().length).toBeGreaterThanOrEqual(32);
    // Usable in a URL as they are.
    expect(encodeURIComponent(a.user)).toBe(a.user);
    expect(encodeURIComponent(a.password.reveal())).toBe(a.password.reveal());
    expect(JSON.stringify(a)).not.toContain(a.password.reveal());
  });

  it('rejects a credentials file without a password', () => {
    expect(parseGitCredentials('ARCADE_GIT_USER=x\n')).toBeNull();
  });

  it('keeps them in a 0600 file and reuses them on the next start', async () => {
    const file = path.join(dir, 'git-credentials');
    expect(await readGitCredentials(file)).toBeNull();
    const first = await ensureGitCredentials(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await ensureGitCredentials(file);
    expect(again.user).toBe(first.user);
    expect(again.password.reveal()).toBe(first.password.reveal());
    const read = await readGitCredentials(file);
    expect(read?.password.reveal()).toBe(first.password.reveal());
  });
});
