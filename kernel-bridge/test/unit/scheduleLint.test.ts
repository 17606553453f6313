/**
 * `arcade schedule lint` and the manifests Arcade generates, checked with the
 * real artifacts of the pinned argo-workflows module: its JSON schema and
 * Argo's validation package built into argo-validate (`make argo-tools`).
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ScheduleDiagnostic } from 'arcade-engine';
import { runCli } from '../../src/cli';
import { findRepoRoot } from '../../src/repoRoot';
import { lintManifests, type LintInput } from '../../src/schedule/lint';
import { runArgoValidate } from '../../src/schedule/lint/argoValidate';
import {
  cronWorkflowManifest,
  defaultSpec,
  workflowManifest,
  workflowTemplate
} from '../../src/schedule/manifests';
import { argoSchema } from '../../src/schedule/lintService';
import { MemoryOutput } from './helpers';
import { COMMIT, target, tools } from './localArgoHarness';

const repoRoot = findRepoRoot(__dirname);
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'schedules');

function lint(inputs: LintInput[]): Promise<ScheduleDiagnostic[]> {
  return lintManifests(inputs, {
    schema: argoSchema(tools.schema),
    argoValidate: files => runArgoValidate(tools.validator, files),
    environments: ['dev', 'test', 'prod']
  });
}

function yamlOf(...manifests: unknown[]): string {
  return manifests.map(manifest => stringify(manifest)).join('---\n');
}

const pipeline = {
  ...defaultSpec(
    'customers-nightly',
    [
      {
        name: 'initial-load',
        notebook: 'notebooks/01_customers_initial_load.ipynb',
        dependsOn: []
      },
      {
        name: 'daily-changes',
        notebook: 'notebooks/02_customers_daily_changes.ipynb',
        dependsOn: []
      },
      {
        name: 'scd2-merge',
        notebook: 'notebooks/03_customers_scd2_merge.ipynb',
        dependsOn: ['initial-load', 'daily-changes']
      }
    ],
    'prod'
  ),
  schedules: ['30 2 * * *'],
  timezone: 'Europe/Paris'
};

describe('generated manifests', () => {
  it("pass Argo's schema and Argo's own validation: template, cron pipeline, one-off run", async () => {
    const single = { ...pipeline, steps: pipeline.steps.slice(0, 1) };
    const text = yamlOf(
      workflowTemplate(target),
      cronWorkflowManifest(pipeline, target),
      workflowManifest(single, target),
      cronWorkflowManifest(single, target)
    );
    expect(await lint([{ file: 'generated.yaml', text }])).toEqual([]);
  });

  it('fail when the template they reference is not there (Argo resolves references offline)', async () => {
    const text = yamlOf(cronWorkflowManifest(pipeline, target));
    const diagnostics = await lint([{ file: 'alone.yaml', text }]);
    expect(diagnostics.map(d => d.code)).toEqual(['argo/invalid']);
    expect(diagnostics[0]?.message).toContain('"arcade-arc-job"');
  });

  it('carry hostile parameter values as one JSON argument that Argo accepts unchanged', async () => {
    const hostile = {
      LAKE: `s3a://lake"; rm -rf / #`,
      WHO: '$(id) `uname` && reboot',
      TEMPLATE: '{{workflow.name}}',
      SPACE: '--etl.config.environment=production extra'
    };
    const spec = { ...pipeline, parameters: hostile };
    const manifest = workflowManifest(spec, target);
    const text = yamlOf(workflowTemplate(target), manifest);
    expect(await lint([{ file: 'hostile.yaml', text }])).toEqual([]);
    const tasks = (
      manifest.spec as {
        templates: Array<{
          dag: {
            tasks: Array<{
              arguments: { parameters: Array<{ name: string; value: string }> };
            }>;
          };
        }>;
      }
    ).templates[0]?.dag.tasks;
    for (const task of tasks ?? []) {
      const vars = task.arguments.parameters.find(p => p.name === 'vars');
      expect(JSON.parse(vars?.value ?? '')).toEqual(hostile);
    }
    // The template's argument list is fixed: a value never adds an argument.
    const args = (
      workflowTemplate(target).spec as {
        templates: Array<{ container: { command: string[]; args: string[] } }>;
      }
    ).templates[0]?.container;
    expect(args?.command).toEqual(['/opt/spark/bin/spark-submit']);
    expect(args?.args.at(-1)).toBe('--arcade.vars={{inputs.parameters.vars}}');
  });

  it('pin the published version, label the commit and prefer Graviton on demand', () => {
    const manifest = cronWorkflowManifest(pipeline, target) as {
      metadata: { labels: Record<string, string> };
      spec: {
        workflowSpec: {
          templates: Array<{
            dag: {
              tasks: Array<{
                name: string;
                dependencies?: string[];
                arguments: {
                  parameters: Array<{ name: string; value: string }>;
                };
              }>;
            };
          }>;
        };
      };
    };
    expect(manifest.metadata.labels['arcade.dev/commit']).toBe(COMMIT);
    const tasks = manifest.spec.workflowSpec.templates[0]?.dag.tasks ?? [];
    expect(tasks.map(t => [t.name, t.dependencies ?? []])).toEqual([
      ['initial-load', []],
      ['daily-changes', []],
      ['scd2-merge', ['initial-load', 'daily-changes']]
    ]);
    const merge = Object.fromEntries(
      tasks[2]?.arguments.parameters.map(p => [p.name, p.value]) ?? []
    );
    expect(merge.configUri).toBe(
      `s3a://arcade-artifacts/arcade/sales/versions/${COMMIT}/notebooks/03_customers_scd2_merge.ipynb`
    );
    expect(merge.arch).toBe('arm64');
    expect(merge.capacityType).toBe('ON_DEMAND');
    expect(merge.tags).toContain(`arcade.commit=${COMMIT}`);
  });
});

describe('arcade schedule lint on a hand-written template', () => {
  const file = path.join(FIXTURE, 'hand-written.yaml');

  it('reports every defect with its line, a stable code and a fix', async () => {
    const diagnostics = await lint([
      {
        file: 'hand-written.yaml',
        text: readFileSync(file, 'utf8'),
        path: file
      }
    ]);
    const found = diagnostics.map(d => `${d.line} ${d.code}`);
    expect(found).toEqual([
      '2 argo/invalid', // Argo cannot read the document with the map below
      '8 schema/unknown-field',
      '15 arc/unpinned-uri',
      '16 arc/missing-flag',
      '22 arc/shell-interpolation',
      '23 arc/unknown-flag',
      '24 arc/boolean',
      '30 yaml/unquoted-template',
      '38 argo/invalid',
      '39 cron/invalid',
      '40 cron/timezone',
      '41 cron/concurrency-policy'
    ]);
    const byCode = new Map(diagnostics.map(d => [d.code, d]));
    expect(byCode.get('schema/unknown-field')?.fix).toBe(
      'rename "entrypont" to "entrypoint"'
    );
    expect(byCode.get('arc/unknown-flag')?.message).toContain(
      'did you mean --etl.config.environment?'
    );
    expect(byCode.get('yaml/unquoted-template')?.fix).toBe(
      'quote it: "{{inputs.parameters.lake}}"'
    );
    for (const d of diagnostics) {
      expect(d.severity).toBe('error');
      expect(d.fix).not.toBe('');
      expect(d.column).toBeGreaterThan(0);
    }
  });

  it('explains YAML 1.1 booleans where Argo wants a string', async () => {
    const text = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Workflow',
      'metadata: {generateName: x-}',
      'spec:',
      '  entrypoint: main',
      '  arguments:',
      '    parameters:',
      '      - name: full',
      '        value: no',
      '  templates:',
      '    - name: main',
      '      container: {image: alpine, command: [echo, hi]}',
      ''
    ].join('\n');
    const [first] = await lint([{ file: 'w.yaml', text }]);
    expect(first?.code).toBe('schema/type');
    expect(first?.line).toBe(9);
    expect(first?.fix).toContain('quote the value');
  });

  it('exits 1 with JSON diagnostics, 0 on a clean file, 2 on a missing one', async () => {
    const env = { ARCADE_ARGO_DIR: tools.dir };
    const ctx = (output: MemoryOutput) => ({
      env,
      cwd: FIXTURE,
      output,
      selfCommand: ['node', 'arcade'],
      repoRoot
    });
    const bad = new MemoryOutput();
    expect(
      await runCli(
        ['schedule', 'lint', 'hand-written.yaml', '--format', 'json'],
        ctx(bad)
      )
    ).toBe(1);
    const parsed = JSON.parse(bad.stdout) as ScheduleDiagnostic[];
    expect(parsed).toHaveLength(12);
    expect(Object.keys(parsed[0] ?? {}).sort()).toEqual(
      ['code', 'column', 'file', 'fix', 'line', 'message', 'severity'].sort()
    );
    expect(bad.stderr).toContain('12 errors in 1 file');

    const dir = mkdtempSync(path.join(os.tmpdir(), 'arcade-lint-'));
    const good = path.join(dir, 'good.yaml');
    writeFileSync(
      good,
      yamlOf(workflowTemplate(target), cronWorkflowManifest(pipeline, target))
    );
    const clean = new MemoryOutput();
    const code = await runCli(['schedule', 'lint', good], ctx(clean));
    expect(clean.stdout).toBe('');
    // null: the command finished without an error (exit status 0).
    expect(code).toBeNull();

    const missing = new MemoryOutput();
    expect(await runCli(['schedule', 'lint', 'nope.yaml'], ctx(missing))).toBe(
      2
    );
    expect(missing.stderr).toContain('cannot read nope.yaml');
  });
});
