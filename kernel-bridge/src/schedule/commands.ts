import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { ArcadeError } from 'arcade-engine';
import type { ScheduleDiagnostic } from 'arcade-engine';
import type { CliContext } from '../cli';
import { loadSettings } from '../config';
import { lintManifestFiles } from './lintService';

export function formatScheduleDiagnostic(d: ScheduleDiagnostic): string {
  const fix = d.fix === '' ? '' : `\n    fix: ${d.fix}`;
  return `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}${fix}`;
}

interface LintFlags {
  format: 'text' | 'json';
  schema?: string;
}

/**
 * `arcade schedule lint FILE… [--format text|json]`: exit 1 when any
 * diagnostic is an error, 2 when a file cannot be read.
 */
function lintCommand(ctx: CliContext): Command {
  return new Command('lint')
    .description(
      "check Argo manifests: YAML pitfalls, Argo's JSON schema, Argo's own validation (offline), cron, and the Arc command line"
    )
    .argument('<files...>', 'YAML files (several documents each)')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['text', 'json'])
        .default('text')
    )
    .option(
      '--schema <file>',
      "another Argo JSON schema (default: the pinned argo-workflows module's)"
    )
    .action(async (files: string[], flags: LintFlags) => {
      const inputs = [];
      for (const file of files) {
        const absolute = path.resolve(ctx.cwd, file);
        let text: string;
        try {
          text = await readFile(absolute, 'utf8');
        } catch {
          throw new ArcadeError('usage', `cannot read ${file}`, {
            hint: 'pass paths of YAML files'
          });
        }
        inputs.push({ file, text, path: absolute });
      }
      const settings = loadSettings(ctx.env, ctx.cwd);
      const diagnostics = await lintManifestFiles(inputs, {
        env: ctx.env,
        repoRoot: ctx.repoRoot,
        settings,
        schemaFile:
          flags.schema === undefined
            ? undefined
            : path.resolve(ctx.cwd, flags.schema)
      });
      if (flags.format === 'json') {
        ctx.output.line(JSON.stringify(diagnostics, null, 2));
      } else {
        diagnostics.forEach(d => {
          ctx.output.line(formatScheduleDiagnostic(d));
        });
      }
      const errors = diagnostics.filter(d => d.severity === 'error').length;
      if (errors > 0) {
        throw new ArcadeError(
          'process_failed',
          `${errors} error${errors === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}`,
          { hint: 'each diagnostic above says what to change' }
        );
      }
    });
}

/** `arcade schedule …` */
export function scheduleCommand(ctx: CliContext): Command {
  return new Command('schedule')
    .description('Argo schedules of published notebooks')
    .addCommand(lintCommand(ctx));
}
