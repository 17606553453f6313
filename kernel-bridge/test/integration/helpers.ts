import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** The built CLI, as users run it. */
export const BIN = path.resolve(__dirname, '..', '..', 'bin', 'arcade');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bin/arcade …` to completion. */
export function arcade(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}
): Promise<RunResult> {
  return run(BIN, args, options);
}

export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}
): Promise<RunResult> {
  return new Promise(resolve => {
    execFile(
      command,
      args,
      {
        env: options.env ?? process.env,
        cwd: options.cwd,
        timeout: 120000,
        maxBuffer: 16 * 1024 * 1024
      },
      (error, stdout, stderr) => {
        const code =
          error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      }
    );
  });
}

/** A TCP port nobody listens on right now (nor on the port after it). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0 }, () => {
        const address = server.address();
        server.close(() => {
          resolve(
            typeof address === 'object' && address !== null ? address.port : 0
          );
        });
      });
    });
    if (port > 0 && port < 65535 && (await isFree(port + 1))) {
      return port;
    }
  }
}

export function isFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen({ host: '127.0.0.1', port }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** Live (non-zombie) processes whose command line contains `marker`. */
export function processesMatching(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline !== '' && cmdline.split('\0').join(' ').includes(marker)) {
      pids.push(Number(entry));
    }
  }
  return pids;
}

/** Two free ports for the dev stack; MinIO's console takes the S3 port + 1. */
export async function freeStackPorts(): Promise<{
  s3Port: number;
  gitPort: number;
}> {
  const s3Port = await freePort();
  let gitPort = await freePort();
  while (gitPort === s3Port || gitPort === s3Port + 1) {
    gitPort = await freePort();
  }
  return { s3Port, gitPort };
}

/** `arcade dev up` on the given state folder and ports. */
export function devUp(
  state: string,
  ports: { s3Port: number; gitPort: number },
  env: NodeJS.ProcessEnv
): Promise<RunResult> {
  return arcade(
    [
      'dev',
      'up',
      '--state',
      state,
      '--s3-port',
      String(ports.s3Port),
      '--git-port',
      String(ports.gitPort)
    ],
    { env }
  );
}
