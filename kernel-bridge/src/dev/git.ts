import { execFile } from 'node:child_process';
import { ArcadeError } from 'arcade-engine';

export const DEMO_AUTHOR_NAME = 'Arcade Demo';
export const DEMO_AUTHOR_EMAIL = 'demo@arcade.local';

/** Runs `git …` and returns stdout; failures become one ArcadeError. */
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
                  `git ${args[0] ?? ''} failed: ${stderr.trim() || error.message}`
                )
          );
          return;
        }
        resolve(stdout);
      }
    );
  });
}
