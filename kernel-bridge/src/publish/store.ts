import {
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ArcadeError, isRecord, type S3Settings } from 'arcade-engine';
import { createHash } from 'node:crypto';
import { awsCredentialsFrom } from '../awsCredentials';
import type { Env } from '../config';

/** Files at or above this size go up in parts. */
export const MULTIPART_THRESHOLD = 8 * 1024 * 1024;
export const PART_SIZE = 8 * 1024 * 1024;
/** Attempts per request, with the SDK's standard retry strategy (throttling, 5xx, dropped connections). */
export const MAX_ATTEMPTS = 8;

export interface StoredObject {
  key: string;
  size: number;
  etag: string;
}

export interface PutOptions {
  contentType?: string;
  /** Write only if the object's ETag is this one. */
  ifMatch?: string;
  /** Write only if no object exists. */
  ifNoneMatch?: boolean;
  /** The body's SHA-256 in hex, when the caller has it already. */
  sha256?: string;
  signal?: AbortSignal;
}

function statusOf(error: unknown): number {
  if (isRecord(error) && isRecord(error.$metadata)) {
    const status = error.$metadata.httpStatusCode;
    return typeof status === 'number' ? status : 0;
  }
  return 0;
}

const NETWORK_CODES = [
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'TimeoutError'
];

const CREDENTIAL_ERRORS = [
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken'
];

/** The S3 error name, or a network code (Node's errors carry it in `code`). */
function nameOf(error: unknown): string {
  if (!isRecord(error)) {
    return '';
  }
  if (typeof error.code === 'string' && NETWORK_CODES.includes(error.code)) {
    return error.code;
  }
  // The SDK wraps an error from another realm as "AWS SDK error wrapper for Error: connect ECONNREFUSED …".
  const message = typeof error.message === 'string' ? error.message : '';
  const wrapped = NETWORK_CODES.find(code => message.includes(code));
  if (wrapped !== undefined) {
    return wrapped;
  }
  if (
    typeof error.name === 'string' &&
    !['Error', 'AggregateError'].includes(error.name)
  ) {
    return error.name;
  }
  return typeof error.code === 'string' ? error.code : '';
}

/** True for S3's answer to a failed If-Match / If-None-Match. */
export function isPreconditionFailure(error: unknown): boolean {
  const status = statusOf(error);
  return (
    status === 412 || status === 409 || nameOf(error) === 'PreconditionFailed'
  );
}

/**
 * A clear message for each way S3 fails; never the SDK's text, which may
 * carry request details.
 */
export function s3Error(
  error: unknown,
  action: string,
  where: string
): ArcadeError {
  if (error instanceof ArcadeError) {
    return error;
  }
  const name = nameOf(error);
  const status = statusOf(error);
  const fail = (
    code: ArcadeError['code'],
    message: string,
    hint?: string
  ): ArcadeError => new ArcadeError(code, message, { hint, cause: error });
  if (name === 'AbortError' || name === 'RequestAbortedError') {
    return fail('cancelled', `${action} was cancelled`);
  }
  if (name === 'NoSuchBucket') {
    return fail(
      'upstream',
      `the bucket of ${where} does not exist`,
      'create it, or set ARCADE_ARTIFACT_BUCKET to an existing bucket'
    );
  }
  if (name === 'CredentialsProviderError') {
    return fail(
      'unauthorized',
      `no AWS credentials to ${action}`,
      'set AWS_PROFILE or AWS_* variables (locally: eval "$(arcade dev env)"), or give the pod a role'
    );
  }
  if (CREDENTIAL_ERRORS.includes(name) || status === 401) {
    return fail(
      'unauthorized',
      `S3 refused the credentials while trying to ${action} (${name || status})`,
      "check the AWS credentials the bridge runs with (AWS_PROFILE, AWS_* variables or the pod's role)"
    );
  }
  if (name === 'AccessDenied' || status === 403) {
    return fail(
      'unauthorized',
      `S3 denied access while trying to ${action} at ${where}`,
      'grant this identity s3:GetObject, s3:PutObject and s3:ListBucket on the artifact bucket'
    );
  }
  if (NETWORK_CODES.includes(name)) {
    return fail(
      'upstream',
      `could not reach S3 to ${action} (${name})`,
      'check ARCADE_S3_ENDPOINT and the network; with the local stack, run "make stack-up"'
    );
  }
  if (status >= 500 || name === 'SlowDown') {
    return fail(
      'upstream',
      `S3 kept failing while trying to ${action} (HTTP ${status || name}) after ${MAX_ATTEMPTS} attempts`,
      'try again later; nothing incomplete is visible as a version'
    );
  }
  return fail(
    'upstream',
    `S3 could not ${action} (${name || `HTTP ${status}`})`,
    `check the artifact bucket settings (${where})`
  );
}

/** The ETag S3 gives content uploaded in one piece or in parts of `partSize`. */
export function expectedEtag(
  content: Uint8Array,
  partSize = PART_SIZE
): string {
  if (content.byteLength < MULTIPART_THRESHOLD) {
    return createHash('md5').update(content).digest('hex');
  }
  const digests: Buffer[] = [];
  for (let offset = 0; offset < content.byteLength; offset += partSize) {
    digests.push(
      createHash('md5')
        .update(content.subarray(offset, offset + partSize))
        .digest()
    );
  }
  return `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${digests.length}`;
}

/** The artifact bucket through @aws-sdk/client-s3, counting the requests it makes. */
export class ArtifactStore {
  readonly bucket: string;
  readonly client: S3Client;
  /** HTTP requests sent, retries included. */
  requests = 0;
  readonly #concurrency: number;

  constructor(
    s3: S3Settings,
    options: { concurrency?: number; config?: S3ClientConfig; env?: Env } = {}
  ) {
    this.bucket = s3.artifactBucket;
    this.#concurrency = options.concurrency ?? 4; // parts of one multipart upload at once
    this.client = new S3Client({
      region: s3.region,
      ...(s3.endpoint === null
        ? {}
        : { endpoint: s3.endpoint, forcePathStyle: true }),
      maxAttempts: MAX_ATTEMPTS,
      retryMode: 'standard',
      credentials: awsCredentialsFrom(options.env ?? process.env),
      ...options.config
    });
    this.client.middlewareStack.add(
      next => async args => {
        this.requests += 1;
        return next(args);
      },
      { step: 'deserialize', name: 'arcadeRequestCounter' }
    );
  }

  location(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  destroy(): void {
    this.client.destroy();
  }

  /** A JSON object and its ETag, or null when there is none. */
  async getJson(
    key: string,
    signal?: AbortSignal
  ): Promise<{ value: unknown; etag: string } | null> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
        {
          abortSignal: signal
        }
      );
      const text = (await answer.Body?.transformToString('utf8')) ?? '';
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new ArcadeError(
          'upstream',
          `${this.location(key)} is not valid JSON`,
          {
            hint: 'it was not written by Arcade, or was changed by hand'
          }
        );
      }
      return { value, etag: answer.ETag ?? '' };
    } catch (error) {
      if (nameOf(error) === 'NoSuchKey' || statusOf(error) === 404) {
        if (nameOf(error) === 'NoSuchBucket') {
          throw s3Error(error, 'read', this.location(key));
        }
        return null;
      }
      throw s3Error(error, `read ${key}`, this.location(key));
    }
  }

  /** Every page of a listing under a prefix (with `/` as delimiter for "folders"). */
  async #pages(
    prefix: string,
    delimiter?: string
  ): Promise<ListObjectsV2CommandOutput[]> {
    const pages: ListObjectsV2CommandOutput[] = [];
    try {
      for await (const page of paginateListObjectsV2(
        { client: this.client },
        { Bucket: this.bucket, Prefix: prefix, Delimiter: delimiter }
      )) {
        pages.push(page);
      }
    } catch (error) {
      throw s3Error(
        error,
        'list the published versions',
        this.location(prefix)
      );
    }
    return pages;
  }

  /** Every object under a prefix. */
  async list(prefix: string): Promise<StoredObject[]> {
    return (await this.#pages(prefix)).flatMap(page =>
      (page.Contents ?? []).flatMap(item =>
        item.Key === undefined
          ? []
          : [
              {
                key: item.Key,
                size: item.Size ?? 0,
                etag: (item.ETag ?? '').replace(/"/g, '')
              }
            ]
      )
    );
  }

  /** The "folders" directly under a prefix. */
  async folders(prefix: string): Promise<string[]> {
    return (await this.#pages(prefix, '/')).flatMap(page =>
      (page.CommonPrefixes ?? []).flatMap(item =>
        item.Prefix === undefined
          ? []
          : [item.Prefix.slice(prefix.length).replace(/\/$/, '')]
      )
    );
  }

  /** True when `key` holds exactly `body` (by size and the ETag its upload gives). */
  async #holds(key: string, body: Uint8Array): Promise<boolean> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key })
      );
      return (
        head.ContentLength === body.byteLength &&
        (head.ETag ?? '').replace(/"/g, '') === expectedEtag(body)
      );
    } catch {
      return false;
    }
  }

  /** Writes one object; S3 checks its SHA-256, so a corrupted body is refused, not stored. */
  async put(
    key: string,
    body: Uint8Array,
    options: PutOptions = {}
  ): Promise<void> {
    const checksum =
      options.sha256 === undefined
        ? createHash('sha256').update(body).digest('base64')
        : Buffer.from(options.sha256, 'hex').toString('base64');
    try {
      if (
        body.byteLength >= MULTIPART_THRESHOLD &&
        options.ifMatch === undefined &&
        options.ifNoneMatch !== true
      ) {
        const upload = new Upload({
          client: this.client,
          queueSize: this.#concurrency,
          partSize: PART_SIZE,
          leavePartsOnError: false,
          params: {
            Bucket: this.bucket,
            Key: key,
            Body: body,
            ContentType: options.contentType,
            ChecksumAlgorithm: 'SHA256'
          }
        });
        const abort = (): void => {
          void upload.abort();
        };
        options.signal?.addEventListener('abort', abort, { once: true });
        try {
          await upload.done();
        } catch (error) {
          // The answer to CompleteMultipartUpload can be lost after S3 completed it; the
          // SDK's retry then hears NoSuchUpload. The object, if it is ours, says so.
          if (
            nameOf(error) !== 'NoSuchUpload' ||
            !(await this.#holds(key, body))
          ) {
            throw error;
          }
        } finally {
          options.signal?.removeEventListener('abort', abort);
        }
        return;
      }
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType,
          ChecksumSHA256: checksum,
          IfMatch: options.ifMatch,
          IfNoneMatch: options.ifNoneMatch === true ? '*' : undefined
        }),
        { abortSignal: options.signal }
      );
    } catch (error) {
      if (options.signal?.aborted === true) {
        throw new ArcadeError('cancelled', 'the publish was cancelled');
      }
      if (
        (options.ifMatch !== undefined || options.ifNoneMatch === true) &&
        isPreconditionFailure(error)
      ) {
        throw new ArcadeError(
          'conflict',
          `${this.location(key)} changed meanwhile`
        );
      }
      throw s3Error(error, `write ${key}`, this.location(key));
    }
  }
}
