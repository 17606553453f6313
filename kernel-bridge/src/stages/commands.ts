import {
  ArcadeError,
  lineageToDot,
  parseVar,
  type LintDiagnostic
} from 'arcade-engine';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { CliContext } from '../cli';
import { loadSettings } from '../config';
import {
  cliSqlFileAccess,
  compileNotebookFile,
  lineageOfFile,
  lintNotebookFile
} from './service';

function collectVar(value: string, previous: string[]): string[] {
  return [...previous, value];
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

function formatDiagnostic(d: LintDiagnostic): string {
  const cell = d.cell === null ? '-' : String(d.cell + 1);
  return `${d.file}:${cell}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`;
}

interface LintFlags {
  format: 'text' | 'json';
  var: string[];
}

function sqlFileVarOption(): Option {
  return new Option(
    '--var <name=value>',
    "value for ${name} in a stage's inputURI, to read its SQL file (repeatable; before the environment, as in Arc)"
  )
    .argParser(collectVar)
    .default([]);
}

/**
 * `arcade lint NOTEBOOK… [--var K=V …] [--format text|json]`: Arc's view of
 * each notebook's defects, including the SQL files stages read inside the
 * workspace; exit 1 when any is an error.
 */
export function lintCommand(ctx: CliContext): Command {
  return new Command('lint')
    .description(
      'check Arc notebooks for defects Arc would fail on or silently ignore'
    )
    .argument('<notebooks...>', 'the Arc notebooks (.ipynb)')
    .addOption(sqlFileVarOption())
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['text', 'json'])
        .default('text')
    )
    .action(async (notebooks: string[], flags: LintFlags) => {
      const settings = loadSettings(ctx.env, ctx.cwd);
      const sqlFileAccess = cliSqlFileAccess(
        settings.workspace,
        ctx.env,
        Object.fromEntries(flags.var.map(parseVar))
      );
      const diagnostics: LintDiagnostic[] = [];
      for (const notebook of notebooks) {
        diagnostics.push(
          ...(await lintNotebookFile(path.resolve(ctx.cwd, notebook), {
            file: notebook,
            environments: settings.environments,
            sqlFileAccess
          }))
        );
      }
      if (flags.format === 'json') {
        ctx.output.line(JSON.stringify(diagnostics, null, 2));
      } else {
        diagnostics.forEach(d => {
          ctx.output.line(formatDiagnostic(d));
        });
      }
      const errors = diagnostics.filter(d => d.severity === 'error').length;
      if (errors > 0) {
        throw new ArcadeError(
          'process_failed',
          `${errors} error${errors === 1 ? '' : 's'} in ${notebooks.length} notebook${notebooks.length === 1 ? '' : 's'}`,
          { hint: 'fix them before running the job' }
        );
      }
    });
}

interface LineageFlags {
  format: 'json' | 'dot';
  var: string[];
}

/** `arcade lineage NOTEBOOK [--var K=V …] --format json|dot`: sources, views and sinks. */
export function lineageCommand(ctx: CliContext): Command {
  return new Command('lineage')
    .description(
      'print how data flows from sources through views to sinks in a notebook'
    )
    .argument('<notebook>', 'the Arc notebook (.ipynb)')
    .addOption(sqlFileVarOption())
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['json', 'dot'])
        .default('json')
    )
    .action(async (notebook: string, flags: LineageFlags) => {
      const settings = loadSettings(ctx.env, ctx.cwd);
      const graph = await lineageOfFile(path.resolve(ctx.cwd, notebook), {
        file: notebook,
        environments: settings.environments,
        sqlFileAccess: cliSqlFileAccess(
          settings.workspace,
          ctx.env,
          Object.fromEntries(flags.var.map(parseVar))
        )
      });
      ctx.output.line(
        flags.format === 'dot'
          ? lineageToDot(graph)
          : JSON.stringify(graph, null, 2)
      );
    });
}
