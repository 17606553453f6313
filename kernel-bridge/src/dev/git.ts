import { execFile } from 'node:child_process';
import { ArcadeError } from 'arcade-engine';
import { describeRemote } from '../gitRemote';

export const DEMO_AUTHOR_NAME = 'Arcade Demo';
export const DEMO_AUTHOR_EMAIL = 'demo@arcade.local';

/** Anything that looks like a URL, as git and curl print them. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"`<>]+/gi;

/**
 * `text` with every URL in it shown the way `describeRemote` shows a
 * remote: no password, no token. For git's messages and command lines.
 */
export function redactRemotes(text: string): string {
  return text.replace(URL_IN_TEXT, url => describeRemote(url));
}

/**
 * Runs `git …` and returns stdout; failures become one ArcadeError, which
 * never repeats the credentials of a remote in the arguments or in git's
 * message.
 */
export function runGit(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_AUTHOR_NAME: DEMO_AUTHOR_NAME,
          GIT_AUTHOR_EMAIL: DEMO_AUTHOR_EMAIL,
          GIT_COMMITTER_NAME: DEMO_AUTHOR_NAME,
          GIT_COMMITTER_EMAIL: DEMO_AUTHOR_EMAIL
        },
        maxBuffer: 16 * 1024 * 1024
      },
      (error, stdout, stderr) => {
        if (error !== null) {
          const code = (error as NodeJS.ErrnoException).code;
          reject(
            code === 'ENOENT'
              ? new ArcadeError('missing_dependency', 'git is not installed', {
                  hint: 'install git and make sure it is on PATH'
                })
              : new ArcadeError(
                  'process_failed',
                  `git ${args[0] ?? ''} failed: ` +
                    redactRemotes(stderr.trim() || error.message)
                )
          );
          return;
        }
        resolve(stdout);
      }
    );
  });
}
