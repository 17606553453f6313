/**
 * The bridge's schedule routes as the dialog and the runs panel call them:
 * a real `arcade serve` over the real stack (MinIO, git http-backend, the
 * local Argo service), a published repository, a real Arc run. Every
 * answer is scanned for the Argo token and the stack's secrets.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  ArgoLogsResponse,
  ArgoRunDetail,
  ArgoRunsResponse,
  CronPreviewResponse,
  ErrorResponse,
  RunSubmittedResponse,
  ScheduleContextResponse,
  ScheduleCreatedResponse,
  SchedulesResponse
} from 'arcade-engine';
import { loadSettings } from '../../src/config';
import { GitService } from '../../src/git/service';
import {
  ArgoClient,
  type WorkflowTemplate
} from '../../src/schedule/argo/client';
import { ArgoToken } from '../../src/schedule/argo/token';
import { workflowTemplate } from '../../src/schedule/manifests';
import { arcade } from './helpers';
import { bridgeClient, startServe, stop } from './serveHelpers';
import { plainGit, startStack, type Stack } from './stack';

let stack: Stack;
let bridge: ChildProcess;
let socketPath: string;
let repoDir: string;
const answers: string[] = [];
const REPO = 'project';
const call = bridgeClient(() => socketPath, answers);

/** The run's detail once it has ended, as the panel reads it. */
async function finished(name: string): Promise<ArgoRunDetail> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const { json } = await call<ArgoRunDetail>(
      'GET',
      `/api/schedule/runs/${name}?repo=${REPO}`
    );
    if (['Succeeded', 'Failed', 'Error'].includes(json.phase)) {
      return json;
    }
    if (Date.now() > deadline) {
      throw new Error(`run ${name} still ${json.phase}`);
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

const spec = (extra: Record<string, unknown> = {}) => ({
  name: 'orders-nightly',
  steps: [{ notebook: 'notebooks/orders.ipynb' }],
  environment: 'dev',
  schedules: ['0 3 * * *'],
  timezone: 'Europe/Paris',
  retries: { limit: 0, backoffSeconds: 1, factor: 1 },
  ...extra
});

beforeAll(async () => {
  stack = await startStack('schedule-routes');
  const workspace = path.join(stack.tmp, 'workspace');
  mkdirSync(workspace);
  const git = new GitService(workspace, stack.env);
  await git.clone(stack.env.ARCADE_GIT_REMOTE ?? '', REPO, undefined);
  repoDir = path.join(workspace, REPO);
  await plainGit(stack, ['config', 'user.name', 'Ada'], repoDir);
  await plainGit(stack, ['config', 'user.email', 'ada@example.com'], repoDir);
  socketPath = path.join(stack.tmp, 'bridge.sock');
  bridge = await startServe(['--socket', socketPath], {
    ...stack.env,
    ARCADE_WORKSPACE: workspace
  });
}, 180_000);

afterAll(async () => {
  await stop(bridge);
  const token = readFileSync(
    stack.env.ARCADE_ARGO_TOKEN_FILE ?? '',
    'utf8'
  ).trim();
  await stack.stop();
  expect(token.length).toBeGreaterThan(16);
  for (const body of answers) {
    expect(body).not.toContain(token);
    for (const secret of stack.secrets) {
      expect(body).not.toContain(secret);
    }
  }
});

describe('the schedule dialog and the runs panel through the bridge', () => {
  it('tells the dialog what HEAD needs before it is published', async () => {
    const { status, json } = await call<ScheduleContextResponse>(
      'GET',
      `/api/schedule/context?repo=${REPO}`
    );
    expect(status).toBe(200);
    expect(json.publishedAtHead).toBe(false);
    expect(json.head).toMatch(/^[0-9a-f]{40}$/);
    expect(json.environments).toContain('dev');
    expect(json.notebooks.map(n => n.path)).toContain('notebooks/orders.ipynb');
    expect(json.argo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Nothing published: creating is refused and nothing is written.
    const refused = await call<ErrorResponse>('POST', '/api/schedule', {
      repo: REPO,
      spec: spec(),
      version: json.head
    });
    expect(refused.status).toBe(404);
    expect(refused.json.error.message).toMatch(
      /not a complete published version/
    );
    expect(existsSync(path.join(repoDir, 'schedules'))).toBe(false);
    const lists = await call<SchedulesResponse>(
      'GET',
      `/api/schedule?repo=${REPO}`
    );
    expect(lists).toEqual({ status: 200, json: { schedules: [] } });
  });

  it('previews cron lines and refuses bad ones by name', async () => {
    const good = await call<CronPreviewResponse>('POST', '/api/schedule/cron', {
      schedules: ['30 2 * * *'],
      timezone: 'Europe/Paris'
    });
    expect(good.json.problems).toEqual([null]);
    expect(good.json.nextRuns).toHaveLength(5);
    // 02:30 in Paris is 00:30 or 01:30 UTC.
    expect(good.json.nextRuns[0]).toMatch(/T0[01]:30:00\.000Z$/);
    const bad = await call<CronPreviewResponse>('POST', '/api/schedule/cron', {
      schedules: ['61 2 * * *'],
      timezone: 'Mars/Base'
    });
    expect(bad.json.problems[0]).toMatch(/minute: 61/);
    expect(bad.json.timezoneProblem).toMatch(/unknown time zone "Mars\/Base"/);
    expect(bad.json.nextRuns).toEqual([]);
  });

  it('creates a schedule pinned to HEAD once published, writes it as code, suspends, resumes and deletes it', async () => {
    const published = await arcade(['publish', '--json'], {
      cwd: repoDir,
      env: stack.env
    });
    expect(published.code).toBe(0);
    const { commit } = JSON.parse(published.stdout) as { commit: string };
    const context = await call<ScheduleContextResponse>(
      'GET',
      `/api/schedule/context?repo=${REPO}`
    );
    expect(context.json.publishedAtHead).toBe(true);

    for (const [bad, message] of [
      [spec({ name: 'Orders_Nightly' }), /is not a valid name/],
      [spec({ parameters: { NOTE: 'it\'s "quoted"' } }), /double quote/],
      [spec({ schedule: ['0 3 * * *'] }), /did you mean "schedules"/]
    ] as const) {
      const refused = await call<ErrorResponse>('POST', '/api/schedule', {
        repo: REPO,
        spec: bad,
        version: commit
      });
      expect(refused.status).toBe(400);
      expect(refused.json.error.message).toMatch(message);
    }
    expect(existsSync(path.join(repoDir, 'schedules'))).toBe(false);

    // The operator's Helm release installed the template (deploy/helm/arcade).
    const argo = loadSettings(stack.env).argo;
    const token = new ArgoToken(stack.env);
    const argoClient = new ArgoClient({
      baseUrl: argo.url ?? '',
      namespace: argo.namespace,
      token: () => token.get()
    });
    const generated = workflowTemplate(argo) as unknown as WorkflowTemplate;
    const helmOwned = { 'meta.helm.sh/release-name': 'arcade' };
    const installed = await argoClient.createWorkflowTemplate({
      ...generated,
      metadata: { ...generated.metadata, annotations: helmOwned }
    });

    const created = await call<ScheduleCreatedResponse>(
      'POST',
      '/api/schedule',
      { repo: REPO, spec: spec(), version: commit }
    );
    expect(created.status).toBe(200);
    // Its spec is the one the bridge generates: left as it is, Helm's marks kept.
    const template = await argoClient.getWorkflowTemplate(argo.templateName);
    expect(template.metadata.resourceVersion).toBe(
      installed.metadata.resourceVersion
    );
    expect(template.metadata.annotations).toEqual(helmOwned);
    expect(created.json).toMatchObject({
      file: 'schedules/orders-nightly.yaml',
      version: commit,
      schedule: {
        name: 'orders-nightly',
        schedules: ['0 3 * * *'],
        timezone: 'Europe/Paris',
        suspended: false,
        commit,
        notebooks: ['notebooks/orders.ipynb']
      }
    });
    expect(
      readFileSync(path.join(repoDir, 'schedules/orders-nightly.yaml'), 'utf8')
    ).toContain('name: orders-nightly');
    const suspended = await call<{ suspended: boolean; nextRuns: string[] }>(
      'POST',
      '/api/schedule/orders-nightly/suspend',
      {}
    );
    expect(suspended.json).toMatchObject({ suspended: true, nextRuns: [] });
    const resumed = await call<{ suspended: boolean; nextRuns: string[] }>(
      'POST',
      '/api/schedule/orders-nightly/resume',
      {}
    );
    expect(resumed.json.suspended).toBe(false);
    expect(resumed.json.nextRuns.length).toBeGreaterThan(0);
    const listed = await call<SchedulesResponse>(
      'GET',
      `/api/schedule?repo=${REPO}`
    );
    expect(listed.json.schedules.map(s => s.name)).toEqual(['orders-nightly']);
    const deleted = await call<{ deleted: string; file: string | null }>(
      'DELETE',
      `/api/schedule/orders-nightly?repo=${REPO}`
    );
    expect(deleted.json).toEqual({
      deleted: 'orders-nightly',
      file: 'schedules/orders-nightly.yaml'
    });
    expect(
      existsSync(path.join(repoDir, 'schedules/orders-nightly.yaml'))
    ).toBe(false);
  }, 120_000);

  it('runs now, and the run shows its steps, Arc stages with their cells, and its log page by page', async () => {
    const started = await call<RunSubmittedResponse>(
      'POST',
      '/api/schedule/run',
      { repo: REPO, spec: spec({ name: 'orders-once', schedules: [] }) }
    );
    expect(started.status).toBe(200);
    const name = started.json.run.name;
    expect(name).toMatch(/^orders-once-/);
    expect(started.json.run.trigger).toBe('manual');
    const detail = await finished(name);
    expect(detail.phase).toBe('Succeeded');
    expect(detail.environment).toBe('dev');
    expect(detail.steps).toHaveLength(1);
    expect(detail.steps[0]?.notebook).toBe('notebooks/orders.ipynb');
    expect(
      detail.steps[0]?.stages.map(s => [s.name, s.status, s.cellIndex])
    ).toEqual([
      ['recent orders', 'finished', 0],
      ['order count', 'finished', 1]
    ]);
    const first = await call<ArgoLogsResponse>(
      'GET',
      `/api/schedule/runs/${name}/logs?after=0`
    );
    expect(first.json.done).toBe(true);
    expect(first.json.lines.map(l => l.text).join('\n')).toContain(
      '"event":"exit"'
    );
    const rest = await call<ArgoLogsResponse>(
      'GET',
      `/api/schedule/runs/${name}/logs?after=${first.json.next}`
    );
    expect(rest.json.lines).toEqual([]);
    const runs = await call<ArgoRunsResponse>(
      'GET',
      `/api/schedule/runs?repo=${REPO}&notebook=notebooks/orders.ipynb`
    );
    expect(runs.json.runs.find(r => r.name === name)).toMatchObject({
      phase: 'Succeeded',
      trigger: 'manual',
      notebooks: ['notebooks/orders.ipynb']
    });
    const other = await call<ArgoRunsResponse>(
      'GET',
      `/api/schedule/runs?repo=${REPO}&notebook=notebooks/none.ipynb`
    );
    expect(other.json.runs).toEqual([]);
    const cell = await call<{ changed: boolean; currentCell: number }>(
      'GET',
      `/api/schedule/runs/${name}/cell?repo=${REPO}&notebook=notebooks/orders.ipynb&cell=1`
    );
    expect(cell.json).toMatchObject({ changed: false, currentCell: 1 });
    const resubmitted = await call<{ name: string }>(
      'POST',
      `/api/schedule/runs/${name}/resubmit`,
      {}
    );
    expect(resubmitted.json.name).not.toBe(name);
    const stopped = await call<{ name: string }>(
      'POST',
      `/api/schedule/runs/${resubmitted.json.name}/stop`,
      {}
    );
    expect(stopped.status).toBe(200);
    const again = resubmitted.json.name;
    const ended = await finished(again);
    expect(ended.phase).toBe('Failed');
    // Read once it ended: then Retry runs it again, and the panel sees the new attempt.
    const before = await call<ArgoLogsResponse>(
      'GET',
      `/api/schedule/runs/${again}/logs?after=0`
    );
    const retried = await call<{ phase: string }>(
      'POST',
      `/api/schedule/runs/${again}/retry`,
      {}
    );
    expect(retried.status).toBe(200);
    const succeeded = await finished(again);
    expect(succeeded.phase).toBe('Succeeded');
    expect(succeeded.steps[0]?.stages.map(s => s.status)).toEqual([
      'finished',
      'finished'
    ]);
    const after = await call<ArgoLogsResponse>(
      'GET',
      `/api/schedule/runs/${again}/logs?after=0`
    );
    expect(after.json.lines.length).toBeGreaterThan(before.json.lines.length);
    expect(after.json.lines.map(l => l.text).join('\n')).toContain(
      '"status":"success"'
    );
    const unknown = await call<ErrorResponse>(
      'GET',
      '/api/schedule/runs/no-such-run'
    );
    expect(unknown.status).toBe(404);
    const hostile = await call<ErrorResponse>(
      'POST',
      '/api/schedule/runs/..%2F..%2Fetc/stop',
      {}
    );
    expect(hostile.status).toBe(400);
  }, 300_000);
});
