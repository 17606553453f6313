import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ArcadeError } from 'arcade-engine';
import { readGitCredentials } from './credentials';
import { createGitHttpServer } from './gitServer';
import { HOST } from './options';
import { gitCredentialsFile } from './paths';

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
  const credentialsFile = gitCredentialsFile(projectRoot);
  const credentials = await readGitCredentials(credentialsFile);
  if (credentials === null) {
    throw new ArcadeError(
      'config',
      `no git credentials in ${credentialsFile}`,
      { hint: 'start the git server with "arcade dev up", which creates them' }
    );
  }
  const log = (line: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  const server = createGitHttpServer(projectRoot, credentials, log);
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
  log(
    `serving ${projectRoot} on http://${HOST}:${port}/ ` +
      `to user ${credentials.user} (HTTP Basic)`
  );
  const stop = (): void => {
    log('stopping');
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
