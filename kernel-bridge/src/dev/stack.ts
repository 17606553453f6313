import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Env } from '../config';
import { DEFAULTS } from '../config';
import { ArcadeError } from 'arcade-engine';
import { describeRemote } from '../gitRemote';
import { argoTools } from '../schedule/argoTools';
import type { Output } from '../logger';
import { ensureBuckets } from './buckets';
import {
  ensureCredentials,
  ensureGitCredentials,
  type GitCredentials
} from './credentials';
import {
  minioArgs,
  minioEnv,
  minioReadyUrl,
  resolveMinioBinary
} from './minio';
import { httpStatus, portAnswers, portIsFree } from './net';
import { AWS_PROFILE_NAME, devOptions, HOST, type DevFlags } from './options';
import { statePaths, type StatePaths } from './paths';
import { writePrivateFile } from '../privateFile';
import {
  isOurProcess,
  readPid,
  removeFile,
  spawnDetached,
  stopProcess,
  writePid
} from '../processes';
import { repoExists, seedWorkspaceRepo } from './seed';
import {
  argoAnswers,
  argoUrl,
  ensureArgoToken,
  LOCAL_ARGO_NAMESPACE
} from './argo';
import type { Secret } from '../secret';

export interface StackContext {
  env: Env;
  cwd: string;
  output: Output;
  /** How to run this CLI again, e.g. `[node, /path/arcade.cjs]`. */
  selfCommand: string[];
  repoRoot: string | null;
}

/** `<state>/stack.json`: what `dev up` started, read by `dev env` and `dev down`. */
export interface StackFile {
  s3: { pid: number; port: number; endpoint: string };
  /** `remote` without the credentials; those stay in `<state>/git-credentials`. */
  git: { pid: number; port: number; remote: string };
  /** The local Argo service; its token stays in `<state>/argo-token`. */
  argo?: { pid: number; port: number; url: string };
  startedAt: string;
}

const READY_TIMEOUT_MS = 60000;

interface Service {
  label: string;
  pidFile: string;
  /** Part of the process's command line that proves it is ours. */
  marker: string;
  port: number;
  portFlag: string;
  portEnv: string;
}

interface ServiceState {
  pid: number | null;
  running: boolean;
}

function s3Endpoint(port: number): string {
  return `http://${HOST}:${port}`;
}

function gitRemote(port: number): string {
  return `http://${HOST}:${port}/workspace.git`;
}

/** The remote with the server's credentials in it, as plain git can use it. */
function gitRemoteWithCredentials(
  port: number,
  credentials: GitCredentials
): string {
  const user = encodeURIComponent(credentials.user);
  const password = encodeURIComponent(credentials.password.reveal());
  return `http://${user}:${password}@${HOST}:${port}/workspace.git`;
}

/**
 * True when the git server on `port` is ours as it should be: it refuses a
 * request without credentials and answers one with these. A server that
 * lets anyone in (started by an older arcade) or holds other credentials
 * does not count as running.
 */
async function gitAnswers(
  port: number,
  credentials: GitCredentials
): Promise<boolean> {
  const probe = `${gitRemote(port)}/info/refs?service=git-upload-pack`;
  const basic = Buffer.from(
    `${credentials.user}:${credentials.password.reveal()}`
  ).toString('base64');
  return (
    (await httpStatus(probe)) === 401 &&
    (await httpStatus(probe, 2000, { Authorization: `Basic ${basic}` })) === 200
  );
}

async function readStackFile(file: string): Promise<StackFile | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StackFile;
  } catch {
    return null;
  }
}

async function serviceState(service: Service): Promise<ServiceState> {
  const pid = await readPid(service.pidFile);
  if (pid === null || !(await isOurProcess(pid, service.marker))) {
    return { pid: null, running: false };
  }
  return { pid, running: await portAnswers(HOST, service.port) };
}

function services(
  paths: StatePaths,
  s3Port: number,
  gitPort: number,
  argoPort: number
): { s3: Service; git: Service; argo: Service } {
  return {
    argo: {
      label: 'local Argo service',
      pidFile: paths.argoPid,
      marker: `argo-serve --state ${paths.root}`,
      port: argoPort,
      portFlag: '--argo-port',
      portEnv: 'ARCADE_ARGO_PORT'
    },
    s3: {
      label: 'S3 server',
      pidFile: paths.minioPid,
      marker: `server ${paths.s3Data}`,
      port: s3Port,
      portFlag: '--s3-port',
      portEnv: 'ARCADE_S3_PORT'
    },
    git: {
      label: 'git server',
      pidFile: paths.gitPid,
      marker: `git-serve --root ${paths.gitRoot}`,
      port: gitPort,
      portFlag: '--git-port',
      portEnv: 'ARCADE_GIT_PORT'
    }
  };
}

async function assertPortFree(service: Service): Promise<void> {
  if (!(await portIsFree(HOST, service.port))) {
    throw new ArcadeError(
      'port_in_use',
      `port ${service.port} on ${HOST} is already in use; ` +
        `pick another with ${service.portFlag} or ${service.portEnv}`
    );
  }
}

/**
 * Polls `isReady` with a progress line until it holds, the process dies or
 * the time is up; a process that did not make it is stopped again.
 */
async function waitReady(
  service: Service,
  pid: number,
  logFile: string,
  output: Output,
  isReady: () => Promise<boolean>
): Promise<void> {
  const started = Date.now();
  output.write(`Starting ${service.label} on ${HOST}:${service.port} … `);
  while (Date.now() - started < READY_TIMEOUT_MS) {
    if (await isReady()) {
      output.line(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
      return;
    }
    if (!(await isOurProcess(pid, service.marker))) {
      output.line('failed');
      await removeFile(service.pidFile);
      throw new ArcadeError(
        'process_failed',
        `${service.label} exited while starting`,
        { hint: `see ${logFile}` }
      );
    }
    await sleep(100);
  }
  output.line('timed out');
  await stopProcess(pid);
  await removeFile(service.pidFile);
  throw new ArcadeError(
    'timeout',
    `${service.label} did not get ready on ${HOST}:${service.port} within ${READY_TIMEOUT_MS / 1000}s`,
    { hint: `see ${logFile}` }
  );
}

function sampleWorkspaceDir(ctx: StackContext): string {
  const fromEnv = ctx.env.ARCADE_SAMPLE_WORKSPACE;
  if (fromEnv !== undefined && fromEnv !== '') {
    return path.resolve(ctx.cwd, fromEnv);
  }
  return path.join(ctx.repoRoot ?? ctx.cwd, 'sample-workspace');
}

async function startS3(
  service: Service,
  paths: StatePaths,
  ctx: StackContext
): Promise<number> {
  const binary = resolveMinioBinary(ctx.env, ctx.repoRoot);
  const credentials = await ensureCredentials(
    paths.s3Credentials,
    paths.awsCredentials
  );
  const pid = await spawnDetached(
    binary,
    minioArgs(paths.s3Data, service.port),
    minioEnv(process.env, credentials),
    paths.minioLog
  );
  await writePid(service.pidFile, pid);
  await waitReady(service, pid, paths.minioLog, ctx.output, async () => {
    return (await httpStatus(minioReadyUrl(service.port))) === 200;
  });
  const created = await ensureBuckets(
    s3Endpoint(service.port),
    DEFAULTS.region,
    credentials,
    [DEFAULTS.artifactBucket, DEFAULTS.lakeBucket]
  );
  if (created.length > 0) {
    ctx.output.line(`Created buckets: ${created.join(', ')}`);
  }
  return pid;
}

async function seedIfNeeded(
  paths: StatePaths,
  ctx: StackContext
): Promise<void> {
  if (await repoExists(paths.workspaceRepo)) {
    return;
  }
  const sample = sampleWorkspaceDir(ctx);
  const result = await seedWorkspaceRepo(paths.workspaceRepo, sample);
  ctx.output.line(
    result.fromSample
      ? `Seeded ${paths.workspaceRepo} from ${sample} (${result.files} files)`
      : `No sample workspace at ${sample}; created ${paths.workspaceRepo} with a README only`
  );
}

/**
 * Starts `arcade dev <subcommand> …` detached (this same arcade), records
 * its pid and waits until `answers` says it serves.
 */
async function startSelf(
  service: Service,
  subcommand: string[],
  log: string,
  ctx: StackContext,
  env: NodeJS.ProcessEnv,
  answers: () => Promise<boolean>
): Promise<number> {
  const [command, ...args] = ctx.selfCommand;
  if (command === undefined) {
    throw new ArcadeError('internal', 'cannot tell how to run arcade again');
  }
  const pid = await spawnDetached(
    command,
    [...args, 'dev', ...subcommand, '--port', String(service.port)],
    env,
    log
  );
  await writePid(service.pidFile, pid);
  await waitReady(service, pid, log, ctx.output, answers);
  return pid;
}

function startGit(
  service: Service,
  paths: StatePaths,
  credentials: GitCredentials,
  ctx: StackContext
): Promise<number> {
  return startSelf(
    service,
    ['git-serve', '--root', paths.gitRoot],
    paths.gitLog,
    ctx,
    process.env,
    () => gitAnswers(service.port, credentials)
  );
}

function startArgo(
  service: Service,
  paths: StatePaths,
  token: Secret,
  ctx: StackContext,
  stackEnv: Record<string, string>
): Promise<number> {
  return startSelf(
    service,
    ['argo-serve', '--state', paths.root],
    paths.argoLog,
    ctx,
    // Its Arc jobs read the pinned versions from this stack's S3 server.
    { ...process.env, ...stackEnv },
    () => argoAnswers(service.port, token)
  );
}

async function prepareStateDir(paths: StatePaths): Promise<void> {
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  for (const dir of [paths.logs, paths.run, paths.gitRoot, paths.s3Data]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
}

/** `arcade dev up`: start whatever part of the local stack is not running. */
export async function devUp(flags: DevFlags, ctx: StackContext): Promise<void> {
  const options = devOptions(flags, ctx.env);
  const paths = statePaths(path.resolve(ctx.cwd, options.stateDir));
  await prepareStateDir(paths);
  const gitCredentials = await ensureGitCredentials(paths.gitCredentials);
  const argoToken = await ensureArgoToken(paths.argoToken);
  const previous = await readStackFile(paths.stackFile);
  const svc = services(
    paths,
    previous?.s3.port ?? options.s3Port,
    previous?.git.port ?? options.gitPort,
    previous?.argo?.port ?? options.argoPort
  );
  const s3 = await serviceState(svc.s3);
  const git = await serviceState(svc.git);
  const argo = await serviceState(svc.argo);
  if (argo.running && !(await argoAnswers(svc.argo.port, argoToken))) {
    argo.running = false;
  }
  if (git.running && !(await gitAnswers(svc.git.port, gitCredentials))) {
    // Restarted below with the credentials of this state directory.
    git.running = false;
  }
  if (
    s3.running &&
    git.running &&
    argo.running &&
    s3.pid !== null &&
    git.pid !== null &&
    argo.pid !== null
  ) {
    ctx.output.line(
      `Arcade dev stack already running (state ${paths.root}): ` +
        `S3 on ${s3Endpoint(svc.s3.port)} (pid ${s3.pid}), ` +
        `git on ${describeRemote(gitRemote(svc.git.port))} (pid ${git.pid}), ` +
        `Argo on ${argoUrl(svc.argo.port)} (pid ${argo.pid})`
    );
    return;
  }
  // Whatever is not running starts afresh on the requested ports; a process
  // of ours that is alive but does not answer is stopped first.
  svc.s3.port = s3.running ? svc.s3.port : options.s3Port;
  svc.git.port = git.running ? svc.git.port : options.gitPort;
  svc.argo.port = argo.running ? svc.argo.port : options.argoPort;
  for (const [service, state] of [
    [svc.s3, s3],
    [svc.git, git],
    [svc.argo, argo]
  ] as const) {
    if (!state.running) {
      if (state.pid !== null) {
        await stopProcess(state.pid);
      }
      await removeFile(service.pidFile);
      await assertPortFree(service);
    }
  }

  const s3Pid =
    s3.running && s3.pid !== null ? s3.pid : await startS3(svc.s3, paths, ctx);
  await seedIfNeeded(paths, ctx);
  const gitPid =
    git.running && git.pid !== null
      ? git.pid
      : await startGit(svc.git, paths, gitCredentials, ctx);
  const argoPid =
    argo.running && argo.pid !== null
      ? argo.pid
      : await startArgo(
          svc.argo,
          paths,
          argoToken,
          ctx,
          Object.fromEntries(
            devEnvironment(
              paths.root,
              svc.s3.port,
              svc.git.port,
              gitCredentials,
              svc.argo.port
            ).filter(([name]) => name !== 'ARCADE_GIT_REMOTE')
          )
        );

  const stack: StackFile = {
    s3: { pid: s3Pid, port: svc.s3.port, endpoint: s3Endpoint(svc.s3.port) },
    git: { pid: gitPid, port: svc.git.port, remote: gitRemote(svc.git.port) },
    argo: { pid: argoPid, port: svc.argo.port, url: argoUrl(svc.argo.port) },
    startedAt: new Date().toISOString()
  };
  await writePrivateFile(
    paths.stackFile,
    `${JSON.stringify(stack, null, 2)}\n`
  );
  const stateFlag =
    flags.state === undefined ? '' : ` --state ${shellQuote(paths.root)}`;
  ctx.output.line(
    `Arcade dev stack running: S3 ${stack.s3.endpoint}, ` +
      `git ${describeRemote(stack.git.remote)}, ` +
      `Argo (local service) ${argoUrl(svc.argo.port)}`
  );
  ctx.output.line(`Use it in this shell: eval "$(arcade dev env${stateFlag})"`);
}

/** `arcade dev down`: stop both services; fine to run when nothing runs. */
export async function devDown(
  flags: DevFlags,
  ctx: StackContext
): Promise<void> {
  const options = devOptions(flags, ctx.env);
  const paths = statePaths(path.resolve(ctx.cwd, options.stateDir));
  const svc = services(
    paths,
    options.s3Port,
    options.gitPort,
    options.argoPort
  );
  let stopped = 0;
  for (const service of [svc.argo, svc.git, svc.s3]) {
    const pid = await readPid(service.pidFile);
    if (pid !== null && (await isOurProcess(pid, service.marker))) {
      await stopProcess(pid);
      ctx.output.line(`Stopped ${service.label} (pid ${pid})`);
      stopped++;
    }
    await removeFile(service.pidFile);
  }
  await removeFile(paths.stackFile);
  if (stopped === 0) {
    ctx.output.line(`Arcade dev stack is not running (state ${paths.root})`);
  }
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
  s3Port: number,
  gitPort: number,
  gitCredentials: GitCredentials,
  argoPort: number,
  /** Argo's tools (validator, schema), for a bridge installed outside the checkout. */
  argoDir: string | null = null
): [string, string][] {
  const paths = statePaths(stateDir);
  const lines: [string, string][] = [
    ['ARCADE_STATE_DIR', paths.root],
    ['ARCADE_S3_ENDPOINT', s3Endpoint(s3Port)],
    ['ARCADE_S3_REGION', DEFAULTS.region],
    ['ARCADE_ARTIFACT_BUCKET', DEFAULTS.artifactBucket],
    ['ARCADE_LAKE_BUCKET', DEFAULTS.lakeBucket],
    ['AWS_SHARED_CREDENTIALS_FILE', paths.awsCredentials],
    ['AWS_PROFILE', AWS_PROFILE_NAME],
    ['ARCADE_GIT_REMOTE', gitRemoteWithCredentials(gitPort, gitCredentials)],
    ['ARCADE_ARGO_URL', argoUrl(argoPort)],
    ['ARCADE_ARGO_NAMESPACE', LOCAL_ARGO_NAMESPACE],
    ['ARCADE_ARGO_TOKEN_FILE', paths.argoToken]
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
    stack?.s3.port ?? options.s3Port,
    stack?.git.port ?? options.gitPort,
    gitCredentials,
    stack?.argo?.port ?? options.argoPort,
    argoToolsDir(ctx)
  );
  for (const [name, value] of lines) {
    ctx.output.line(`export ${name}=${shellQuote(value)}`);
  }
}
