import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Secret } from '../secret';
import { AWS_PROFILE_NAME } from './options';
import { writePrivateFile } from '../privateFile';

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

/** A user and password from `NAME=value` lines; null unless both are there. */
function parseEnvPair(
  text: string,
  userName: string,
  passwordName: string
): { user: string; password: string } | null {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) {
      values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
  }
  const user = values.get(userName);
  const password = values.get(passwordName);
  if (
    user === undefined ||
    user === '' ||
    password === undefined ||
    password === ''
  ) {
    return null;
  }
  return { user, password };
}

export function parseRootCredentials(text: string): S3RootCredentials | null {
  const pair = parseEnvPair(text, 'MINIO_ROOT_USER', 'MINIO_ROOT_PASSWORD');
  return pair === null
    ? null
    : { accessKeyId: pair.user, secretAccessKey: new Secret(pair.password) };
}

/** An AWS shared-credentials file with the `arcade-local` profile. */
export function formatAwsCredentials(credentials: S3RootCredentials): string {
  return (
    `[${AWS_PROFILE_NAME}]\n` +
    `aws_access_key_id = ${credentials.accessKeyId}\n` +
    `aws_secret_access_key = ${credentials.secretAccessKey.reveal()}\n`
  );
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
    await writePrivateFile(
      rootCredentialsFile,
      formatRootCredentials(credentials)
    );
  }
  await writePrivateFile(awsCredentialsFile, formatAwsCredentials(credentials));
  return credentials;
}

/** HTTP Basic credentials of the dev git server. */
export interface GitCredentials {
  user: string;
  password: Secret;
}

/** URL-safe as they are, so that they can go into a remote URL unencoded. */
export function generateGitCredentials(): GitCredentials {
  return {
    user: `arcade${randomBytes(4).toString('hex')}`,
    password: new Secret(randomBytes(24).toString('base64url'))
  };
}

/** `<state>/git-credentials`: the git server's user, as env lines. */
export function formatGitCredentials(credentials: GitCredentials): string {
  return (
    `ARCADE_GIT_USER=${credentials.user}\n` +
    `ARCADE_GIT_PASSWORD=${credentials.password.reveal()}\n`
  );
}

export function parseGitCredentials(text: string): GitCredentials | null {
  const pair = parseEnvPair(text, 'ARCADE_GIT_USER', 'ARCADE_GIT_PASSWORD');
  return pair === null
    ? null
    : { user: pair.user, password: new Secret(pair.password) };
}

/** The git credentials of a state directory, or null when there are none. */
export async function readGitCredentials(
  file: string
): Promise<GitCredentials | null> {
  try {
    return parseGitCredentials(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

/** The git credentials of a state directory, generated on first use. */
export async function ensureGitCredentials(
  file: string
): Promise<GitCredentials> {
  const existing = await readGitCredentials(file);
  if (existing !== null) {
    return existing;
  }
  const credentials = generateGitCredentials();
  await writePrivateFile(file, formatGitCredentials(credentials));
  return credentials;
}
