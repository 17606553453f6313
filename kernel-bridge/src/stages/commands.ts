import path from 'node:path';
import { Command } from 'commander';
import type { CliContext } from '../cli';
import { ArcadeError } from '../errors';
import { compileNotebookFile } from './service';

function collectVar(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseVar(text: string): [string, string] {
  const equals = text.indexOf('=');
  if (equals <= 0) {
    throw new ArcadeError('usage', `invalid --var "${text}"`, {
      hint: 'write --var NAME=value'
    });
  }
  return [text.slice(0, equals), text.slice(equals + 1)];
}

/** `arcade compile NOTEBOOK [--var K=V …]`: the Arc job as JSON on stdout. */
export function compileCommand(ctx: CliContext): Command {
  return new Command('compile')
    .description(
      'compile an Arc notebook to the job Arc would run, as JSON on stdout'
    )
    .argument('<notebook>', 'the Arc notebook (.ipynb)')
    .option(
      '--var <name=value>',
      'value for ${name} in the notebook (repeatable); others stay {"$subst": name}',
      collectVar,
      []
    )
    .option(
      '--complete',
      'the --var values are all there are: drop unset ${?name}, fail on unset ${name}'
    )
    .action(
      async (
        notebook: string,
        flags: { var: string[]; complete?: boolean }
      ) => {
        const vars = Object.fromEntries(flags.var.map(parseVar));
        const result = await compileNotebookFile(
          path.resolve(ctx.cwd, notebook),
          {
            file: notebook,
            vars
          }
        );
        ctx.output.line(JSON.stringify(result.job, null, 2));
      }
    );
}
