/**
 * Schedule → run → Arc, for real on one machine: the dev stack's local Argo
 * service runs Arcade's job template as a real Arc 3.7.0 batch job that
 * reads the pinned version from the real S3 server (MinIO), with a hostile
 * job parameter, and stop ends the JVM.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GitService } from '../../src/git/service';
import { ArgoClient, type Workflow } from '../../src/schedule/argo/client';
import { ArgoToken } from '../../src/schedule/argo/token';
import {
  defaultSpec,
  workflowManifest,
  workflowTemplate
} from '../../src/schedule/manifests';
import { arcade, processesMatching } from './helpers';
import { plainGit, startStack, type Stack } from './stack';

/** In the command line of a JVM the local Argo service started. */
const JVM_MARKER = '/arcade-argo-';

let stack: Stack;
let client: ArgoClient;
let commit: string;
let versionUri: string;
let repo: string;

// Shell metacharacters, a flag and a template: all stay inside one value.
// (Arc 3.7 itself cannot take " or \ in a parameter; Arcade refuses those.)
const HOSTILE =
  "x'; rm -rf / # $(id) `uname` && echo --etl.config.environment=prod {{workflow.name}}";

async function finished(name: string, ms = 240_000): Promise<Workflow> {
  const started = Date.now();
  for (;;) {
    const workflow = await client.getWorkflow(name);
    const phase = workflow.status?.phase ?? '';
    if (['Succeeded', 'Failed', 'Error'].includes(phase)) {
      return workflow;
    }
    if (Date.now() - started > ms) {
      throw new Error(`workflow ${name} still ${phase} after ${ms} ms`);
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

beforeAll(async () => {
  stack = await startStack('schedule');
  const workspace = path.join(stack.tmp, 'workspace');
  mkdirSync(workspace);
  const git = new GitService(workspace, stack.env);
  await git.clone(stack.env.ARCADE_GIT_REMOTE ?? '', 'project', undefined);
  repo = path.join(workspace, 'project');
  await plainGit(stack, ['config', 'user.name', 'Ada'], repo);
  await plainGit(stack, ['config', 'user.email', 'ada@example.com'], repo);
  const published = await arcade(['publish', '--json'], {
    cwd: repo,
    env: { ...stack.env, ARCADE_PROJECT: 'project' }
  });
  if (published.code !== 0) {
    throw new Error(`publish failed: ${published.stderr}`);
  }
  const result = JSON.parse(published.stdout) as { commit: string };
  commit = result.commit;
  versionUri = `s3a://arcade-artifacts/arcade/project/versions/${commit}/`;
  const token = new ArgoToken(stack.env);
  expect(token.source).toBe('file');
  client = new ArgoClient({
    baseUrl: stack.env.ARCADE_ARGO_URL ?? '',
    namespace: stack.env.ARCADE_ARGO_NAMESPACE ?? '',
    token: () => token.get()
  });
  const target = {
    namespace: 'arcade',
    project: 'project',
    commit,
    versionUri,
    image: 'arcade-arc-runtime:0.1.0',
    serviceAccount: 'arcade-job',
    templateName: 'arcade-arc-job'
  };
  await client.createWorkflowTemplate(
    workflowTemplate(target) as Parameters<
      ArgoClient['createWorkflowTemplate']
    >[0]
  );
  (globalThis as { target?: typeof target }).target = target;
}, 180_000);

afterAll(async () => {
  await stack.stop();
});

function target() {
  return (globalThis as { target?: Parameters<typeof workflowManifest>[1] })
    .target as Parameters<typeof workflowManifest>[1];
}

describe('the local Argo service runs a published notebook with Arc', () => {
  it('runs the pinned version from S3 to success, with a hostile parameter kept as one value', async () => {
    const spec = {
      ...defaultSpec(
        'orders-once',
        [{ name: 'orders', notebook: 'notebooks/orders.ipynb', dependsOn: [] }],
        'dev'
      ),
      parameters: { ORDERS_NOTE: HOSTILE },
      retries: { limit: 0, backoffSeconds: 1, factor: 1 }
    };
    const created = await client.createWorkflow(
      workflowManifest(spec, target()) as Parameters<
        ArgoClient['createWorkflow']
      >[0]
    );
    const name = created.metadata.name ?? '';
    const done = await finished(name);
    const lines: string[] = [];
    await client.logs(name, {
      onEntry: entry => lines.push(entry.content ?? '')
    });
    // On failure the assertion shows the run's message and the log's end.
    expect({
      phase: done.status?.phase,
      why: done.status?.phase === 'Succeeded' ? '' : lines.slice(-20).join('\n')
    }).toEqual({ phase: 'Succeeded', why: '' });
    // Arc's JSON records, after log4j's prefix.
    const records = lines
      .filter(line => line.includes(': {"event":'))
      .map(
        line =>
          JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>
      );
    const exits = records.filter(r => r.event === 'exit');
    expect(exits.length).toBeGreaterThanOrEqual(2);
    expect(records.some(r => r.status === 'success')).toBe(true);
    // Arc ran the environment the schedule asked for, not the one in the value.
    expect(lines.join('\n')).not.toContain('"environment":"prod"');
    const args = Object.fromEntries(
      (done.spec.arguments?.parameters ?? []).map(p => [p.name, p.value])
    );
    expect(JSON.parse(args.vars ?? '{}')).toEqual({ ORDERS_NOTE: HOSTILE });
    expect(args.configUri).toBe(`${versionUri}notebooks/orders.ipynb`);
    const tokenText = readFileSync(
      stack.env.ARCADE_ARGO_TOKEN_FILE ?? '',
      'utf8'
    ).trim();
    for (const text of [lines.join('\n'), JSON.stringify(done)]) {
      expect(text).not.toContain(tokenText);
      for (const secret of stack.secrets) {
        expect(text).not.toContain(secret);
      }
    }
  }, 300_000);

  it('stop ends the JVM and fails the run', async () => {
    const spec = defaultSpec(
      'orders-stopped',
      [{ name: 'orders', notebook: 'notebooks/orders.ipynb', dependsOn: [] }],
      'dev'
    );
    const created = await client.createWorkflow(
      workflowManifest(
        { ...spec, retries: { limit: 0, backoffSeconds: 1, factor: 1 } },
        target()
      ) as Parameters<ArgoClient['createWorkflow']>[0]
    );
    const name = created.metadata.name ?? '';
    const started = Date.now();
    while (
      processesMatching(JVM_MARKER).length === 0 &&
      Date.now() - started < 30_000
    ) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(processesMatching(JVM_MARKER).length).toBeGreaterThan(0);
    const stopped = await client.stop(name);
    expect(stopped.status?.message).toBe("Stopped with strategy 'Stop'");
    const ended = Date.now();
    while (
      processesMatching(JVM_MARKER).length > 0 &&
      Date.now() - ended < 20_000
    ) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(processesMatching(JVM_MARKER)).toEqual([]);
    expect((await client.getWorkflow(name)).status?.phase).toBe('Failed');
  }, 120_000);
});

describe('arcade schedule / submit / runs on the local Argo service', () => {
  const cli = (args: string[]) =>
    arcade(args, {
      cwd: repo,
      env: { ...stack.env, ARCADE_PROJECT: 'project' }
    });

  it('refuses bad input with a clear message and changes nothing', async () => {
    const base = [
      'schedule',
      'create',
      '--notebook',
      'notebooks/orders.ipynb',
      '--env',
      'dev'
    ];
    const cases: Array<[string[], string]> = [
      [['Bad_Name', '--cron', '0 3 * * *'], '"Bad_Name" is not a valid name'],
      [['nightly', '--cron', '61 3 * * *'], 'Invalid value for minute: 61'],
      [
        ['nightly', '--cron', '0 3 * * *', '--timezone', 'Mars/Base'],
        'unknown time zone "Mars/Base"'
      ],
      [
        ['nightly', '--cron', '0 3 * * *', '--var', 'NOTE=say "hi"'],
        'contains a double quote'
      ],
      [
        ['nightly', '--cron', '0 3 * * *', '--env', 'nowhere'],
        '"nowhere" is not one of the project\'s environments'
      ]
    ];
    for (const [extra, expected] of cases) {
      const result = await cli([
        ...base.slice(0, 2),
        extra[0] ?? '',
        ...base.slice(2),
        ...extra.slice(1)
      ]);
      expect({ code: result.code, stderr: result.stderr }).toMatchObject({
        code: 2
      });
      expect(result.stderr).toContain(expected);
    }
    const unpublished = await cli([
      'schedule',
      'create',
      'nightly',
      '--notebook',
      'notebooks/missing.ipynb',
      '--env',
      'dev',
      '--cron',
      '0 3 * * *'
    ]);
    expect(unpublished.code).toBe(4);
    expect(unpublished.stderr).toContain('not in the published version');
    const listed = await cli(['schedule', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  }, 120_000);

  it('creates, lists, suspends a schedule; submits a run and follows its log', async () => {
    const created = await cli([
      'schedule',
      'create',
      'nightly',
      '--notebook',
      'notebooks/orders.ipynb',
      '--env',
      'dev',
      '--cron',
      '0 3 * * *',
      '--timezone',
      'Europe/Paris',
      '--json'
    ]);
    expect(created.stderr).toBe('');
    expect(JSON.parse(created.stdout)).toMatchObject({
      name: 'nightly',
      version: commit,
      schedules: ['0 3 * * *'],
      timezone: 'Europe/Paris'
    });
    const suspended = await cli(['schedule', 'suspend', 'nightly']);
    expect(JSON.parse(suspended.stdout)).toMatchObject({
      suspended: true,
      nextRuns: []
    });
    const listed = JSON.parse(
      (await cli(['schedule', 'list', '--json'])).stdout
    ) as Array<{ name: string }>;
    expect(listed.map(s => s.name)).toEqual(['nightly']);

    const submitted = await cli([
      'submit',
      'notebooks/orders.ipynb',
      '--env',
      'dev',
      '--json'
    ]);
    expect(submitted.stderr).toBe('');
    const { name } = JSON.parse(submitted.stdout) as { name: string };
    const followed = await cli(['runs', 'logs', name, '-f']);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('"event":"exit"');
    const runs = JSON.parse(
      (await cli(['runs', 'list', '--json'])).stdout
    ) as Array<{
      name: string;
      phase: string;
      commit: string;
      trigger: string;
    }>;
    expect(runs.find(r => r.name === name)).toMatchObject({
      phase: 'Succeeded',
      commit,
      trigger: 'manual'
    });
    const deleted = await cli(['schedule', 'delete', 'nightly']);
    expect(deleted.code).toBe(0);
    // create wrote the schedule as code beside the notebooks.
    const file = path.join(repo, 'schedules', 'nightly.yaml');
    expect(readFileSync(file, 'utf8')).toContain('name: nightly');
    rmSync(file);
  }, 300_000);

  it('apply makes Argo match schedules/*.yaml and prints the diff', async () => {
    const dir = path.join(repo, 'schedules');
    mkdirSync(dir, { recursive: true });
    const write = (name: string, cron: string) => {
      writeFileSync(
        path.join(dir, `${name}.yaml`),
        [
          `name: ${name}`,
          'environment: dev',
          'steps: [{ notebook: notebooks/orders.ipynb }]',
          `schedules: ["${cron}"]`,
          ''
        ].join('\n')
      );
    };
    write('orders-a', '0 3 * * *');
    write('orders-b', '0 4 * * *');
    const dry = await cli(['schedule', 'apply', '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toBe('+ create orders-a\n+ create orders-b\n');
    expect(
      JSON.parse((await cli(['schedule', 'list', '--json'])).stdout)
    ).toEqual([]);
    expect((await cli(['schedule', 'apply'])).code).toBe(0);
    write('orders-a', '30 3 * * *');
    rmSync(path.join(dir, 'orders-b.yaml'));
    const changed = await cli(['schedule', 'apply']);
    expect(changed.stdout).toBe(
      '~ update orders-a\n    spec.schedules: ["0 3 * * *"] → ["30 3 * * *"]\n- delete orders-b\n'
    );
    const listed = JSON.parse(
      (await cli(['schedule', 'list', '--json'])).stdout
    ) as Array<{ name: string; schedules: string[] }>;
    expect(listed.map(s => [s.name, s.schedules])).toEqual([
      ['orders-a', ['30 3 * * *']]
    ]);
    const again = await cli(['schedule', 'apply']);
    expect(again.stdout).toBe('= orders-a unchanged\n');
  }, 120_000);
});
