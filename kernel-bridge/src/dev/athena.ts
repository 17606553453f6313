/**
 * The local Athena endpoint in the dev stack: `arcade dev up` starts
 * `arcade dev athena-serve` detached on 127.0.0.1; it serves requests signed
 * with the stack's access key (the one `arcade dev env` hands to the AWS SDK).
 * DuckDB is loaded only here, so a bridge without it still runs everything else.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../config';
import { DEFAULTS } from '../config';
import { ensureCredentials } from './credentials';
import { HOST } from './options';
import { statePaths } from './paths';

export function athenaEndpoint(port: number): string {
  return `http://${HOST}:${port}`;
}

/** Where DuckDB's extensions are: ARCADE_DUCKDB_EXTENSIONS, else the checkout's venv. */
export function duckdbExtensionDir(env: Env, repoRoot: string | null): string {
  const configured = env.ARCADE_DUCKDB_EXTENSIONS;
  if (configured !== undefined && configured !== '') {
    return configured;
  }
  if (repoRoot !== null) {
    const lib = path.join(repoRoot, '.venv', 'lib');
    const pythons = existsSync(lib)
      ? readdirSync(lib).filter(name => name.startsWith('python3'))
      : [];
    for (const python of pythons) {
      const dir = path.join(
        lib,
        python,
        'site-packages',
        'duckdb_ext',
        'extensions'
      );
      if (existsSync(dir)) {
        return dir;
      }
    }
  }
  return path.join(process.cwd(), 'duckdb_ext', 'extensions');
}

/** True when the endpoint on `port` refuses an unsigned request the way Athena does. */
export async function athenaAnswers(port: number): Promise<boolean> {
  try {
    const response = await fetch(`${athenaEndpoint(port)}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonAthena.ListDataCatalogs'
      },
      body: '{}',
      signal: AbortSignal.timeout(2000)
    });
    const body = (await response.json()) as { __type?: string };
    return (
      response.status === 403 && body.__type === 'UnrecognizedClientException'
    );
  } catch {
    return false;
  }
}

function milliseconds(env: Env, name: string, fallback: number): number {
  const value = env[name];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : fallback;
}

/** `arcade dev athena-serve`: the endpoint in the foreground until SIGTERM. */
export async function runAthenaServe(
  stateDir: string,
  port: number,
  env: Env,
  repoRoot: string | null,
  report: (error: unknown) => void
): Promise<void> {
  const paths = statePaths(stateDir);
  const credentials = await ensureCredentials(
    paths.s3Credentials,
    paths.awsCredentials
  );
  const s3Endpoint = env.ARCADE_S3_ENDPOINT;
  const { createLocalAthena } =
    await import('../catalog/localAthena/service.js');
  const athena = await createLocalAthena({
    dir: path.join(paths.root, 'athena'),
    accessKeyId: credentials.accessKeyId,
    extensionDir: duckdbExtensionDir(env, repoRoot),
    s3:
      s3Endpoint === undefined || s3Endpoint === ''
        ? null
        : {
            endpoint: s3Endpoint,
            region: env.ARCADE_S3_REGION ?? DEFAULTS.region,
            accessKeyId: credentials.accessKeyId,
            secretAccessKey: credentials.secretAccessKey.reveal()
          },
    executions: {
      queueMs: milliseconds(env, 'ARCADE_ATHENA_QUEUE_MS', 5),
      latencyMs: milliseconds(env, 'ARCADE_ATHENA_LATENCY_MS', 0),
      maxRows: milliseconds(env, 'ARCADE_ATHENA_MAX_ROWS', 100_000)
    },
    report
  });
  await athena.listen(port);
  process.stdout.write(`local Athena endpoint on ${athenaEndpoint(port)}\n`);
  await new Promise<void>(resolve => {
    const stop = () => {
      void athena.close().finally(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
