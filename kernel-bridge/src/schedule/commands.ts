import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { ArcadeError, parseVar } from 'arcade-engine';
import type {
  ConcurrencyPolicy,
  CpuArch,
  ScheduleDiagnostic,
  ScheduleSpec
} from 'arcade-engine';
import type { CliContext } from '../cli';
import { loadSettings } from '../config';
import { findRepository } from '../git/commands';
import { GitService } from '../git/service';
import { PublishService } from '../publish/service';
import { lintManifestFiles } from './lintService';
import { defaultSpec, workflowTemplate } from './manifests';
import { cronRow } from './rows';
import {
  describeAction,
  readScheduleFile,
  scheduleFileText,
  SCHEDULES_DIR
} from './asCode';
import { ScheduleService } from './service';
import { stepName } from './spec';

/** The schedule service for the repository around the current folder (or --repo). */
export async function scheduleContext(
  ctx: CliContext,
  repo: string | undefined
): Promise<{ service: ScheduleService; project: string; root: string }> {
  const root = await findRepository(path.resolve(ctx.cwd, repo ?? '.'));
  const settings = { ...loadSettings(ctx.env, root), workspace: root };
  const publish = new PublishService({
    settings,
    env: ctx.env,
    git: new GitService(root, ctx.env)
  });
  return {
    service: new ScheduleService({
      settings,
      env: ctx.env,
      repoRoot: ctx.repoRoot,
      publish
    }),
    project:
      settings.publish.project ??
      path.basename(root).replace(/[^A-Za-z0-9._-]/g, '-'),
    root
  };
}

export interface SpecFlags {
  env: string;
  var: string[];
  after: string[];
  /** Only `schedule create` has these. */
  cron?: string[];
  timezone?: string;
  concurrency: string;
  retries: string;
  backoff: string;
  timeout?: string;
  size: string;
  arch: string;
  spot?: boolean;
  suspend?: boolean;
  version?: string;
  repo?: string;
  dryRun?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The options every schedule and run shares. */
export function stepFlags(command: Command): Command {
  return command
    .requiredOption('--env <environment>', 'Arc environment the run uses')
    .option('--var <name=value>', 'job parameter (repeatable)', collect, [])
    .option(
      '--after <step=deps>',
      'a step waits for others: merge=load,changes (repeatable; steps are named after their notebooks)',
      collect,
      []
    )
    .option('--concurrency <policy>', 'Allow, Forbid or Replace', 'Forbid')
    .option('--retries <n>', 'retries of a failed step', '1')
    .option(
      '--backoff <seconds>',
      'first wait before a retry (doubles each time)',
      '60'
    )
    .option('--timeout <seconds>', 'fail the whole run after this long')
    .option('--size <preset>', 'small, medium or large', 'small')
    .option('--arch <arch>', 'arm64 (Graviton) or amd64', 'arm64')
    .option('--spot', 'allow Spot capacity')
    .option(
      '--version <sha>',
      'published version to pin (default: the current one)'
    )
    .option(
      '--repo <dir>',
      'the repository (default: the one around the current folder)'
    )
    .option('--dry-run', 'validate and print the manifests; send nothing');
}

function number(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) {
    throw new ArcadeError('usage', `${flag} must be a number, got "${value}"`);
  }
  return parsed;
}

/** A ScheduleSpec from command-line flags (checked later by the service). */
export function specFromFlags(
  name: string | undefined,
  notebooks: string[],
  flags: SpecFlags
): ScheduleSpec {
  const steps = notebooks.map(notebook => ({
    name: stepName(notebook),
    notebook: notebook.replace(/^\.\//, ''),
    dependsOn: [] as string[]
  }));
  for (const rule of flags.after) {
    const [step = '', deps = ''] = rule.split('=');
    const target = steps.find(s => s.name === step.trim());
    if (target === undefined) {
      throw new ArcadeError('usage', `--after names no step "${step}"`, {
        hint: `steps: ${steps.map(s => s.name).join(', ')}`
      });
    }
    target.dependsOn = deps
      .split(',')
      .map(d => d.trim())
      .filter(Boolean);
  }
  const base = defaultSpec(name ?? steps[0]?.name ?? 'run', steps, flags.env);
  return {
    ...base,
    parameters: Object.fromEntries(flags.var.map(parseVar)),
    schedules: flags.cron ?? [],
    timezone: flags.timezone ?? 'UTC',
    concurrencyPolicy: flags.concurrency as ConcurrencyPolicy,
    retries: {
      limit: number(flags.retries, '--retries'),
      backoffSeconds: number(flags.backoff, '--backoff'),
      factor: 2
    },
    timeoutSeconds:
      flags.timeout === undefined
        ? base.timeoutSeconds
        : number(flags.timeout, '--timeout'),
    size: flags.size,
    arch: flags.arch as CpuArch,
    spot: flags.spot === true,
    suspend: flags.suspend === true
  };
}

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

function createCommand(ctx: CliContext): Command {
  return stepFlags(
    new Command('create')
      .description(
        'schedule published notebooks as an Argo CronWorkflow (updates it when it exists)'
      )
      .argument('<name>', 'schedule name (lower-case letters, digits, "-")')
      .requiredOption(
        '--notebook <path...>',
        'notebook(s) in the repository; several make a pipeline'
      )
      .option(
        '--cron <expression>',
        'cron expression, five fields (repeatable)',
        collect,
        []
      )
      .option('--timezone <zone>', 'IANA time zone of the cron', 'UTC')
      .option('--suspend', 'create it suspended')
  )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        name: string,
        flags: SpecFlags & { notebook: string[]; json?: boolean }
      ) => {
        if ((flags.cron ?? []).length === 0) {
          throw new ArcadeError('usage', 'a schedule needs --cron', {
            hint: 'e.g. --cron "30 2 * * *"; for one run use arcade submit'
          });
        }
        const { service, root } = await scheduleContext(ctx, flags.repo);
        const spec = specFromFlags(name, flags.notebook, flags);
        const result = await service.create(spec, undefined, {
          version: flags.version,
          dryRun: flags.dryRun === true
        });
        if (flags.dryRun === true && flags.json !== true) {
          ctx.output.line(result.yaml);
          return;
        }
        // The schedule as code, beside the notebooks: commit it with them.
        const file = `${SCHEDULES_DIR}/${name}.yaml`;
        if (flags.dryRun !== true) {
          await mkdir(path.join(root, SCHEDULES_DIR), { recursive: true });
          await writeFile(path.join(root, file), scheduleFileText(spec));
        }
        const row = result.cron === null ? null : cronRow(result.cron);
        if (flags.json === true) {
          ctx.output.line(
            JSON.stringify(
              {
                ...row,
                name,
                version: result.target.commit,
                file: flags.dryRun === true ? null : file,
                dryRun: flags.dryRun === true
              },
              null,
              2
            )
          );
          return;
        }
        ctx.output.line(
          `Scheduled ${name} (${spec.schedules.join(', ')} ${spec.timezone}) pinned to version ${result.target.commit.slice(0, 7)}; next: ${row?.nextRuns[0] ?? 'suspended'}`
        );
        ctx.output.line(`Wrote ${file}: commit it with the notebook`);
      }
    );
}

function nameCommands(ctx: CliContext): Command[] {
  const list = new Command('list')
    .description("the project's schedules")
    .option('--repo <dir>', 'the repository')
    .option('--json', 'print JSON')
    .action(async (flags: { repo?: string; json?: boolean }) => {
      const { service, project } = await scheduleContext(ctx, flags.repo);
      const rows = (await service.list(project)).map(c => cronRow(c));
      if (flags.json === true) {
        ctx.output.line(JSON.stringify(rows, null, 2));
        return;
      }
      for (const row of rows) {
        ctx.output.line(
          `${row.name}  ${row.schedules.join(' | ')} ${row.timezone}  ${row.suspended ? 'suspended' : `next ${row.nextRuns[0] ?? '-'}`}  ${row.commit?.slice(0, 7) ?? '-'}`
        );
      }
    });
  const single = (
    verb: 'get' | 'delete' | 'suspend' | 'resume',
    description: string
  ) =>
    new Command(verb)
      .description(description)
      .argument('<name>')
      .option('--repo <dir>', 'the repository')
      .action(async (name: string, flags: { repo?: string }) => {
        const { service } = await scheduleContext(ctx, flags.repo);
        const client = service.client();
        if (verb === 'delete') {
          await client.deleteCronWorkflow(name);
          ctx.output.line(JSON.stringify({ deleted: name }));
          return;
        }
        const cron =
          verb === 'get'
            ? await client.getCronWorkflow(name)
            : verb === 'suspend'
              ? await client.suspendCronWorkflow(name)
              : await client.resumeCronWorkflow(name);
        ctx.output.line(JSON.stringify(cronRow(cron), null, 2));
      });
  return [
    list,
    single('get', 'one schedule, with its next runs'),
    single('delete', 'delete a schedule (its past runs stay)'),
    single('suspend', 'stop starting runs until resumed'),
    single('resume', 'start runs again')
  ];
}

function applyCommand(ctx: CliContext): Command {
  return new Command('apply')
    .description(
      `make Argo's schedules of this project match ${SCHEDULES_DIR}/*.yaml (create, update, delete), printing the diff`
    )
    .option(
      '--version <sha>',
      'published version to pin (default: the current one)'
    )
    .option(
      '--repo <dir>',
      'the repository (default: the one around the current folder)'
    )
    .option('--dry-run', 'print the diff; change nothing')
    .option('--json', 'print the actions as JSON')
    .action(
      async (flags: {
        version?: string;
        repo?: string;
        dryRun?: boolean;
        json?: boolean;
      }) => {
        const { service, root } = await scheduleContext(ctx, flags.repo);
        const dir = path.join(root, SCHEDULES_DIR);
        const names = (await readdir(dir).catch(() => [] as string[]))
          .filter(name => /\.ya?ml$/.test(name))
          .sort();
        const specs = [];
        for (const name of names) {
          const file = `${SCHEDULES_DIR}/${name}`;
          specs.push(
            readScheduleFile(file, await readFile(path.join(dir, name), 'utf8'))
          );
        }
        const actions = await service.apply(specs, undefined, {
          version: flags.version,
          dryRun: flags.dryRun === true
        });
        if (flags.json === true) {
          ctx.output.line(
            JSON.stringify({ dryRun: flags.dryRun === true, actions }, null, 2)
          );
          return;
        }
        for (const action of actions) {
          ctx.output.line(describeAction(action));
        }
        if (actions.length === 0) {
          ctx.output.line(`no schedules in ${SCHEDULES_DIR}/ and none on Argo`);
        }
      }
    );
}

/**
 * `arcade schedule template`: the WorkflowTemplate every run uses, as JSON,
 * from the same code the schedules use; deploy/helm's `arcade` chart ships
 * its output (`make helm-template-file`), so cluster and local runs share it.
 */
function templateCommand(ctx: CliContext): Command {
  return new Command('template')
    .description("print Arcade's Arc job WorkflowTemplate (JSON)")
    .option('--name <name>', 'template name (env ARCADE_ARGO_TEMPLATE)')
    .option('--namespace <ns>', 'namespace (env ARCADE_ARGO_NAMESPACE)')
    .option('--image <image>', 'Arc runner image (env ARCADE_JOB_IMAGE)')
    .option(
      '--service-account <name>',
      'service account of the runs (env ARCADE_JOB_SERVICE_ACCOUNT)'
    )
    .action(
      (flags: {
        name?: string;
        namespace?: string;
        image?: string;
        serviceAccount?: string;
      }) => {
        const { argo } = loadSettings(ctx.env, ctx.cwd);
        const manifest = workflowTemplate({
          templateName: flags.name ?? argo.templateName,
          namespace: flags.namespace ?? argo.namespace,
          image: flags.image ?? argo.image,
          serviceAccount: flags.serviceAccount ?? argo.serviceAccount
        });
        ctx.output.line(JSON.stringify(manifest, null, 2));
      }
    );
}

/** `arcade schedule …` */
export function scheduleCommand(ctx: CliContext): Command {
  const command = new Command('schedule')
    .description('Argo schedules of published notebooks')
    .addCommand(createCommand(ctx))
    .addCommand(applyCommand(ctx))
    .addCommand(templateCommand(ctx));
  for (const sub of nameCommands(ctx)) {
    command.addCommand(sub);
  }
  return command.addCommand(lintCommand(ctx));
}
