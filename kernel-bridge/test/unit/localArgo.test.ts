/**
 * The Argo Server client against the local Argo service, every request and
 * response body checked against Argo's own OpenAPI; the controller's node
 * model, stop, retry, retryStrategy and restart; CronWorkflow semantics with
 * a controllable clock.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NodeStatus, Workflow } from '../../src/schedule/argo/client';
import { ArgoError } from '../../src/schedule/argo/client';
import {
  cronWorkflowManifest,
  defaultSpec,
  workflowManifest,
  workflowTemplate
} from '../../src/schedule/manifests';
import {
  ObjectStore,
  type NewObject
} from '../../src/schedule/localArgo/store';
import {
  startHarness,
  SwaggerContract,
  target,
  TestClock,
  tools,
  TOKEN,
  until,
  type Harness
} from './localArgoHarness';

const steps = [
  { name: 'initial-load', notebook: 'notebooks/01_load.ipynb', dependsOn: [] },
  {
    name: 'daily-changes',
    notebook: 'notebooks/02_changes.ipynb',
    dependsOn: []
  },
  {
    name: 'scd2-merge',
    notebook: 'notebooks/03_merge.ipynb',
    dependsOn: ['initial-load', 'daily-changes']
  }
];
const pipeline = {
  ...defaultSpec('customers-nightly', steps, 'prod'),
  schedules: ['30 2 * * *'],
  retries: { limit: 0, backoffSeconds: 1, factor: 2 }
};

type Manifest = Parameters<Harness['client']['createWorkflowTemplate']>[0];
const asTemplate = (m: unknown) => m as Manifest;
const asCron = (m: unknown) =>
  m as Parameters<Harness['client']['createCronWorkflow']>[0];
const asWorkflow = (m: unknown) =>
  m as Parameters<Harness['client']['createWorkflow']>[0];

function nodes(workflow: Workflow): NodeStatus[] {
  return Object.values(workflow.status?.nodes ?? {});
}

async function workflowIn(h: Harness, name: string, phases: string[]) {
  let latest: Workflow | null = null;
  await until(
    async () => {
      latest = await h.client.getWorkflow(name);
      return phases.includes(latest.status?.phase ?? '');
    },
    `workflow ${name} to be ${phases.join('/')}`
  );
  return latest as unknown as Workflow;
}

// Argo's validator runs on every create: allow for a loaded machine.
jest.setTimeout(30_000);

describe('Argo Server client ↔ local Argo service', () => {
  let h: Harness;
  const contract = new SwaggerContract(tools.swagger);

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('schedules, runs a pipeline DAG in dependency order, and every body matches the swagger', async () => {
    await h.client.createWorkflowTemplate(asTemplate(workflowTemplate(target)));
    const template = await h.client.getWorkflowTemplate('arcade-arc-job');
    expect(template.metadata.uid).toBeTruthy();
    const cron = await h.client.createCronWorkflow(
      asCron(cronWorkflowManifest(pipeline, target))
    );
    expect(cron.metadata.name).toBe('customers-nightly');
    const listed = await h.client.listCronWorkflows(
      `arcade.dev/project=sales,arcade.dev/commit=${target.commit}`
    );
    expect(listed.items.map(c => c.metadata.name)).toEqual([
      'customers-nightly'
    ]);
    expect(
      (await h.client.suspendCronWorkflow('customers-nightly')).spec.suspend
    ).toBe(true);
    expect(
      (await h.client.resumeCronWorkflow('customers-nightly')).spec.suspend
    ).toBe(false);

    const run = await h.client.submit('CronWorkflow', 'customers-nightly', {
      labels: { 'arcade.dev/trigger': 'manual' }
    });
    expect(run.metadata.name).toMatch(/^customers-nightly-[a-z0-9]{5}$/);
    const name = run.metadata.name ?? '';
    // The two loads start together; the merge waits for both.
    await until(() => h.jobs.length === 2, 'the two loads to start');
    expect(h.jobs.map(j => j.arg('etl.config.uri')).sort()).toEqual([
      `${target.versionUri}notebooks/01_load.ipynb`,
      `${target.versionUri}notebooks/02_changes.ipynb`
    ]);
    expect(h.jobs[0]?.arg('etl.config.job.id')).toMatch(
      new RegExp(`^${name}-`)
    );
    await h.jobs[0]?.log(
      '{"event":"enter","stage":{"name":"load"}}',
      'second line'
    );
    h.jobs[0]?.finish(0);
    await until(
      async () =>
        nodes(await h.client.getWorkflow(name)).some(
          n => n.phase === 'Succeeded'
        ),
      'a load to succeed'
    );
    expect(h.jobs).toHaveLength(2);
    h.jobs[1]?.finish(0);
    await until(() => h.jobs.length === 3, 'the merge to start');
    expect(h.jobs[2]?.arg('etl.config.uri')).toContain('03_merge.ipynb');
    h.jobs[2]?.finish(0);
    const done = await workflowIn(h, name, ['Succeeded']);
    const tree = nodes(done);
    expect(tree.find(n => n.type === 'DAG')?.children).toHaveLength(3);
    expect(
      tree.filter(n => n.type === 'Pod').every(n => n.phase === 'Succeeded')
    ).toBe(true);
    expect(done.status?.progress).toBe('3/3');

    const byLabels = await h.client.listWorkflows({
      'arcade.dev/project': 'sales',
      'arcade.dev/schedule': 'customers-nightly',
      'arcade.dev/commit': target.commit,
      'arcade.dev/trigger': 'manual'
    });
    expect(byLabels.items.map(w => w.metadata.name)).toEqual([name]);
    expect(
      await h.client.listWorkflows({ 'arcade.dev/project': 'other' })
    ).toMatchObject({ items: [] });

    const lines: string[] = [];
    const raw: string[] = [];
    await h.client.logs(name, {
      podName: h.jobs[0]?.spec.podName,
      onEntry: entry => {
        lines.push(entry.content ?? '');
        raw.push(JSON.stringify({ result: entry }));
      }
    });
    expect(lines).toEqual([
      '{"event":"enter","stage":{"name":"load"}}',
      'second line'
    ]);
    h.exchanges.push({
      method: 'GET',
      route: '/api/v1/workflows/:namespace/:name/log',
      status: 200,
      request: undefined,
      response: `${raw.join('\n')}\n`
    });

    const again = await h.client.resubmit(name);
    expect(
      again.metadata.labels?.['workflows.argoproj.io/resubmitted-from-workflow']
    ).toBe(name);
    await until(() => h.jobs.length === 5, 'the resubmitted loads');
    await h.client.terminate(again.metadata.name ?? '');
    await h.client.deleteWorkflow(again.metadata.name ?? '');
    await h.client.deleteCronWorkflow('customers-nightly');

    const problems = h.exchanges.flatMap(exchange => contract.check(exchange));
    expect(problems).toEqual([]);
    const operations = new Set(h.exchanges.map(e => `${e.method} ${e.route}`));
    expect(operations.size).toBeGreaterThanOrEqual(12);
  });

  it('classifies refusals and keeps Argo’s message, never the token', async () => {
    const errorOf = async (action: () => Promise<unknown>) => {
      try {
        await action();
      } catch (error) {
        return error as ArgoError;
      }
      throw new Error('expected a refusal');
    };
    const missing = await errorOf(() => h.client.getWorkflow('nope'));
    expect(missing).toBeInstanceOf(ArgoError);
    expect(missing.kind).toBe('not-found');
    expect(missing.message).toContain('"nope" not found');
    const twice = await errorOf(() =>
      h.client.createWorkflowTemplate(asTemplate(workflowTemplate(target)))
    );
    expect(twice.kind).toBe('conflict');
    const broken = workflowTemplate({ ...target, templateName: 'broken' }) as {
      spec: { templates: Array<{ container: { args: string[] } }> };
    };
    broken.spec.templates[0]?.container.args.push(
      '{{inputs.parameters.nothere}}'
    );
    const invalid = await errorOf(() =>
      h.client.createWorkflowTemplate(asTemplate(broken))
    );
    expect(invalid.kind).toBe('invalid');
    expect(invalid.message).toContain(
      'failed to resolve {{inputs.parameters.nothere}}'
    );

    const stranger = await startHarness({ dir: h.dir, token: 'not-the-token' });
    try {
      const refused = await errorOf(() => stranger.client.listWorkflows());
      expect(refused.kind).toBe('unauthorised');
      expect(refused.hint).toContain('ARCADE_ARGO_TOKEN');
      for (const error of [missing, twice, invalid, refused]) {
        expect(`${error.message} ${error.hint ?? ''}`).not.toContain(TOKEN);
      }
    } finally {
      await stranger.close();
    }
  });

  it('stop ends the running step and fails the run as Argo says', async () => {
    const single = { ...pipeline, name: 'one', steps: steps.slice(0, 1) };
    const before = h.jobs.length;
    const run = await h.client.createWorkflow(
      asWorkflow(workflowManifest(single, target))
    );
    await until(() => h.jobs.length === before + 1, 'the step to start');
    const stopped = await h.client.stop(run.metadata.name ?? '');
    expect(h.jobs.at(-1)?.stopped).toBe(true);
    expect(stopped.status?.phase).toBe('Failed');
    expect(stopped.status?.message).toBe("Stopped with strategy 'Stop'");
  });

  it('a failed step omits what depends on it; retry runs only what did not succeed', async () => {
    const before = h.jobs.length;
    const run = await h.client.createWorkflow(
      asWorkflow(workflowManifest(pipeline, target))
    );
    const name = run.metadata.name ?? '';
    await until(() => h.jobs.length === before + 2, 'the loads');
    h.jobs[before]?.finish(0);
    h.jobs[before + 1]?.finish(1);
    const failed = await workflowIn(h, name, ['Failed']);
    const byName = (w: Workflow, suffix: string) =>
      nodes(w).find(n => n.name.endsWith(suffix));
    expect(byName(failed, '.scd2-merge')?.phase).toBe('Omitted');
    expect(byName(failed, '.daily-changes')?.message).toBe(
      'Error (exit code 1)'
    );
    await h.client.retry(name);
    await until(
      () => h.jobs.length === before + 3,
      'the failed load to run again'
    );
    expect(h.jobs[before + 2]?.arg('etl.config.uri')).toContain('02_changes');
    h.jobs[before + 2]?.finish(0);
    await until(() => h.jobs.length === before + 4, 'the merge');
    h.jobs[before + 3]?.finish(0);
    const done = await workflowIn(h, name, ['Succeeded']);
    expect(byName(done, '.initial-load')?.phase).toBe('Succeeded');
  });

  it('retryStrategy retries a failed step after its backoff, as a Retry node with one Pod per attempt', async () => {
    const single = {
      ...pipeline,
      name: 'flaky',
      steps: steps.slice(0, 1),
      retries: { limit: 2, backoffSeconds: 30, factor: 2 }
    };
    const before = h.jobs.length;
    const run = await h.client.createWorkflow(
      asWorkflow(workflowManifest(single, target))
    );
    const name = run.metadata.name ?? '';
    await until(() => h.jobs.length === before + 1, 'attempt 0');
    h.jobs[before]?.finish(2);
    await until(
      async () =>
        nodes(await h.client.getWorkflow(name)).some(
          n => n.message === 'Backoff for 30 seconds'
        ),
      'the backoff'
    );
    h.clock.advance(29_000);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(h.jobs).toHaveLength(before + 1);
    h.clock.advance(1_000);
    await until(() => h.jobs.length === before + 2, 'attempt 1');
    h.jobs[before + 1]?.finish(0);
    const done = await workflowIn(h, name, ['Succeeded']);
    const retry = nodes(done).find(n => n.type === 'Retry');
    expect(retry?.children).toHaveLength(2);
    expect(
      nodes(done)
        .filter(n => n.type === 'Pod')
        .map(n => [n.name.slice(name.length), n.phase])
    ).toEqual([
      ['(0)', 'Failed'],
      ['(1)', 'Succeeded']
    ]);
  });
});

describe('a restart of the local Argo service', () => {
  it('keeps schedules and ends a run it cut off as Error, never Running', async () => {
    const first = await startHarness();
    await first.client.createWorkflowTemplate(
      asTemplate(workflowTemplate(target))
    );
    await first.client.createCronWorkflow(
      asCron(cronWorkflowManifest(pipeline, target))
    );
    const run = await first.client.createWorkflow(
      asWorkflow(
        workflowManifest({ ...pipeline, steps: steps.slice(0, 1) }, target)
      )
    );
    await until(() => first.jobs.length === 1, 'the step to start');
    await first.close();

    const second = await startHarness({ dir: first.dir });
    try {
      expect(second.argo.recovered).toBe(1);
      expect(
        (await second.client.getCronWorkflow('customers-nightly')).spec
          .schedules
      ).toEqual(['30 2 * * *']);
      const cut = await second.client.getWorkflow(run.metadata.name ?? '');
      expect(cut.status?.phase).toBe('Error');
      expect(cut.status?.message).toContain('restarted');
      expect(nodes(cut).every(n => n.phase !== 'Running')).toBe(true);
    } finally {
      await second.close();
    }
  });
});

describe('a run cut off before its first status was saved', () => {
  it('ends as Error after a restart', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'arcade-argo-'));
    const store = new ObjectStore(path.join(dir, 'objects'), () => new Date());
    await store.load();
    const created = await store.create(
      'workflows',
      'etl',
      workflowManifest(
        { ...pipeline, steps: steps.slice(0, 1) },
        target
      ) as unknown as NewObject
    );
    const h = await startHarness({ dir });
    try {
      expect(h.argo.recovered).toBe(1);
      const cut = await h.client.getWorkflow(created.metadata.name);
      expect(cut.status?.phase).toBe('Error');
      expect(cut.status?.message).toContain('restarted');
    } finally {
      await h.close();
    }
  });
});

describe('CronWorkflow semantics (controllable clock)', () => {
  async function scheduled(
    clock: TestClock,
    overrides: Partial<typeof pipeline>
  ): Promise<Harness> {
    const h = await startHarness({ clock });
    await h.client.createWorkflowTemplate(asTemplate(workflowTemplate(target)));
    await h.client.createCronWorkflow(
      asCron(
        cronWorkflowManifest(
          { ...pipeline, steps: steps.slice(0, 1), ...overrides },
          target
        )
      )
    );
    return h;
  }
  const tick = (h: Harness, at: string) =>
    h.argo.cron.tick(['etl'], new Date(at));

  it('starts on time, in its time zone, and names the run after the scheduled time', async () => {
    const clock = new TestClock('2027-01-15T00:00:00Z');
    const h = await scheduled(clock, { timezone: 'Europe/Paris' });
    try {
      await tick(h, '2027-01-15T01:29:59Z');
      expect(h.argo.cron.events).toEqual([]);
      await tick(h, '2027-01-15T01:30:01Z'); // 02:30 in Paris
      expect(h.argo.cron.events).toEqual([
        {
          kind: 'started',
          cron: 'customers-nightly',
          workflow: `customers-nightly-${Date.parse('2027-01-15T01:30:00Z') / 1000}`,
          scheduled: '2027-01-15T01:30:00Z'
        }
      ]);
    } finally {
      await h.close();
    }
  });

  it('Forbid skips a run while the previous one is active; Replace terminates it first', async () => {
    const clock = new TestClock('2027-01-15T00:00:00Z');
    const forbid = await scheduled(clock, { schedules: ['*/10 * * * *'] });
    try {
      await tick(forbid, '2027-01-15T00:10:01Z');
      await until(() => forbid.jobs.length === 1, 'the first run');
      await tick(forbid, '2027-01-15T00:20:01Z');
      expect(forbid.argo.cron.events.map(e => e.kind)).toEqual([
        'started',
        'skipped'
      ]);
      expect(forbid.jobs).toHaveLength(1);
    } finally {
      await forbid.close();
    }
    const replace = await scheduled(new TestClock('2027-01-15T00:00:00Z'), {
      schedules: ['*/10 * * * *'],
      concurrencyPolicy: 'Replace'
    });
    try {
      await tick(replace, '2027-01-15T00:10:01Z');
      await until(() => replace.jobs.length === 1, 'the first run');
      await tick(replace, '2027-01-15T00:20:01Z');
      await until(() => replace.jobs.length === 2, 'the replacing run');
      expect(replace.jobs[0]?.stopped).toBe(true);
      const old = await replace.client.getWorkflow(
        `customers-nightly-${Date.parse('2027-01-15T00:10:00Z') / 1000}`
      );
      expect(old.status?.message).toBe("Stopped with strategy 'Terminate'");
    } finally {
      await replace.close();
    }
  });

  it('a run missed within startingDeadlineSeconds starts; one missed by more is skipped', async () => {
    const within = await scheduled(new TestClock('2027-01-15T00:00:00Z'), {
      startingDeadlineSeconds: 300
    });
    try {
      await tick(within, '2027-01-15T02:33:00Z'); // 3 minutes late (the service was down)
      expect(within.argo.cron.events.map(e => e.kind)).toEqual(['started']);
    } finally {
      await within.close();
    }
    const beyond = await scheduled(new TestClock('2027-01-15T00:00:00Z'), {
      startingDeadlineSeconds: 60
    });
    try {
      await tick(beyond, '2027-01-15T02:33:00Z');
      expect(beyond.argo.cron.events).toMatchObject([
        { kind: 'skipped', scheduled: '2027-01-15T02:30:00Z' }
      ]);
      expect(beyond.jobs).toHaveLength(0);
    } finally {
      await beyond.close();
    }
  });

  it('a suspended schedule does not run; across a DST change it runs as Argo (robfig/cron) does', async () => {
    const h = await scheduled(new TestClock('2027-03-27T00:00:00Z'), {
      timezone: 'Europe/Paris',
      suspend: true
    });
    try {
      await tick(h, '2027-03-27T01:30:01Z');
      expect(h.argo.cron.events).toEqual([]);
      await h.client.resumeCronWorkflow('customers-nightly');
      const started = () =>
        h.argo.cron.events
          .filter(e => e.kind === 'started')
          .map(e => e.scheduled);
      // 2027-03-28 02:30 does not exist in Paris: no run that day.
      await tick(h, '2027-03-28T01:00:01Z');
      await tick(h, '2027-03-28T23:59:00Z');
      expect(started()).toEqual([]);
      await tick(h, '2027-03-29T00:30:01Z'); // 02:30 CEST
      expect(started()).toEqual(['2027-03-29T00:30:00Z']);
    } finally {
      await h.close();
    }
  });

  it('keeps the history limits', async () => {
    const h = await scheduled(new TestClock('2027-01-15T00:00:00Z'), {
      schedules: ['*/10 * * * *'],
      successfulJobsHistoryLimit: 1
    });
    const runName = (at: string) =>
      `customers-nightly-${Date.parse(at) / 1000}`;
    const all = { 'workflows.argoproj.io/cron-workflow': 'customers-nightly' };
    try {
      await tick(h, '2027-01-15T00:10:01Z');
      await until(() => h.jobs.length === 1, 'the first run');
      h.jobs[0]?.finish(0);
      await workflowIn(h, runName('2027-01-15T00:10:00Z'), ['Succeeded']);
      await tick(h, '2027-01-15T00:20:01Z');
      await until(() => h.jobs.length === 2, 'the second run');
      h.jobs[1]?.finish(0);
      await workflowIn(h, runName('2027-01-15T00:20:00Z'), ['Succeeded']);
      await until(
        async () => (await h.client.listWorkflows(all)).items.length === 1,
        'the history trimmed to one'
      );
      const left = await h.client.listWorkflows(all);
      expect(left.items.map(w => w.metadata.name)).toEqual([
        runName('2027-01-15T00:20:00Z')
      ]);
    } finally {
      await h.close();
    }
  });
});
