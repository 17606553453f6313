/**
 * The services of the dev stack — what each is, whether it runs, starting
 * one and waiting until it answers — shared by `dev up`, `dev down` and `dev env`.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ArcadeError } from 'arcade-engine';
import type { Env } from '../config';
import type { Output } from '../logger';
import {
  isOurProcess,
  readPid,
  removeFile,
  spawnDetached,
  stopProcess,
  writePid
} from '../processes';
import { portAnswers, portIsFree } from './net';
import { HOST } from './options';
import type { StatePaths } from './paths';

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
  /** The local Athena endpoint; requests are signed with the S3 server's key. */
  athena?: { pid: number; port: number; endpoint: string };
  startedAt: string;
}

export const READY_TIMEOUT_MS = 60000;

export interface Service {
  label: string;
  pidFile: string;
  /** Part of the process's command line that proves it is ours. */
  marker: string;
  port: number;
  portFlag: string;
  portEnv: string;
}

export interface ServiceState {
  pid: number | null;
  running: boolean;
}

export function s3Endpoint(port: number): string {
  return `http://${HOST}:${port}`;
}

export function gitRemote(port: number): string {
  return `http://${HOST}:${port}/workspace.git`;
}

export async function readStackFile(file: string): Promise<StackFile | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StackFile;
  } catch {
    return null;
  }
}

export async function serviceState(service: Service): Promise<ServiceState> {
  const pid = await readPid(service.pidFile);
  if (pid === null || !(await isOurProcess(pid, service.marker))) {
    return { pid: null, running: false };
  }
  return { pid, running: await portAnswers(HOST, service.port) };
}

/** Ports of the stack's services on 127.0.0.1. */
export interface StackPorts {
  s3: number;
  git: number;
  argo: number;
  athena: number;
}

export function services(
  paths: StatePaths,
  ports: StackPorts
): { s3: Service; git: Service; argo: Service; athena: Service } {
  return {
    argo: {
      label: 'local Argo service',
      pidFile: paths.argoPid,
      marker: `argo-serve --state ${paths.root}`,
      port: ports.argo,
      portFlag: '--argo-port',
      portEnv: 'ARCADE_ARGO_PORT'
    },
    athena: {
      label: 'local Athena endpoint',
      pidFile: paths.athenaPid,
      marker: `athena-serve --state ${paths.root}`,
      port: ports.athena,
      portFlag: '--athena-port',
      portEnv: 'ARCADE_ATHENA_PORT'
    },
    s3: {
      label: 'S3 server',
      pidFile: paths.minioPid,
      marker: `server ${paths.s3Data}`,
      port: ports.s3,
      portFlag: '--s3-port',
      portEnv: 'ARCADE_S3_PORT'
    },
    git: {
      label: 'git server',
      pidFile: paths.gitPid,
      marker: `git-serve --root ${paths.gitRoot}`,
      port: ports.git,
      portFlag: '--git-port',
      portEnv: 'ARCADE_GIT_PORT'
    }
  };
}

export async function assertPortFree(service: Service): Promise<void> {
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
export async function waitReady(
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

/**
 * Starts `arcade dev <subcommand> …` detached (this same arcade), records
 * its pid and waits until `answers` says it serves.
 */
export async function startSelf(
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
