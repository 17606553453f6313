/**
 * Reading the lake where Delta tables live — local folders (`file://`) or an
 * S3 bucket (`s3://`, `s3a://`) — for the crawler and for table history.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client
} from '@aws-sdk/client-s3';
import { ArcadeError, type S3Settings } from 'arcade-engine';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { awsCredentialsFrom } from '../awsCredentials';
import type { Env } from '../config';

/** A Delta table found under a prefix: its URI and its path below the prefix. */
export interface FoundTable {
  uri: string;
  relative: string;
}

export interface Lake {
  /** Delta tables (folders holding `_delta_log/`) under `uri`, at most `limit`. */
  findDeltaTables(uri: string, limit: number): Promise<FoundTable[]>;
  /** Names of the files in a folder (one level). */
  list(uri: string): Promise<string[]>;
  read(uri: string): Promise<string>;
  close(): void;
}

const MAX_DEPTH = 8;

function s3Parts(uri: string): { bucket: string; key: string } {
  const match = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (match === null || match[1] === undefined) {
    throw new ArcadeError('bad_request', `not an S3 URI: ${uri}`);
  }
  return { bucket: match[1], key: match[2] ?? '' };
}

/** Refuses `..` and other tricks before a path reaches the file system or S3. */
export function checkLakeUri(uri: string): string {
  if (!/^(file|s3a?):\/\//.test(uri)) {
    throw new ArcadeError(
      'bad_request',
      `a lake location must be file://, s3:// or s3a://, got ${uri}`
    );
  }
  const rest = uri.replace(/^(file|s3a?):\/\//, '');
  if (
    rest.split('/').some(part => part === '..' || part === '.') ||
    Array.from(rest, ch => ch.charCodeAt(0)).some(code => code < 32)
  ) {
    throw new ArcadeError(
      'bad_request',
      `a lake location must not contain "." or ".." segments or control characters: ${uri}`
    );
  }
  return uri;
}

class FileLake implements Lake {
  async findDeltaTables(uri: string, limit: number): Promise<FoundTable[]> {
    const root = fileURLToPath(uri);
    const found: FoundTable[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (found.length >= limit || depth > MAX_DEPTH) {
        return;
      }
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      if (entries.some(e => e.isDirectory() && e.name === '_delta_log')) {
        found.push({
          uri: pathToFileURL(dir).href,
          relative: path.relative(root, dir).split(path.sep).join('/')
        });
        return;
      }
      for (const entry of entries.sort((a, b) =>
        a.name.localeCompare(b.name)
      )) {
        if (
          entry.isDirectory() &&
          !entry.name.startsWith('.') &&
          !entry.name.startsWith('_')
        ) {
          await walk(path.join(dir, entry.name), depth + 1);
        }
      }
    };
    await walk(root, 0);
    return found;
  }

  async list(uri: string): Promise<string[]> {
    try {
      return (await readdir(fileURLToPath(uri))).sort();
    } catch (error) {
      throw new ArcadeError(
        'not_found',
        `cannot list ${uri}: ${(error as Error).message}`
      );
    }
  }

  read(uri: string): Promise<string> {
    return readFile(fileURLToPath(uri), 'utf8');
  }

  close(): void {
    // Nothing to release.
  }
}

class S3Lake implements Lake {
  readonly #client: S3Client;

  constructor(s3: S3Settings, env: Env) {
    this.#client = new S3Client({
      region: s3.region,
      ...(s3.endpoint === null
        ? {}
        : { endpoint: s3.endpoint, forcePathStyle: true }),
      credentials: awsCredentialsFrom(env)
    });
  }

  async #keys(
    bucket: string,
    prefix: string,
    delimiter?: string
  ): Promise<{ keys: string[]; prefixes: string[] }> {
    const keys: string[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ContinuationToken: token,
          ...(delimiter === undefined ? {} : { Delimiter: delimiter })
        })
      );
      keys.push(...(page.Contents ?? []).map(o => o.Key ?? ''));
      prefixes.push(...(page.CommonPrefixes ?? []).map(p => p.Prefix ?? ''));
      token =
        page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return { keys, prefixes };
  }

  async findDeltaTables(uri: string, limit: number): Promise<FoundTable[]> {
    const { bucket, key } = s3Parts(uri);
    const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    const scheme = uri.startsWith('s3a://') ? 's3a' : 's3';
    const tables = new Set<string>();
    for (const name of (await this.#keys(bucket, prefix)).keys) {
      const at = name.indexOf('/_delta_log/');
      if (at >= 0) {
        tables.add(name.slice(0, at));
      }
    }
    return [...tables]
      .sort()
      .filter(table => !tables.has(path.posix.dirname(table)))
      .slice(0, limit)
      .map(table => ({
        uri: `${scheme}://${bucket}/${table}`,
        relative: table.slice(prefix.length)
      }));
  }

  async list(uri: string): Promise<string[]> {
    const { bucket, key } = s3Parts(uri);
    const prefix = key.endsWith('/') ? key : `${key}/`;
    const { keys } = await this.#keys(bucket, prefix, '/');
    return keys.map(k => k.slice(prefix.length)).sort();
  }

  async read(uri: string): Promise<string> {
    const { bucket, key } = s3Parts(uri);
    const object = await this.#client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key })
    );
    return (await object.Body?.transformToString('utf8')) ?? '';
  }

  close(): void {
    this.#client.destroy();
  }
}

/** The lake reader for a URI's scheme. */
export function lakeFor(uri: string, s3: S3Settings, env: Env): Lake {
  checkLakeUri(uri);
  return uri.startsWith('file://') ? new FileLake() : new S3Lake(s3, env);
}

/** A Glue/Athena table name for a table folder: lower case, [a-z0-9_], as a crawler names it. */
export function crawlTableName(relative: string): string {
  const name = relative
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return name === '' ? 'table' : name.slice(0, 255);
}
