import { connect } from 'node:net';
import { chmod, mkdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ArcadeError } from 'arcade-engine';

function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Listens on a unix socket only the current user can open: the parent
 * directory is created 0700 when missing, the socket is created under a
 * restrictive umask and chmod'ed 0600 right after listen.
 */
export async function listenOnSocket(
  app: FastifyInstance,
  socketPath: string
): Promise<string> {
  const resolved = path.resolve(socketPath);
  const dir = path.dirname(resolved);
  if (!(await exists(dir))) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
  }
  if (await exists(resolved)) {
    if (await socketAnswers(resolved)) {
      throw new ArcadeError(
        'port_in_use',
        `socket ${resolved} is already in use by another process`,
        { hint: 'stop that process or pick another --socket path' }
      );
    }
    await unlink(resolved);
  }
  const previousUmask = process.umask(0o177);
  try {
    await app.listen({ path: resolved });
  } finally {
    process.umask(previousUmask);
  }
  await chmod(resolved, 0o600);
  return resolved;
}

/** Dev mode only: TCP on 127.0.0.1, never another interface. */
export async function listenOnPort(
  app: FastifyInstance,
  port: number
): Promise<string> {
  try {
    return await app.listen({ host: '127.0.0.1', port });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ArcadeError(
        'port_in_use',
        `port ${port} on 127.0.0.1 is already in use; pick another with --port`,
        { cause }
      );
    }
    throw cause;
  }
}
