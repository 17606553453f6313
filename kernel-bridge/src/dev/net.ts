import { connect, createServer } from 'node:net';
import { request } from 'node:http';

/** True when something accepts TCP connections on host:port. */
export function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** True when we could bind host:port ourselves right now. */
export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** Status code of a GET, or null when nothing answered. */
export function httpStatus(
  url: string,
  timeoutMs = 2000,
  headers: Record<string, string> = {}
): Promise<number | null> {
  return new Promise(resolve => {
    const options = { method: 'GET', timeout: timeoutMs, headers };
    const req = request(url, options, res => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.once('timeout', () => {
      req.destroy();
      resolve(null);
    });
    req.once('error', () => {
      resolve(null);
    });
    req.end();
  });
}
