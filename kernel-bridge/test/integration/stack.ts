import { ArcadeError } from 'arcade-engine';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { arcade, devUp, freeStackPorts, run, type RunResult } from './helpers';

/** A running local stack (real MinIO and git http-backend) for one test file. */
export interface Stack {
  tmp: string;
  state: string;
  /** The environment `arcade dev env` prints, over this process's. */
  env: NodeJS.ProcessEnv;
  /** `ARCADE_GIT_REMOTE` without credentials. */
  remote: string;
  /** The secrets in use, for scanning output. */
  secrets: string[];
  stop(): Promise<void>;
}

/** Writes a small workspace the stack seeds its repository from. */
function writeSample(dir: string): void {
  mkdirSync(path.join(dir, 'notebooks'), { recursive: true });
  mkdirSync(path.join(dir, 'sql'), { recursive: true });
  const cell = (source: string) => ({
    cell_type: 'code',
    metadata: {},
    execution_count: null,
    outputs: [],
    // As JupyterLab saves it: a list of lines (Arc skips a string source).
    source: source.split(/(?<=\n)/)
  });
  writeFileSync(
    path.join(dir, 'notebooks', 'orders.ipynb'),
    JSON.stringify(
      {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {
          kernelspec: {
            name: 'arc',
            display_name: 'Arc',
            language: 'javascript'
          }
        },
        cells: [
          cell(
            '%sql name="recent orders" outputView=recent_orders environments=dev,test\nSELECT 1 AS id'
          ),
          cell(
            '%sql name="order count" outputView=order_count environments=dev,test\nSELECT COUNT(*) AS n FROM recent_orders'
          )
        ]
      },
      null,
      1
    )
  );
  writeFileSync(path.join(dir, 'sql', 'daily.sql'), 'SELECT 1 AS one\n');
  writeFileSync(path.join(dir, 'README.md'), '# Sample workspace\n');
}

export async function startStack(prefix: string): Promise<Stack> {
  const tmp = mkdtempSync(path.join(tmpdir(), `arcade-${prefix}-`));
  const state = path.join(tmp, 'state');
  const sample = path.join(tmp, 'sample');
  writeSample(sample);
  const ports = await freeStackPorts();
  const base = { ...process.env, ARCADE_SAMPLE_WORKSPACE: sample };
  const up = await devUp(state, ports, base);
  if (up.code !== 0) {
    throw new Error(`dev up failed: ${up.stderr}`);
  }
  const printed = await arcade(['dev', 'env', '--state', state], { env: base });
  const env: NodeJS.ProcessEnv = { ...base };
  for (const line of printed.stdout.trim().split('\n')) {
    const match = /^export ([A-Z_0-9]+)=(.*)$/.exec(line);
    if (match !== null) {
      env[match[1] ?? ''] = (match[2] ?? '').replace(/^'(.*)'$/, '$1');
    }
  }
  const remoteWithCredentials = new URL(env.ARCADE_GIT_REMOTE ?? '');
  const secrets = [
    decodeURIComponent(remoteWithCredentials.password),
    env.AWS_SECRET_ACCESS_KEY ?? ''
  ].filter(value => value.length >= 6);
  remoteWithCredentials.username = '';
  remoteWithCredentials.password = '';
  return {
    tmp,
    state,
    env,
    remote: remoteWithCredentials.href,
    secrets,
    stop: async () => {
      await arcade(['dev', 'down', '--state', state], { env: base });
      rmSync(tmp, { recursive: true, force: true });
    }
  };
}

/** Plain git, with the stack's credentials given on the command line only. */
export function plainGit(
  _stack: Stack,
  args: string[],
  cwd: string
): Promise<RunResult> {
  return run('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env: {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Other Engineer',
      GIT_AUTHOR_EMAIL: 'other@example.com',
      GIT_COMMITTER_NAME: 'Other Engineer',
      GIT_COMMITTER_EMAIL: 'other@example.com'
    }
  });
}

/** Clones the stack's repository with plain git into `dir` (credentials in its config: a tool other than Arcade). */
export async function plainClone(stack: Stack, dir: string): Promise<void> {
  const result = await plainGit(
    stack,
    ['clone', '--quiet', stack.env.ARCADE_GIT_REMOTE ?? '', dir],
    stack.tmp
  );
  if (result.code !== 0) {
    throw new Error(`git clone failed: ${result.stderr}`);
  }
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}

/**
 * Awaits an operation that must fail with an ArcadeError and returns it;
 * its CLI line and response body are added to `seen`, for the secret scans.
 */
export async function refusal(
  seen: string[],
  work: Promise<unknown>
): Promise<ArcadeError> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(ArcadeError);
    const arcadeError = error as ArcadeError;
    seen.push(
      arcadeError.toCliLine(),
      JSON.stringify(arcadeError.toResponse())
    );
    return arcadeError;
  }
  throw new Error('expected the operation to fail');
}
