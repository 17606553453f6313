/** `arcade dev env`: the variables that point the bridge, the CLI and AWS tools at the dev stack. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULTS } from '../config';
import { argoTools } from '../schedule/argoTools';
import { argoUrl, LOCAL_ARGO_NAMESPACE } from './argo';
import { athenaEndpoint } from './athena';
import { ensureGitCredentials, type GitCredentials } from './credentials';
import { AWS_PROFILE_NAME, devOptions, HOST, type DevFlags } from './options';
import { statePaths } from './paths';
import {
  readStackFile,
  s3Endpoint,
  type StackContext,
  type StackPorts
} from './services';

/** The remote with the server's credentials in it, as plain git can use it. */
function gitRemoteWithCredentials(
  port: number,
  credentials: GitCredentials
): string {
  const user = encodeURIComponent(credentials.user);
  const password = encodeURIComponent(credentials.password.reveal());
  return `http://${user}:${password}@${HOST}:${port}/workspace.git`;
}

/** Quotes a value for POSIX shells when it needs quoting. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value)
    ? value
    : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The variables that point the bridge and AWS tools at the dev stack.
 * ARCADE_GIT_REMOTE carries the git server's credentials, so that plain
 * `git clone "$ARCADE_GIT_REMOTE"` and `git push` work as they are; the
 * bridge never shows them (see describeRemote).
 */
export function devEnvironment(
  stateDir: string,
  ports: StackPorts,
  gitCredentials: GitCredentials,
  /** Argo's tools (validator, schema), for a bridge installed outside the checkout. */
  argoDir: string | null = null
): [string, string][] {
  const paths = statePaths(stateDir);
  const lines: [string, string][] = [
    ['ARCADE_STATE_DIR', paths.root],
    ['ARCADE_S3_ENDPOINT', s3Endpoint(ports.s3)],
    ['ARCADE_S3_REGION', DEFAULTS.region],
    ['ARCADE_ARTIFACT_BUCKET', DEFAULTS.artifactBucket],
    ['ARCADE_LAKE_BUCKET', DEFAULTS.lakeBucket],
    ['AWS_SHARED_CREDENTIALS_FILE', paths.awsCredentials],
    ['AWS_PROFILE', AWS_PROFILE_NAME],
    ['ARCADE_GIT_REMOTE', gitRemoteWithCredentials(ports.git, gitCredentials)],
    ['ARCADE_ARGO_URL', argoUrl(ports.argo)],
    ['ARCADE_ARGO_NAMESPACE', LOCAL_ARGO_NAMESPACE],
    ['ARCADE_ARGO_TOKEN_FILE', paths.argoToken],
    ['ARCADE_ATHENA_ENDPOINT', athenaEndpoint(ports.athena)],
    ['ARCADE_ATHENA_OUTPUT', `s3://${DEFAULTS.lakeBucket}/athena-results/`],
    // The demo's jobs write their Delta tables under <state>/lake (ETL_CONF_LAKE).
    ['ARCADE_CATALOG_CRAWL', `lake=file://${path.join(paths.lake, 'delta')}`]
  ];
  return argoDir === null ? lines : [...lines, ['ARCADE_ARGO_DIR', argoDir]];
}

/** The folder `make argo-tools` fills, when this checkout (or ARCADE_ARGO_DIR) has one. */
function argoToolsDir(ctx: StackContext): string | null {
  try {
    const { dir } = argoTools(ctx.env, ctx.repoRoot);
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

/** `arcade dev env`: `export` lines for the running (or configured) stack. */
export async function devEnv(
  flags: DevFlags,
  ctx: StackContext
): Promise<void> {
  const options = devOptions(flags, ctx.env);
  const root = path.resolve(ctx.cwd, options.stateDir);
  const paths = statePaths(root);
  const stack = await readStackFile(paths.stackFile);
  // Created here when `dev up` has not run yet; it uses the same ones.
  const gitCredentials = await ensureGitCredentials(paths.gitCredentials);
  const lines = devEnvironment(
    root,
    {
      s3: stack?.s3.port ?? options.s3Port,
      git: stack?.git.port ?? options.gitPort,
      argo: stack?.argo?.port ?? options.argoPort,
      athena: stack?.athena?.port ?? options.athenaPort
    },
    gitCredentials,
    argoToolsDir(ctx)
  );
  for (const [name, value] of lines) {
    ctx.output.line(`export ${name}=${shellQuote(value)}`);
  }
}
