import {
  Command,
  CommanderError,
  InvalidArgumentError,
  Option
} from 'commander';
import type { Env } from './config';
import { toArcadeError } from 'arcade-engine';
import type { Output } from './logger';
import path from 'node:path';
import { runArgoServe } from './dev/argo';
import { runAthenaServe } from './dev/athena';
import { catalogCommand, queryCommand } from './catalog/commands';
import { runGitServer } from './dev/gitServe';
import { gitCommand } from './git/commands';
import { publishCommands } from './publish/commands';
import { scheduleCommand } from './schedule/commands';
import { runsCommands } from './schedule/runCommands';
import { parsePort } from './dev/options';
import { devEnv } from './dev/environment';
import { devDown, devUp, type StackContext } from './dev/stack';
import { runCommand } from './runs/command';
import { compileCommand, lineageCommand, lintCommand } from './stages/commands';
import { serve } from './serve';
import { VERSION } from './version';

export interface CliContext {
  env: Env;
  cwd: string;
  output: Output;
  selfCommand: string[];
  repoRoot: string | null;
}

function portArgument(value: string): number {
  try {
    return parsePort(value, 'port');
  } catch {
    throw new InvalidArgumentError(
      'expected a port number between 1 and 65535'
    );
  }
}

interface DevCommandFlags {
  state?: string;
  s3Port?: string;
  gitPort?: string;
  argoPort?: string;
  athenaPort?: string;
}

function stateOption(): Option {
  return new Option(
    '--state <dir>',
    'state directory (env ARCADE_STATE_DIR, default .arcade)'
  );
}

/** The `arcade` command tree; actions are thin calls into the services. */
export function buildProgram(ctx: CliContext): Command {
  const stackContext: StackContext = ctx;
  const program = new Command('arcade')
    .description(
      'Arcade kernel-bridge: SDK, CLI and HTTP service for Arc notebooks'
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: text => {
        ctx.output.write(text);
      },
      writeErr: text => {
        ctx.output.error(text.trimEnd());
      },
      outputError: (text, write) => {
        const what = text.trim().replace(/^error:\s*/, '');
        write(`arcade: ${what} — see "arcade --help"`);
      }
    });

  program
    .command('serve')
    .description(
      'serve the HTTP API on a unix socket (or on 127.0.0.1 in dev mode)'
    )
    .option('--socket <path>', 'unix socket to listen on (made 0600)')
    .option(
      '--port <port>',
      'dev mode: listen on 127.0.0.1:<port>, requires ARCADE_DEV_TOKEN',
      portArgument
    )
    .action(async (flags: { socket?: string; port?: number }) => {
      await serve(flags, ctx.env, ctx.output);
    });

  program.addCommand(runCommand(ctx));
  program.addCommand(compileCommand(ctx));
  program.addCommand(lintCommand(ctx));
  program.addCommand(lineageCommand(ctx));
  program.addCommand(gitCommand(ctx));
  publishCommands(ctx).forEach(command => program.addCommand(command));
  program.addCommand(scheduleCommand(ctx));
  runsCommands(ctx).forEach(command => program.addCommand(command));
  program.addCommand(catalogCommand(ctx));
  program.addCommand(queryCommand(ctx));

  const dev = program
    .command('dev')
    .description(
      'the local stack: S3 server (MinIO), git server, the local Argo service and the local Athena endpoint'
    );

  dev
    .command('up')
    .description(
      'start the local S3 server, git server, Argo service and Athena endpoint (detached)'
    )
    .addOption(stateOption())
    .option(
      '--s3-port <port>',
      'S3 port on 127.0.0.1 (env ARCADE_S3_PORT, default 9010)'
    )
    .option(
      '--git-port <port>',
      'git port on 127.0.0.1 (env ARCADE_GIT_PORT, default 9020)'
    )
    .option(
      '--argo-port <port>',
      'local Argo service port on 127.0.0.1 (env ARCADE_ARGO_PORT, default 9030)'
    )
    .option(
      '--athena-port <port>',
      'local Athena endpoint port on 127.0.0.1 (env ARCADE_ATHENA_PORT, default 9040)'
    )
    .action(async (flags: DevCommandFlags) => {
      await devUp(flags, stackContext);
    });

  dev
    .command('down')
    .description('stop the local stack')
    .addOption(stateOption())
    .action(async (flags: DevCommandFlags) => {
      await devDown(flags, stackContext);
    });

  dev
    .command('env')
    .description('print export lines that point tools at the local stack')
    .addOption(stateOption())
    .action(async (flags: DevCommandFlags) => {
      await devEnv(flags, stackContext);
    });

  dev
    .command('git-serve', { hidden: true })
    .description('run the git smart-HTTP server in the foreground')
    .requiredOption('--root <dir>', 'directory of bare repositories')
    .requiredOption('--port <port>', 'port on 127.0.0.1', portArgument)
    .action(async (flags: { root: string; port: number }) => {
      await runGitServer(flags.root, flags.port);
    });

  dev
    .command('argo-serve', { hidden: true })
    .description('run the local Argo service in the foreground')
    .requiredOption('--state <dir>', 'the dev stack state folder')
    .requiredOption('--port <port>', 'port on 127.0.0.1', portArgument)
    .action(async (flags: { state: string; port: number }) => {
      await runArgoServe(
        path.resolve(ctx.cwd, flags.state),
        flags.port,
        ctx.env,
        ctx.repoRoot,
        error => {
          ctx.output.error(`local Argo: ${String(error)}`);
        }
      );
    });

  dev
    .command('athena-serve', { hidden: true })
    .description('run the local Athena endpoint in the foreground')
    .requiredOption('--state <dir>', 'the dev stack state folder')
    .requiredOption('--port <port>', 'port on 127.0.0.1', portArgument)
    .action(async (flags: { state: string; port: number }) => {
      await runAthenaServe(
        path.resolve(ctx.cwd, flags.state),
        flags.port,
        ctx.env,
        ctx.repoRoot,
        error => {
          ctx.output.error(`local Athena: ${String(error)}`);
        }
      );
    });

  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function runCli(
  argv: string[],
  ctx: CliContext
): Promise<number | null> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return null;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    const arcadeError = toArcadeError(error);
    ctx.output.error(arcadeError.toCliLine());
    return arcadeError.exitCode;
  }
}
