/** `arcade dev up` and `arcade dev down`: the local stack's services, started detached. */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULTS } from '../config';
import { describeRemote } from '../gitRemote';
import { writePrivateFile } from '../privateFile';
import {
  isOurProcess,
  readPid,
  removeFile,
  spawnDetached,
  stopProcess,
  writePid
} from '../processes';
import type { Secret } from '../secret';
import { argoAnswers, argoUrl, ensureArgoToken } from './argo';
import { athenaAnswers, athenaEndpoint } from './athena';
import { ensureBuckets } from './buckets';
import {
  ensureCredentials,
  ensureGitCredentials,
  type GitCredentials
} from './credentials';
import { devEnvironment, shellQuote } from './environment';
import {
  minioArgs,
  minioEnv,
  minioReadyUrl,
  resolveMinioBinary
} from './minio';
import { httpStatus } from './net';
import { devOptions, type DevFlags } from './options';
import { statePaths, type StatePaths } from './paths';
import { repoExists, seedWorkspaceRepo } from './seed';
import {
  assertPortFree,
  gitRemote,
  readStackFile,
  s3Endpoint,
  services,
  serviceState,
  startSelf,
  waitReady,
  type Service,
  type StackContext,
  type StackFile
} from './services';

export type { StackContext } from './services';

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

function startAthena(
  service: Service,
  paths: StatePaths,
  ctx: StackContext,
  stackEnv: Record<string, string>
): Promise<number> {
  return startSelf(
    service,
    ['athena-serve', '--state', paths.root],
    paths.athenaLog,
    ctx,
    // It reads the lake's s3:// tables from this stack's S3 server.
    { ...process.env, ...stackEnv },
    () => athenaAnswers(service.port)
  );
}

/** `arcade dev up`: start whatever part of the local stack is not running. */
export async function devUp(flags: DevFlags, ctx: StackContext): Promise<void> {
  const options = devOptions(flags, ctx.env);
  const paths = statePaths(path.resolve(ctx.cwd, options.stateDir));
  await prepareStateDir(paths);
  const gitCredentials = await ensureGitCredentials(paths.gitCredentials);
  const argoToken = await ensureArgoToken(paths.argoToken);
  const previous = await readStackFile(paths.stackFile);
  const svc = services(paths, {
    s3: previous?.s3.port ?? options.s3Port,
    git: previous?.git.port ?? options.gitPort,
    argo: previous?.argo?.port ?? options.argoPort,
    athena: previous?.athena?.port ?? options.athenaPort
  });
  const s3 = await serviceState(svc.s3);
  const git = await serviceState(svc.git);
  const argo = await serviceState(svc.argo);
  const athena = await serviceState(svc.athena);
  if (argo.running && !(await argoAnswers(svc.argo.port, argoToken))) {
    argo.running = false;
  }
  if (athena.running && !(await athenaAnswers(svc.athena.port))) {
    athena.running = false;
  }
  if (git.running && !(await gitAnswers(svc.git.port, gitCredentials))) {
    // Restarted below with the credentials of this state directory.
    git.running = false;
  }
  const all = [
    [svc.s3, s3, options.s3Port],
    [svc.git, git, options.gitPort],
    [svc.argo, argo, options.argoPort],
    [svc.athena, athena, options.athenaPort]
  ] as const;
  if (all.every(([, state]) => state.running && state.pid !== null)) {
    ctx.output.line(
      `Arcade dev stack already running (state ${paths.root}): ` +
        all
          .map(
            ([service, state]) =>
              `${service.label} on port ${service.port} (pid ${state.pid ?? '?'})`
          )
          .join(', ')
    );
    return;
  }
  // Whatever is not running starts afresh on the requested ports; a process
  // of ours that is alive but does not answer is stopped first.
  for (const [service, state, port] of all) {
    if (!state.running) {
      service.port = port;
      if (state.pid !== null) {
        await stopProcess(state.pid);
      }
      await removeFile(service.pidFile);
      await assertPortFree(service);
    }
  }
  const ports = {
    s3: svc.s3.port,
    git: svc.git.port,
    argo: svc.argo.port,
    athena: svc.athena.port
  };
  const stackEnv = Object.fromEntries(
    devEnvironment(paths.root, ports, gitCredentials).filter(
      ([name]) => name !== 'ARCADE_GIT_REMOTE'
    )
  );

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
      : await startArgo(svc.argo, paths, argoToken, ctx, stackEnv);
  const athenaPid =
    athena.running && athena.pid !== null
      ? athena.pid
      : await startAthena(svc.athena, paths, ctx, stackEnv);

  const stack: StackFile = {
    s3: { pid: s3Pid, port: ports.s3, endpoint: s3Endpoint(ports.s3) },
    git: { pid: gitPid, port: ports.git, remote: gitRemote(ports.git) },
    argo: { pid: argoPid, port: ports.argo, url: argoUrl(ports.argo) },
    athena: {
      pid: athenaPid,
      port: ports.athena,
      endpoint: athenaEndpoint(ports.athena)
    },
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
      `Argo (local service) ${argoUrl(ports.argo)}, ` +
      `Athena (local endpoint) ${athenaEndpoint(ports.athena)}`
  );
  ctx.output.line(`Use it in this shell: eval "$(arcade dev env${stateFlag})"`);
}

/** `arcade dev down`: stop the services; fine to run when nothing runs. */
export async function devDown(
  flags: DevFlags,
  ctx: StackContext
): Promise<void> {
  const options = devOptions(flags, ctx.env);
  const paths = statePaths(path.resolve(ctx.cwd, options.stateDir));
  const svc = services(paths, {
    s3: options.s3Port,
    git: options.gitPort,
    argo: options.argoPort,
    athena: options.athenaPort
  });
  let stopped = 0;
  for (const service of [svc.argo, svc.athena, svc.git, svc.s3]) {
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
