import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { BIN } from './helpers';

export interface HttpAnswer {
  status: number;
  body: string;
}

export function httpRequest(
  target: { socketPath: string } | { port: number },
  method: string,
  urlPath: string,
  headers: Record<string, string> = {},
  body?: string
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...('socketPath' in target
          ? { socketPath: target.socketPath }
          : { host: '127.0.0.1', port: target.port }),
        method,
        path: urlPath,
        headers
      },
      res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
      }
    );
    req.once('error', reject);
    req.end(body);
  });
}

/** Starts `arcade serve …` and waits for its "listening" line. */
export function startServe(
  args: string[],
  env: NodeJS.ProcessEnv,
  /** Receives everything the bridge writes, stdout and stderr. */
  log: string[] = []
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      stdout += chunk.toString();
      if (stdout.includes('listening on')) {
        resolve(child);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      stderr += chunk.toString();
    });
    child.once('exit', code => {
      reject(new Error(`arcade serve exited with ${String(code)}: ${stderr}`));
    });
  });
}

export function stop(child: ChildProcess): Promise<number | null> {
  return new Promise(resolve => {
    if (child.exitCode !== null) {
      resolve(child.exitCode);
      return;
    }
    child.removeAllListeners('exit');
    child.once('exit', code => {
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** Headers that pass the bridge's XSRF check: the token in header and cookie, same origin. */
export const XSRF_HEADERS: Record<string, string> = {
  'x-xsrftoken': 'tok',
  cookie: '_xsrf=tok',
  'sec-fetch-site': 'same-origin'
};

// The caller names the answer's type, as with a cast.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export type BridgeCall = <T>(
  method: string,
  url: string,
  body?: unknown,
  headers?: Record<string, string>
) => Promise<{ status: number; json: T }>;

/**
 * JSON requests to a bridge on a socket (read when a request is made), as
 * the browser sends them: XSRF headers on everything but a plain GET unless
 * `headers` says otherwise. Every answer's body is kept in `answers`.
 */
export function bridgeClient(
  socketPath: () => string,
  answers: string[]
): BridgeCall {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  return async <T>(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>
  ): Promise<{ status: number; json: T }> => {
    const base =
      headers ?? (method === 'GET' && body === undefined ? {} : XSRF_HEADERS);
    const answer = await httpRequest(
      { socketPath: socketPath() },
      method,
      url,
      body === undefined
        ? base
        : { ...base, 'content-type': 'application/json' },
      body === undefined ? undefined : JSON.stringify(body)
    );
    answers.push(answer.body);
    return { status: answer.status, json: JSON.parse(answer.body) as T };
  };
}
