import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ArcadeError } from 'arcade-engine';
import { createGitHttpServer } from './gitServer';
import { HOST } from './options';

/**
 * `arcade dev git-serve`: the long-running git smart-HTTP server that
 * `dev up` starts detached. Logs go to stderr (the log file).
 */
export async function runGitServer(root: string, port: number): Promise<void> {
  const projectRoot = path.resolve(root);
  try {
    if (!(await stat(projectRoot)).isDirectory()) {
      throw new Error('not a directory');
    }
  } catch (cause) {
    throw new ArcadeError(
      'config',
      `git root ${projectRoot} is not a directory`,
      {
        hint: 'run "arcade dev up" to create it',
        cause
      }
    );
  }
  const log = (line: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  const server = createGitHttpServer(projectRoot, log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: HOST, port }, resolve);
  }).catch((cause: unknown) => {
    throw new ArcadeError(
      'port_in_use',
      `git server cannot listen on ${HOST}:${port}: ${(cause as Error).message}`,
      { cause }
    );
  });
  log(`serving ${projectRoot} on http://${HOST}:${port}/`);
  const stop = (): void => {
    log('stopping');
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
