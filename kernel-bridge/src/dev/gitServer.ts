import { spawn } from 'node:child_process';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http';
import { cgiEnvironment, findHeaderEnd, parseCgiHead } from './cgi';

/** The user the dev git server acts as; http-backend needs one to accept pushes. */
const REMOTE_USER = 'arcade';

function plain(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

function handle(
  projectRoot: string,
  req: IncomingMessage,
  res: ServerResponse,
  log: (line: string) => void
): void {
  const cgiEnv = cgiEnvironment(
    {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress ?? '127.0.0.1'
    },
    projectRoot,
    REMOTE_USER
  );
  if (cgiEnv === null) {
    plain(res, 400, 'bad repository path');
    return;
  }
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? projectRoot,
      ...cgiEnv
    },
    stdio: ['pipe', 'pipe', 'pipe']
  });

  let pending: Buffer = Buffer.alloc(0);
  let headDone = false;

  child.stdout.on('data', (chunk: Buffer) => {
    if (headDone) {
      res.write(chunk);
      return;
    }
    pending = Buffer.concat([pending, chunk]);
    const end = findHeaderEnd(pending);
    if (end === null) {
      return;
    }
    headDone = true;
    try {
      const head = parseCgiHead(
        pending.subarray(0, end.headerEnd).toString('latin1')
      );
      res.writeHead(head.status, head.statusMessage, head.headers.flat());
    } catch (error) {
      log(`git http-backend: ${(error as Error).message}`);
      plain(res, 502, 'bad response from git http-backend');
      child.kill();
      return;
    }
    res.write(pending.subarray(end.bodyStart));
  });
  child.stderr.on('data', (chunk: Buffer) => {
    log(`git http-backend: ${chunk.toString('utf8').trimEnd()}`);
  });
  child.on('error', error => {
    log(`cannot run git http-backend: ${error.message}`);
    plain(res, 500, 'cannot run git http-backend');
  });
  child.on('close', code => {
    if (!headDone) {
      log(`git http-backend exited with ${String(code)} before any header`);
      plain(res, 502, 'git http-backend failed');
      return;
    }
    res.end();
  });
  // A client that goes away leaves nothing to answer; the CGI ends on EPIPE.
  child.stdin.on('error', () => undefined);
  req.pipe(child.stdin);
}

/** A smart-HTTP git server over the bare repositories under `projectRoot`. */
export function createGitHttpServer(
  projectRoot: string,
  log: (line: string) => void
): Server {
  return createServer((req, res) => {
    handle(projectRoot, req, res, log);
  });
}
