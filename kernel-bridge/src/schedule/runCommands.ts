/**
 * `arcade submit` and `arcade runs …`: one-off runs of published notebooks
 * and the runs of a project, for the terminal and CI/CD (JSON with --json).
 */
import { Command } from 'commander';
import type { CliContext } from '../cli';
import { podsOf, runRow } from './rows';
import {
  scheduleContext,
  specFromFlags,
  stepFlags,
  type SpecFlags
} from './commands';

export function runsCommands(ctx: CliContext): Command[] {
  const submit = stepFlags(
    new Command('submit')
      .description(
        'run published notebooks once on Argo (a Workflow pinned to a version)'
      )
      .argument('<notebooks...>', 'notebook paths in the repository')
      .option(
        '--name <name>',
        'name prefix of the run (default: the first notebook)'
      )
  )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        notebooks: string[],
        flags: SpecFlags & { name?: string; json?: boolean }
      ) => {
        const { service } = await scheduleContext(ctx, flags.repo);
        const spec = specFromFlags(flags.name, notebooks, flags);
        const result = await service.submit(spec, undefined, {
          version: flags.version,
          dryRun: flags.dryRun === true
        });
        const name = result.workflow?.metadata.name ?? null;
        if (flags.json === true) {
          ctx.output.line(
            JSON.stringify(
              {
                name,
                version: result.target.commit,
                dryRun: flags.dryRun === true
              },
              null,
              2
            )
          );
        } else if (flags.dryRun === true) {
          ctx.output.line(result.yaml);
        } else {
          ctx.output.line(
            `Submitted ${name ?? ''} pinned to version ${result.target.commit.slice(0, 7)}`
          );
        }
      }
    );

  const runs = new Command('runs').description('runs of the project on Argo');
  runs
    .command('list')
    .description('runs, newest first')
    .option('--schedule <name>', 'only the runs of this schedule')
    .option(
      '--notebook <label>',
      'only runs of this notebook (its label, e.g. 01_load)'
    )
    .option('--limit <n>', 'at most this many', '50')
    .option(
      '--repo <dir>',
      'the repository (default: the one around the current folder)'
    )
    .option('--json', 'print JSON')
    .action(
      async (flags: {
        schedule?: string;
        notebook?: string;
        limit: string;
        repo?: string;
        json?: boolean;
      }) => {
        const { service, project } = await scheduleContext(ctx, flags.repo);
        const rows = (
          await service.runs(project, {
            schedule: flags.schedule,
            notebook: flags.notebook,
            limit: Number(flags.limit) || 50
          })
        ).map(w => runRow(w));
        if (flags.json === true) {
          ctx.output.line(JSON.stringify(rows, null, 2));
          return;
        }
        for (const row of rows) {
          ctx.output.line(
            `${row.name}  ${row.phase}  ${row.trigger}  ${row.startedAt ?? '-'}  ${row.durationSeconds ?? '-'}s  ${row.commit?.slice(0, 7) ?? '-'}  ${row.progress ?? ''}`
          );
        }
      }
    );
  runs
    .command('get')
    .description('one run with its steps')
    .argument('<name>')
    .option('--repo <dir>', 'the repository')
    .action(async (name: string, flags: { repo?: string }) => {
      const { service } = await scheduleContext(ctx, flags.repo);
      const workflow = await service.client().getWorkflow(name);
      ctx.output.line(
        JSON.stringify(
          {
            ...runRow(workflow),
            steps: podsOf(workflow).map(node => ({
              name: node.displayName ?? node.name,
              pod: node.id,
              phase: node.phase ?? 'Pending',
              startedAt: node.startedAt ?? null,
              finishedAt: node.finishedAt ?? null,
              message: node.message ?? null
            }))
          },
          null,
          2
        )
      );
    });
  runs
    .command('logs')
    .description("a run's log lines (Arc's JSON records among them)")
    .argument('<name>')
    .option('-f, --follow', 'keep printing until the run ends')
    .option('--pod <pod>', 'only this step (its pod name, from runs get)')
    .option('--repo <dir>', 'the repository')
    .action(
      async (
        name: string,
        flags: { follow?: boolean; pod?: string; repo?: string }
      ) => {
        const { service } = await scheduleContext(ctx, flags.repo);
        const abort = new AbortController();
        const stop = () => {
          abort.abort();
        };
        process.once('SIGINT', stop);
        try {
          await service.client().logs(name, {
            podName: flags.pod,
            follow: flags.follow === true,
            signal: abort.signal,
            onEntry: entry => {
              ctx.output.line(entry.content ?? '');
            }
          });
        } finally {
          process.off('SIGINT', stop);
        }
      }
    );
  for (const [verb, describe] of [
    ['stop', 'stop a run: its running steps end, it fails'],
    ['retry', 'run the steps of a failed run that did not succeed, again']
  ] as const) {
    runs
      .command(verb)
      .description(describe)
      .argument('<name>')
      .option('--repo <dir>', 'the repository')
      .action(async (name: string, flags: { repo?: string }) => {
        const { service } = await scheduleContext(ctx, flags.repo);
        const client = service.client();
        const workflow =
          verb === 'stop' ? await client.stop(name) : await client.retry(name);
        ctx.output.line(JSON.stringify(runRow(workflow), null, 2));
      });
  }
  return [submit, runs];
}
