/**
 * The pipeline of the three sample notebooks as one Argo DAG on the dev
 * stack's local Argo service: the initial load and the daily changes run
 * first, the SCD2 merge after both, each a real Arc job reading the pinned
 * version (its SQL and schema files included) from the local S3 server and
 * writing Delta tables into the lake.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { arcade, devUp, freeStackPorts } from './helpers';

const REPO = path.resolve(__dirname, '..', '..', '..');
const STEPS = [
  '01_customers_initial_load',
  '02_customers_daily_changes',
  '03_customers_scd2_merge'
].map(name => `notebooks/${name}.ipynb`);

let tmp: string;
let state: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'arcade-pipeline-'));
  state = path.join(tmp, 'state');
  // The stack seeds its repository from the project's own sample workspace.
  const base = {
    ...process.env,
    ARCADE_SAMPLE_WORKSPACE: path.join(REPO, 'sample-workspace')
  };
  const up = await devUp(state, await freeStackPorts(), base);
  expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
  env = { ...base, ARCADE_PROJECT: 'customers' };
  const printed = await arcade(['dev', 'env', '--state', state], { env: base });
  for (const line of printed.stdout.split('\n')) {
    const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      env[match[1]] = match[2].replace(/^'|'$/g, '');
    }
  }
}, 120_000);

afterAll(async () => {
  await arcade(['dev', 'down', '--state', state], { env });
  rmSync(tmp, { recursive: true, force: true });
});

describe('the sample pipeline on the local Argo service', () => {
  it('runs 01 and 02, then 03 after both, and leaves the Delta tables', async () => {
    const work = path.join(tmp, 'work');
    mkdirSync(work);
    const remote = (env.ARCADE_GIT_REMOTE ?? '').replace(/\/\/[^@]*@/, '//');
    const cloned = await arcade(['git', 'clone', remote, 'project'], {
      cwd: work,
      env
    });
    expect(cloned.code).toBe(0);
    const project = path.join(work, 'project');
    const published = await arcade(['publish', '--json'], {
      cwd: project,
      env
    });
    expect({ code: published.code, stderr: published.stderr }).toEqual({
      code: 0,
      stderr: ''
    });
    const { commit } = JSON.parse(published.stdout) as { commit: string };
    const version = `s3a://arcade-artifacts/arcade/customers/versions/${commit}`;
    const data = path.join(tmp, 'data');
    const lake = path.join(tmp, 'lake');
    execFileSync('python3', [
      path.join(REPO, 'scripts', 'generate_sample_data.py'),
      data
    ]);
    const submitted = await arcade(
      [
        'submit',
        ...STEPS,
        '--name',
        'customers',
        '--env',
        'dev',
        '--retries',
        '0',
        '--after',
        'customers-scd2-merge=customers-initial-load,customers-daily-changes',
        '--var',
        `ETL_CONF_DATA=file://${data}`,
        '--var',
        `ETL_CONF_META=${version}/meta`,
        '--var',
        `ETL_CONF_SQL=${version}/sql`,
        '--var',
        `ETL_CONF_LAKE=file://${lake}`,
        '--var',
        'ETL_CONF_LOAD_DATE=2026-01-01',
        '--json'
      ],
      { cwd: project, env }
    );
    expect({ code: submitted.code, stderr: submitted.stderr }).toEqual({
      code: 0,
      stderr: ''
    });
    const { name } = JSON.parse(submitted.stdout) as { name: string };
    // Three Arc jobs (two at once) on two cores: minutes when the machine is busy.
    const followed = await arcade(['runs', 'logs', name, '-f'], {
      cwd: project,
      env,
      timeoutMs: 480_000
    });
    expect(followed.code).toBe(0);
    const run = JSON.parse(
      (await arcade(['runs', 'get', name], { cwd: project, env })).stdout
    ) as {
      phase: string;
      commit: string;
      steps: Array<{
        name: string;
        phase: string;
        startedAt: string;
        finishedAt: string;
      }>;
    };
    expect({
      phase: run.phase,
      steps: run.steps.map(s => [s.name, s.phase]),
      log: run.phase === 'Succeeded' ? '' : followed.stdout.slice(-3000)
    }).toEqual({
      phase: 'Succeeded',
      steps: expect.arrayContaining([
        ['customers-initial-load', 'Succeeded'],
        ['customers-daily-changes', 'Succeeded'],
        ['customers-scd2-merge', 'Succeeded']
      ]) as unknown,
      log: ''
    });
    expect(run.commit).toBe(commit);
    const step = (prefix: string) => {
      const found = run.steps.find(s => s.name === prefix);
      if (found === undefined) {
        throw new Error(`no step ${prefix}`);
      }
      return found;
    };
    // The merge started only after both loads had finished.
    const mergeStart = Date.parse(step('customers-scd2-merge').startedAt);
    expect(mergeStart).toBeGreaterThanOrEqual(
      Date.parse(step('customers-initial-load').finishedAt)
    );
    expect(mergeStart).toBeGreaterThanOrEqual(
      Date.parse(step('customers-daily-changes').finishedAt)
    );
    for (const table of ['customers', 'customers_changes']) {
      expect(
        readdirSync(path.join(lake, 'delta', table, '_delta_log'))
      ).toEqual(expect.arrayContaining([expect.stringMatching(/^0+\.json$/)]));
    }
    // The merge wrote a second version of the customer table.
    expect(
      readdirSync(path.join(lake, 'delta', 'customers', '_delta_log')).filter(
        file => file.endsWith('.json')
      ).length
    ).toBeGreaterThanOrEqual(2);
  }, 600_000);
});
