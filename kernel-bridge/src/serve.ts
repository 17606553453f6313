import type { Env } from './config';
import { loadSettings } from './config';
import { ArcadeError } from 'arcade-engine';
import type { Output } from './logger';
import { reapOrphans } from './runs/children';
import { runsDir } from './runs/runtime';
import { createServer } from './server/app';
import { listenOnPort, listenOnSocket } from './server/listen';
import { VERSION } from './version';

export interface ServeFlags {
  socket?: string;
  port?: number;
}

/** `arcade serve`: the HTTP service behind jupyter-server-proxy. */
export async function serve(
  flags: ServeFlags,
  env: Env,
  output: Output
): Promise<void> {
  if ((flags.socket === undefined) === (flags.port === undefined)) {
    throw new ArcadeError(
      'usage',
      'serve needs exactly one of --socket or --port',
      {
        hint: 'use --socket PATH (normal) or --port N with ARCADE_DEV_TOKEN (dev mode)'
      }
    );
  }
  const settings = loadSettings(env);
  const devMode = flags.port !== undefined;
  if (devMode && settings.devToken === null) {
    throw new ArcadeError('usage', 'serve --port needs ARCADE_DEV_TOKEN', {
      hint: 'set ARCADE_DEV_TOKEN to a random string; requests must send "Authorization: token <value>"'
    });
  }
  const app = createServer(settings, {
    requireDevToken: devMode,
    reportError: error => {
      const text =
        error instanceof Error ? (error.stack ?? error.message) : String(error);
      output.error(
        `arcade: unexpected error while handling a request: ${text}`
      );
    }
  });
  const reaped = await reapOrphans(runsDir(env));
  if (reaped > 0) {
    output.line(
      `Stopped ${reaped} Arc ${reaped === 1 ? 'run' : 'runs'} a previous bridge left running`
    );
  }
  const address =
    flags.socket !== undefined
      ? `unix:${await listenOnSocket(app, flags.socket)}`
      : await listenOnPort(app, flags.port ?? 0);
  output.line(`Arcade bridge ${VERSION} listening on ${address}`);
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
