import { ArcadeError, type GitFileStatus } from 'arcade-engine';
import { Command } from 'commander';
import git from 'isomorphic-git';
import fs from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CliContext } from '../cli';
import { GitService } from './service';

/** The repository holding `dir` (the working tree's root). */
export async function findRepository(dir: string): Promise<string> {
  try {
    return await git.findRoot({ fs, filepath: path.resolve(dir) });
  } catch {
    throw new ArcadeError(
      'not_found',
      `${dir} is not inside a git repository`,
      {
        hint: 'run the command from inside the repository, or pass --repo DIR'
      }
    );
  }
}

async function serviceFor(
  ctx: CliContext,
  repo: string | undefined
): Promise<GitService> {
  const root = await findRepository(path.resolve(ctx.cwd, repo ?? '.'));
  return new GitService(root, ctx.env);
}

function statusLine(file: GitFileStatus): string {
  const code = (change: string | null, fallback: string): string =>
    change === null ? fallback : (change[0] ?? '?').toUpperCase();
  if (file.conflicted) {
    return `UU ${file.path}`;
  }
  if (file.unstaged === 'untracked') {
    return `?? ${file.path}`;
  }
  return `${code(file.staged, ' ')}${code(file.unstaged, ' ')} ${file.path}`;
}

interface JsonFlag {
  json?: boolean;
  repo?: string;
}

/** `arcade git status|commit|push|pull`, the Git panel's operations for CI/CD and shells. */
export function gitCommand(ctx: CliContext): Command {
  const command = new Command('git').description(
    "git on the repository around the current folder, with the bridge's token (never written to .git/config)"
  );
  const print = (flags: JsonFlag, value: unknown, text: string): void => {
    ctx.output.line(
      flags.json === true ? JSON.stringify(value, null, 2) : text
    );
  };

  command
    .command('status')
    .description(
      'changed files: staged, unstaged, untracked, conflicted (like git status --short)'
    )
    .option(
      '--repo <dir>',
      'the repository (default: the one around the current folder)'
    )
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlag) => {
      const status = await (await serviceFor(ctx, flags.repo)).status('.');
      const tracking =
        status.ahead === null
          ? ''
          : ` [ahead ${status.ahead}, behind ${status.behind ?? 0}]`;
      print(
        flags,
        status,
        [
          `## ${status.branch ?? '(detached)'}${tracking}`,
          ...status.files.map(statusLine)
        ].join('\n')
      );
    });

  command
    .command('commit')
    .description('commit the staged files (with -a, every tracked change)')
    .requiredOption('-m, --message <text>', 'the commit message')
    .option('-a, --all', 'stage every tracked change first')
    .option('--repo <dir>', 'the repository')
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlag & { message: string; all?: boolean }) => {
      const result = await (
        await serviceFor(ctx, flags.repo)
      ).commit('.', flags.message, flags.all === true);
      print(
        flags,
        result,
        `[${result.branch ?? 'detached'} ${result.commit.slice(0, 7)}] ${flags.message.split('\n')[0] ?? ''}`
      );
    });

  command
    .command('push')
    .description('push the current branch to origin (fast-forward only)')
    .option('--repo <dir>', 'the repository')
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlag) => {
      const result = await (await serviceFor(ctx, flags.repo)).push('.');
      print(
        flags,
        result,
        result.updated
          ? `Pushed ${result.branch} at ${result.commit.slice(0, 7)}`
          : `${result.branch} at ${result.commit.slice(0, 7)} was already on the remote`
      );
    });

  command
    .command('pull')
    .description(
      'fetch origin and fast-forward the current branch; never merges, never overwrites changes'
    )
    .option('--repo <dir>', 'the repository')
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlag) => {
      const result = await (await serviceFor(ctx, flags.repo)).pull('.');
      print(
        flags,
        result,
        result.from === result.to
          ? `${result.branch} is up to date`
          : `Fast-forwarded ${result.branch} to ${result.to?.slice(0, 7) ?? ''} (${result.changedFiles} files)`
      );
    });

  command
    .command('clone')
    .description(
      'clone an HTTPS repository; the remote stored has no credentials'
    )
    .argument('<url>', 'the repository URL')
    .argument('[directory]', 'the new folder (default: from the URL)')
    .option('--branch <name>', 'the branch to check out')
    .option('--json', 'print JSON')
    .action(
      async (
        url: string,
        directory: string | undefined,
        flags: JsonFlag & { branch?: string }
      ) => {
        // The new folder may be anywhere the user can write: clone from its parent.
        const target =
          directory === undefined
            ? undefined
            : path.resolve(ctx.cwd, directory);
        const parent = target === undefined ? ctx.cwd : path.dirname(target);
        await mkdir(parent, { recursive: true });
        const result = await new GitService(parent, ctx.env).clone(
          url,
          target === undefined ? undefined : path.basename(target),
          flags.branch
        );
        print(
          flags,
          result,
          `Cloned into ${result.repo} (${result.branch ?? 'no branch'} at ${result.head?.slice(0, 7) ?? 'no commit'})`
        );
      }
    );

  return command;
}
