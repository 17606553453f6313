import {
  ArcadeError,
  DEFAULT_ENVIRONMENTS,
  type S3Settings
} from 'arcade-engine';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseRemote } from './gitRemote';
import { checkLayoutName, DEFAULT_ASSET_GLOBS } from './publish/keys';
import { Secret } from './secret';
import type { AthenaSettings } from './catalog/athena';

/**
 * Settings of the bridge, read from the environment once at start.
 *
 * AWS credentials are deliberately absent: the AWS SDK reads them itself from
 * AWS_* variables, AWS_SHARED_CREDENTIALS_FILE/AWS_PROFILE or the web
 * identity token, so they never pass through our objects. The only secrets
 * held here are wrapped in `Secret`.
 */
export interface Settings {
  workspace: string;
  s3: S3Settings;
  git: {
    /** The remote as configured; may carry a token, never expose it. */
    remote: Secret | null;
    /** The remote without user info, safe to show. */
    displayRemote: string | null;
  };
  environments: string[];
  publish: {
    /** Key prefix in the artifact bucket (ARCADE_ARTIFACT_PREFIX). */
    prefix: string;
    /** Project name (ARCADE_PROJECT); null: the repository folder's name. */
    project: string | null;
    /** Which committed files are published (ARCADE_PUBLISH_GLOBS, comma-separated). */
    globs: string[];
  };
  /** Where AWS credentials would come from, without the credentials. */
  awsCredentialSource: 'environment' | 'profile' | 'web-identity' | 'none';
  kernelspecDirs: string[];
  /** Token required by `serve --port` (dev mode); null when unset. */
  devToken: Secret | null;
  /** Where schedules go (the token is read by schedule/argo/token.ts). */
  argo: {
    /** The Argo Server (ARCADE_ARGO_URL); null when not configured. */
    url: string | null;
    namespace: string;
    /** Arcade's WorkflowTemplate, the job image and its service account (IRSA). */
    templateName: string;
    image: string;
    serviceAccount: string;
  };
  /** The catalog slice: Athena over the Glue Data Catalog (or the local endpoint). */
  athena: AthenaSettings;
  /** Lake prefixes `arcade catalog crawl` registers tables from: database → URI (ARCADE_CATALOG_CRAWL). */
  crawl: { database: string; uri: string }[];
  runs: {
    /** Batch runs at once (ARCADE_MAX_RUNS); each is a JVM of ARCADE_RUN_MEMORY. */
    maxConcurrent: number;
    /** A run still going after this is stopped (ARCADE_RUN_MAX_MINUTES). */
    maxDurationMs: number;
  };
}

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULTS = {
  region: 'us-east-1',
  artifactBucket: 'arcade-artifacts',
  lakeBucket: 'arcade-lake',
  environments: [...DEFAULT_ENVIRONMENTS],
  maxRuns: 2,
  artifactPrefix: 'arcade',
  runMaxMinutes: 240,
  argoNamespace: 'arcade',
  argoTemplate: 'arcade-arc-job',
  jobImage: 'arcade-arc-runtime:0.1.0',
  jobServiceAccount: 'arcade-job',
  athenaWorkGroup: 'primary',
  athenaCatalog: 'AwsDataCatalog',
  athenaPricePerTb: 5,
  athenaTimeoutSeconds: 1800
} as const;

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? null : trimmed;
}

function parseList(value: string | undefined, separator: string): string[] {
  return (value ?? '')
    .split(separator)
    .map(item => item.trim())
    .filter(item => item !== '');
}

function parseUrl(name: string, value: string): URL {
  try {
    return new URL(value);
  } catch (cause) {
    throw new ArcadeError('config', `${name} is not a valid URL: ${value}`, {
      hint: `set ${name} to an http(s) URL such as http://127.0.0.1:9010`,
      cause
    });
  }
}

function positiveInteger(
  name: string,
  value: string | undefined,
  fallback: number
): number {
  const text = nonEmpty(value);
  if (text === null) {
    return fallback;
  }
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new ArcadeError('config', `${name} must be a positive whole number`, {
      hint: `unset it for the default of ${fallback}`
    });
  }
  return Number(text);
}

function nonNegativeInteger(
  name: string,
  value: string | undefined,
  fallback: number
): number {
  const text = nonEmpty(value);
  if (text === null) {
    return fallback;
  }
  if (!/^\d+$/.test(text)) {
    throw new ArcadeError(
      'config',
      `${name} must be a whole number (0 or more)`,
      {
        hint: `unset it for the default of ${fallback}`
      }
    );
  }
  return Number(text);
}

function price(value: string | undefined): number {
  const text = nonEmpty(value);
  if (text === null) {
    return DEFAULTS.athenaPricePerTb;
  }
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) {
    throw new ArcadeError(
      'config',
      'ARCADE_ATHENA_PRICE_PER_TB must be a price in dollars, such as 5',
      {
        hint: `unset it for Athena's list price of $${DEFAULTS.athenaPricePerTb} per TB`
      }
    );
  }
  return n;
}

/** `db=uri,db2=uri2`: the lake prefixes the crawler registers Delta tables from. */
export function crawlPrefixes(
  value: string | undefined
): { database: string; uri: string }[] {
  return parseList(value, ',').map(entry => {
    const eq = entry.indexOf('=');
    const database = eq > 0 ? entry.slice(0, eq).trim() : '';
    const uri = eq > 0 ? entry.slice(eq + 1).trim() : '';
    if (
      !/^[a-z0-9_]{1,255}$/.test(database) ||
      !/^(s3a?|file):\/\/./.test(uri)
    ) {
      throw new ArcadeError(
        'config',
        `ARCADE_CATALOG_CRAWL has an entry that is not database=uri: ${entry}`,
        {
          hint: 'e.g. ARCADE_CATALOG_CRAWL=lake=s3://arcade-lake/delta (database names: lower-case letters, digits, _)'
        }
      );
    }
    return { database, uri };
  });
}

/** The URL with user name and password removed. */
export function withoutUserInfo(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

function awsCredentialSource(env: Env): Settings['awsCredentialSource'] {
  if (nonEmpty(env.AWS_ACCESS_KEY_ID) !== null) {
    return 'environment';
  }
  if (nonEmpty(env.AWS_WEB_IDENTITY_TOKEN_FILE) !== null) {
    return 'web-identity';
  }
  if (
    nonEmpty(env.AWS_PROFILE) !== null ||
    nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE) !== null
  ) {
    return 'profile';
  }
  return 'none';
}

/** Jupyter data paths searched for the `arc` kernelspec, in Jupyter's order. */
export function kernelspecDirs(env: Env, home: string): string[] {
  const override = parseList(env.ARCADE_KERNELSPEC_DIRS, ':');
  if (override.length > 0) {
    return override;
  }
  const dirs = parseList(env.JUPYTER_PATH, ':').map(entry =>
    path.join(entry, 'kernels')
  );
  const dataDir = nonEmpty(env.JUPYTER_DATA_DIR);
  dirs.push(
    path.join(
      dataDir ?? path.join(home, '.local', 'share', 'jupyter'),
      'kernels'
    )
  );
  const venv = nonEmpty(env.VIRTUAL_ENV);
  if (venv !== null) {
    dirs.push(path.join(venv, 'share', 'jupyter', 'kernels'));
  }
  dirs.push('/usr/local/share/jupyter/kernels', '/usr/share/jupyter/kernels');
  return [...new Set(dirs)];
}

/** Reads settings from an environment; pure apart from its arguments. */
export function loadSettings(
  env: Env,
  cwd: string = process.cwd(),
  home: string = homedir()
): Settings {
  const endpointValue = nonEmpty(env.ARCADE_S3_ENDPOINT);
  const endpoint =
    endpointValue === null
      ? null
      : withoutUserInfo(parseUrl('ARCADE_S3_ENDPOINT', endpointValue)).replace(
          /\/$/,
          ''
        );
  const remoteValue = nonEmpty(env.ARCADE_GIT_REMOTE);
  const remote = remoteValue === null ? null : parseRemote(remoteValue);
  if (remoteValue !== null && remote === null) {
    // The value may hold a token: it is not repeated here.
    throw new ArcadeError('config', 'ARCADE_GIT_REMOTE is not a git remote', {
      hint: 'set it to an https:// or ssh:// URL, user@host:path, or a path'
    });
  }
  const environments = parseList(env.ARCADE_ENVIRONMENTS, ',');
  const devToken = nonEmpty(env.ARCADE_DEV_TOKEN);
  return {
    workspace: path.resolve(cwd, nonEmpty(env.ARCADE_WORKSPACE) ?? '.'),
    s3: {
      endpoint,
      region: nonEmpty(env.ARCADE_S3_REGION) ?? DEFAULTS.region,
      artifactBucket:
        nonEmpty(env.ARCADE_ARTIFACT_BUCKET) ?? DEFAULTS.artifactBucket,
      lakeBucket: nonEmpty(env.ARCADE_LAKE_BUCKET) ?? DEFAULTS.lakeBucket
    },
    git: {
      remote: remoteValue === null ? null : new Secret(remoteValue),
      displayRemote: remote === null ? null : remote.display
    },
    environments:
      environments.length > 0 ? environments : [...DEFAULTS.environments],
    publish: {
      prefix: checkLayoutName(
        env.ARCADE_ARTIFACT_PREFIX ?? DEFAULTS.artifactPrefix,
        'ARCADE_ARTIFACT_PREFIX',
        true
      ),
      project:
        nonEmpty(env.ARCADE_PROJECT) === null
          ? null
          : checkLayoutName(env.ARCADE_PROJECT ?? '', 'ARCADE_PROJECT', false),
      globs:
        parseList(env.ARCADE_PUBLISH_GLOBS, ',').length > 0
          ? parseList(env.ARCADE_PUBLISH_GLOBS, ',')
          : [...DEFAULT_ASSET_GLOBS]
    },
    awsCredentialSource: awsCredentialSource(env),
    kernelspecDirs: kernelspecDirs(env, home),
    devToken: devToken === null ? null : new Secret(devToken),
    argo: {
      url:
        nonEmpty(env.ARCADE_ARGO_URL) === null
          ? null
          : withoutUserInfo(
              parseUrl('ARCADE_ARGO_URL', env.ARCADE_ARGO_URL ?? '')
            ).replace(/\/$/, ''),
      namespace: nonEmpty(env.ARCADE_ARGO_NAMESPACE) ?? DEFAULTS.argoNamespace,
      templateName: nonEmpty(env.ARCADE_ARGO_TEMPLATE) ?? DEFAULTS.argoTemplate,
      image: nonEmpty(env.ARCADE_JOB_IMAGE) ?? DEFAULTS.jobImage,
      serviceAccount:
        nonEmpty(env.ARCADE_JOB_SERVICE_ACCOUNT) ?? DEFAULTS.jobServiceAccount
    },
    athena: {
      endpoint:
        nonEmpty(env.ARCADE_ATHENA_ENDPOINT) === null
          ? null
          : withoutUserInfo(
              parseUrl(
                'ARCADE_ATHENA_ENDPOINT',
                env.ARCADE_ATHENA_ENDPOINT ?? ''
              )
            ).replace(/\/$/, ''),
      region:
        nonEmpty(env.ARCADE_ATHENA_REGION) ??
        nonEmpty(env.AWS_REGION) ??
        nonEmpty(env.ARCADE_S3_REGION) ??
        DEFAULTS.region,
      workGroup:
        nonEmpty(env.ARCADE_ATHENA_WORKGROUP) ?? DEFAULTS.athenaWorkGroup,
      outputLocation: nonEmpty(env.ARCADE_ATHENA_OUTPUT),
      catalog: nonEmpty(env.ARCADE_ATHENA_CATALOG) ?? DEFAULTS.athenaCatalog,
      pricePerTb: price(env.ARCADE_ATHENA_PRICE_PER_TB),
      reuseMinutes: nonNegativeInteger(
        'ARCADE_ATHENA_REUSE_MINUTES',
        env.ARCADE_ATHENA_REUSE_MINUTES,
        0
      ),
      previewRows: Math.min(
        positiveInteger('ARCADE_PREVIEW_ROWS', env.ARCADE_PREVIEW_ROWS, 100),
        10_000
      ),
      timeoutMs:
        positiveInteger(
          'ARCADE_ATHENA_TIMEOUT_SECONDS',
          env.ARCADE_ATHENA_TIMEOUT_SECONDS,
          DEFAULTS.athenaTimeoutSeconds
        ) * 1000
    },
    crawl: crawlPrefixes(env.ARCADE_CATALOG_CRAWL),
    runs: {
      maxConcurrent: positiveInteger(
        'ARCADE_MAX_RUNS',
        env.ARCADE_MAX_RUNS,
        DEFAULTS.maxRuns
      ),
      maxDurationMs:
        positiveInteger(
          'ARCADE_RUN_MAX_MINUTES',
          env.ARCADE_RUN_MAX_MINUTES,
          DEFAULTS.runMaxMinutes
        ) * 60_000
    }
  };
}
