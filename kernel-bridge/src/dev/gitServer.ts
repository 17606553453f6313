import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http';
import { cgiEnvironment, findHeaderEnd, parseCgiHead } from './cgi';
import type { GitCredentials } from './credentials';
import { isAuthorized, isServedHost, REALM } from './httpAuth';

function plain(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {}
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8'
  });
  res.end(`${text}\n`);
}

/** Answers without reading the request; its body is thrown away. */
function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {}
): void {
  req.resume();
  plain(res, status, text, headers);
}

function handle(
  projectRoot: string,
  credentials: GitCredentials,
  req: IncomingMessage,
  res: ServerResponse,
  log: (line: string) => void
): void {
  if (!isServedHost(req.headers.host, req.socket.localPort ?? 0)) {
    refuse(req, res, 403, 'unknown host');
    return;
  }
  // Every request, fetches included: the workspace is nobody else's.
  if (!isAuthorized(req.headers.authorization, credentials)) {
    refuse(req, res, 401, 'authentication required', {
      'WWW-Authenticate': `Basic realm="${REALM}"`
    });
    return;
  }
  const cgiEnv = cgiEnvironment(
    {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress ?? '127.0.0.1'
    },
    projectRoot,
    // http-backend accepts pushes only from an authenticated user.
    credentials.user
  );
  if (cgiEnv === null) {
    refuse(req, res, 400, 'bad repository path');
    return;
  }
  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawnBackend(projectRoot, cgiEnv);
  } catch (error) {
    // Whatever one request holds must not take the server down.
    log(`cannot run git http-backend: ${(error as Error).message}`);
    refuse(req, res, 500, 'cannot run git http-backend');
    return;
  }

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

function spawnBackend(
  projectRoot: string,
  cgiEnv: Record<string, string>
): ChildProcessWithoutNullStreams {
  return spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? projectRoot,
      ...cgiEnv
    },
    stdio: ['pipe', 'pipe', 'pipe']
  });
}

/**
 * A smart-HTTP git server over the bare repositories under `projectRoot`,
 * for clients that send `credentials` (HTTP Basic) to 127.0.0.1 or
 * localhost on the port it listens on.
 */
export function createGitHttpServer(
  projectRoot: string,
  credentials: GitCredentials,
  log: (line: string) => void
): Server {
  return createServer((req, res) => {
    handle(projectRoot, credentials, req, res, log);
  });
}
