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
