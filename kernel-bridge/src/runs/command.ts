import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { ArcadeError, parseVar, type RunEvent } from 'arcade-engine';
import type { CliContext } from '../cli';
import { loadSettings } from '../config';
import { formatEvent, failureLine } from './format';
import { arcRuntime } from './runtime';
import { RunService } from './service';

interface RunFlags {
  env: string;
  var: string[];
  format: 'text' | 'json';
}

function collectVar(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `arcade run NOTEBOOK --env ENV [--var K=V …] [--format text|json]` */
export function runCommand(ctx: CliContext): Command {
  return new Command('run')
    .description(
      "run a notebook as an Arc batch job on local Spark; exits with Arc's code"
    )
    .argument('<notebook>', 'the Arc notebook (.ipynb) to run')
    .requiredOption('--env <environment>', 'Arc environment, e.g. dev')
    .option(
      '--var <name=value>',
      'value for ${name} in the notebook (repeatable)',
      collectVar,
      []
    )
    .addOption(
      new Option('--format <format>', 'progress output')
        .choices(['text', 'json'])
        .default('text')
    )
    .action(async (notebook: string, flags: RunFlags) => {
      const file = path.resolve(ctx.cwd, notebook);
      if (!existsSync(file)) {
        throw new ArcadeError('usage', `notebook not found: ${file}`, {
          hint: 'pass the path of an .ipynb file'
        });
      }
      const vars = Object.fromEntries(flags.var.map(parseVar));
      const settings = loadSettings(ctx.env, ctx.cwd);
      const service = new RunService({
        runtime: () => arcRuntime(ctx.env, settings, ctx.repoRoot),
        settings,
        env: ctx.env
      });
      const run = await service
        .start({
          notebookFile: file,
          notebook,
          environment: flags.env,
          vars
        })
        .catch((error: unknown) => {
          // Bad input to a CLI is a usage error (exit 2), whatever HTTP would say.
          if (error instanceof ArcadeError && error.code === 'bad_request') {
            throw new ArcadeError('usage', error.message, { hint: error.hint });
          }
          throw error;
        });
      const events: RunEvent[] = [];
      run.onEvent(event => {
        events.push(event);
        ctx.output.line(
          flags.format === 'json' ? JSON.stringify(event) : formatEvent(event)
        );
      });
      const cancel = (): void => {
        run.cancel();
      };
      process.once('SIGINT', cancel);
      process.once('SIGTERM', cancel);
      const summary = await run.done;
      process.off('SIGINT', cancel);
      process.off('SIGTERM', cancel);
      if (summary.status !== 'succeeded') {
        throw new ArcadeError(
          'process_failed',
          failureLine(summary, events),
          summary.status === 'cancelled'
            ? {}
            : { hint: 'see the failed stage above' }
        );
      }
    });
}
