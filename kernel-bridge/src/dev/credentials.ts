import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Secret } from '../secret';
import { AWS_PROFILE_NAME } from './options';

/** Root credentials of the local S3 server. */
export interface S3RootCredentials {
  accessKeyId: string;
  secretAccessKey: Secret;
}

export function generateCredentials(): S3RootCredentials {
  return {
    accessKeyId: `arcade${randomBytes(6).toString('hex')}`,
    secretAccessKey: new Secret(randomBytes(24).toString('base64url'))
  };
}

/** `<state>/s3/credentials`: the MinIO root user, as env lines. */
export function formatRootCredentials(credentials: S3RootCredentials): string {
  return (
    `MINIO_ROOT_USER=${credentials.accessKeyId}\n` +
    `MINIO_ROOT_PASSWORD=${credentials.secretAccessKey.reveal()}\n`
  );
}

export function parseRootCredentials(text: string): S3RootCredentials | null {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) {
      values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
  }
  const user = values.get('MINIO_ROOT_USER');
  const password = values.get('MINIO_ROOT_PASSWORD');
  if (
    user === undefined ||
    user === '' ||
    password === undefined ||
    password === ''
  ) {
    return null;
  }
  return { accessKeyId: user, secretAccessKey: new Secret(password) };
}

/** An AWS shared-credentials file with the `arcade-local` profile. */
export function formatAwsCredentials(credentials: S3RootCredentials): string {
  return (
    `[${AWS_PROFILE_NAME}]\n` +
    `aws_access_key_id = ${credentials.accessKeyId}\n` +
    `aws_secret_access_key = ${credentials.secretAccessKey.reveal()}\n`
  );
}

async function writePrivate(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, text, { mode: 0o600 });
  // writeFile's mode only applies when it creates the file.
  await chmod(file, 0o600);
}

/**
 * The credentials of this state directory: read back when they exist (the
 * data directory was initialised with them), generated on first use.
 */
export async function ensureCredentials(
  rootCredentialsFile: string,
  awsCredentialsFile: string
): Promise<S3RootCredentials> {
  let credentials: S3RootCredentials | null = null;
  try {
    credentials = parseRootCredentials(
      await readFile(rootCredentialsFile, 'utf8')
    );
  } catch {
    credentials = null;
  }
  if (credentials === null) {
    credentials = generateCredentials();
    await writePrivate(rootCredentialsFile, formatRootCredentials(credentials));
  }
  await writePrivate(awsCredentialsFile, formatAwsCredentials(credentials));
  return credentials;
}
