import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ensureCredentials,
  formatAwsCredentials,
  generateCredentials,
  parseRootCredentials
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
