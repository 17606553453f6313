import {
  CreateBucketCommand,
  HeadBucketCommand,
  S3Client
} from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3RootCredentials } from './credentials';

function s3Client(
  endpoint: string,
  region: string,
  credentials: S3RootCredentials
): S3Client {
  return new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey.reveal()
    }
  });
}

async function ensureBucket(
  client: S3Client,
  bucket: string
): Promise<boolean> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return false;
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return true;
  }
}

/**
 * Creates the buckets that do not exist yet; returns the ones it created.
 * Retries briefly because a freshly started server may answer health checks
 * a moment before it accepts writes.
 */
export async function ensureBuckets(
  endpoint: string,
  region: string,
  credentials: S3RootCredentials,
  buckets: string[]
): Promise<string[]> {
  const client = s3Client(endpoint, region, credentials);
  try {
    const created: string[] = [];
    for (const bucket of buckets) {
      for (let attempt = 1; ; attempt++) {
        try {
          if (await ensureBucket(client, bucket)) {
            created.push(bucket);
          }
          break;
        } catch (error) {
          if (attempt >= 10) {
            throw error;
          }
          await sleep(300);
        }
      }
    }
    return created;
  } finally {
    client.destroy();
  }
}
