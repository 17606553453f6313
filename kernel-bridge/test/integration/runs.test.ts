import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type {
  RunDetail,
  RunEvent,
  RunEventsResponse,
  StartRunResponse
} from 'arcade-engine';
import { loadSettings } from '../../src/config';
import { createServer } from '../../src/server/app';
import {
  arcade,
  devUp,
  freeStackPorts,
  isLoopback,
  listeningSockets,
  processesMatching,
  type RunResult
} from './helpers';

const REPO = path.resolve(__dirname, '..', '..', '..');
const NOTEBOOKS = path.join(REPO, 'sample-workspace', 'notebooks');
const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'notebooks');
const PLUGINS = path.join(REPO, '.cache', 'arc', 'plugins');

let tmp: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'arcade-runs-'));
  env = { ...process.env, ARCADE_STATE_DIR: path.join(tmp, 'state') };
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function jsonEvents(result: RunResult): RunEvent[] {
  return result.stdout
    .split('\n')
    .filter(line => line.startsWith('{'))
    .map(line => JSON.parse(line) as RunEvent);
}

function finishedStages(events: RunEvent[]): string[] {
  return events.flatMap(e =>
    e.type === 'stage-finished' ? [e.stage.name] : []
  );
}

describe('arcade run (real Arc on local Spark)', () => {
  it('runs the quickstart notebook stage by stage and exits 0', async () => {
    const result = await arcade(
      [
        'run',
        path.join(NOTEBOOKS, '00_quickstart.ipynb'),
        '--env',
        'dev',
        '--format',
        'json'
      ],
      { env }
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const events = jsonEvents(result);
    expect(events.map(e => e.type)).toEqual([
      'stage-started',
      'stage-finished',
      'stage-started',
      'stage-finished',
      'stage-started',
      'stage-finished',
      'job-finished'
    ]);
    expect(finishedStages(events)).toEqual([
      'hello',
      'numbers',
      'sum of squares'
    ]);
    const first = events[1];
    expect(first).toMatchObject({
      type: 'stage-finished',
      stage: { index: 0, type: 'SQLTransform', cellIndex: 1 },
      outputColumns: 2
    });
    expect(events.at(-1)).toMatchObject({ status: 'succeeded', exitCode: 0 });
    // Spark's warehouse goes to the state folder, not next to the notebook.
    expect(existsSync(path.join(NOTEBOOKS, 'spark-warehouse', 'hello'))).toBe(
      false
    );
  });

  it('exits 1 and names the failed stage and its cell for bad SQL', async () => {
    const result = await arcade(
      ['run', path.join(FIXTURES, 'bad_sql.ipynb'), '--env', 'dev'],
      { env }
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'stage 1 "fine" (SQLTransform, cell 1) finished'
    );
    expect(result.stdout).toContain(
      'stage 2 "broken" (SQLTransform, cell 2) FAILED'
    );
    expect(result.stdout).toContain('Table or view not found: no_such_view');
    expect(result.stdout).not.toContain('"never"');
    expect(result.stderr).toMatch(
      /^arcade: run of .*bad_sql\.ipynb failed at stage 2 "broken"/
    );
  });

  it('passes --var to Arc for ${NAME} substitutions and refuses a missing notebook', async () => {
    const missing = await arcade(
      ['run', path.join(tmp, 'nope.ipynb'), '--env', 'dev'],
      { env }
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `notebook not found: ${path.join(tmp, 'nope.ipynb')}`
    );
    const unset = await arcade(
      [
        'run',
        path.join(FIXTURES, 's3_csv.ipynb'),
        '--env',
        'dev',
        '--format',
        'json'
      ],
      { env }
    );
    expect(unset.code).toBe(1);
    expect(jsonEvents(unset)).toContainEqual(
      expect.objectContaining({
        type: 'stage-failed',
        stage: {
          index: 0,
          name: 'orders from s3',
          type: 'unknown',
          cellIndex: 0
        },
        reasons: [expect.stringContaining('${ORDERS_URI}')]
      })
    );
  });

  it('cancels a run over HTTP by killing the JVM', async () => {
    const previous = process.env.ARCADE_STATE_DIR;
    process.env.ARCADE_STATE_DIR = env.ARCADE_STATE_DIR;
    const app = createServer(loadSettings({}, FIXTURES));
    const xsrf = {
      'x-xsrftoken': 'tok',
      cookie: '_xsrf=tok',
      'sec-fetch-site': 'same-origin'
    };
    try {
      const started = await app.inject({
        method: 'POST',
        url: '/api/runs',
        headers: xsrf,
        payload: { path: 'slow.ipynb', environment: 'dev' }
      });
      expect(started.statusCode).toBe(202);
      const { runId } = started.json<StartRunResponse>();
      // The JVM is found by its argument file (the job id is inside it, off the command line).
      const marker = `arcade-${runId}.args`;
      let after = 0;
      const seen: RunEvent[] = [];
      while (!seen.some(e => e.type === 'stage-started')) {
        await new Promise(resolve => setTimeout(resolve, 500));
        const page = await app.inject({
          method: 'GET',
          url: `/api/runs/${runId}/events?after=${after}`
        });
        const body = page.json<RunEventsResponse>();
        seen.push(...body.events);
        after = body.run.lastSeq;
        expect(body.run.status).toBe('running');
      }
      const jvms = processesMatching(marker);
      expect(jvms).toHaveLength(1);
      // Spark binds to loopback: the driver listens, but on 127.0.0.1 only.
      const sockets = listeningSockets(jvms[0] ?? -1);
      expect(sockets.length).toBeGreaterThan(0);
      expect(sockets.filter(s => !isLoopback(s.address))).toEqual([]);
      const cancelled = await app.inject({
        method: 'DELETE',
        url: `/api/runs/${runId}`,
        headers: xsrf
      });
      expect(cancelled.statusCode).toBe(200);
      let detail: RunDetail;
      do {
        await new Promise(resolve => setTimeout(resolve, 250));
        detail = (
          await app.inject({ method: 'GET', url: `/api/runs/${runId}` })
        ).json<RunDetail>();
      } while (detail.status === 'running');
      expect(detail.status).toBe('cancelled');
      expect(detail.events.at(-1)).toMatchObject({
        type: 'job-finished',
        status: 'cancelled'
      });
      expect(processesMatching(marker)).toEqual([]);
    } finally {
      await app.close();
      process.env.ARCADE_STATE_DIR = previous;
    }
  });

  it('keeps a secret a notebook resolves into a stage name and failing SQL out of every response', async () => {
    const secret = 'arcadeTestSecret0123456789abcdefXYZ';
    const saved = { ...process.env };
    const credentials = {
      AWS_ACCESS_KEY_ID: 'AKIAARCADETESTKEY01',
      AWS_SECRET_ACCESS_KEY: secret
    };
    Object.assign(process.env, credentials, {
      ARCADE_STATE_DIR: env.ARCADE_STATE_DIR
    });
    const app = createServer(loadSettings(credentials, FIXTURES));
    const xsrf = {
      'x-xsrftoken': 'tok',
      cookie: '_xsrf=tok',
      'sec-fetch-site': 'same-origin'
    };
    const bodies: string[] = [];
    try {
      const started = await app.inject({
        method: 'POST',
        url: '/api/runs',
        headers: xsrf,
        payload: { path: 'secret_in_stage.ipynb', environment: 'dev' }
      });
      bodies.push(started.body);
      expect(started.statusCode).toBe(202);
      const { runId } = started.json<StartRunResponse>();
      let detail: RunDetail;
      do {
        await new Promise(resolve => setTimeout(resolve, 500));
        const events = await app.inject({
          method: 'GET',
          url: `/api/runs/${runId}/events?after=0`
        });
        bodies.push(events.body);
        const response = await app.inject({
          method: 'GET',
          url: `/api/runs/${runId}`
        });
        bodies.push(response.body);
        detail = response.json<RunDetail>();
      } while (detail.status === 'running');
      bodies.push((await app.inject({ method: 'GET', url: '/api/runs' })).body);
      // The secret did reach Arc: it named stage 1 and broke the SQL of stage 2.
      expect(detail.status).toBe('failed');
      const failed = detail.events.find(e => e.type === 'stage-failed');
      expect(failed).toMatchObject({ stage: { index: 1, name: 'broken' } });
      expect(JSON.stringify(failed)).toContain('missing_[redacted]');
      const first = detail.events.find(e => e.type === 'stage-finished');
      expect(first).toMatchObject({ stage: { name: 'named [redacted]' } });
      for (const body of bodies) {
        expect(body).not.toContain(secret);
      }
    } finally {
      await app.close();
      process.env = saved;
    }
  });

  it('refuses notebooks outside the workspace over HTTP', async () => {
    const app = createServer(loadSettings({}, FIXTURES));
    const response = await app.inject({
      method: 'POST',
      url: '/api/runs',
      headers: {
        'x-xsrftoken': 'tok',
        cookie: '_xsrf=tok',
        'sec-fetch-site': 'same-origin'
      },
      payload: { path: '../../package.json.ipynb', environment: 'dev' }
    });
    expect(response.statusCode).toBe(400);
    await app.close();
  });
});

describe('sample workspace end to end (Delta Lake plugin)', () => {
  it('01 → 02 → 03 write Delta tables into the lake', async () => {
    const plugin = existsSync(PLUGINS)
      ? readdirSync(PLUGINS).filter(name => name.endsWith('.jar'))
      : [];
    if (plugin.length === 0) {
      throw new Error(
        `the Arcade Delta Lake stage plugin is missing: no jar in ${PLUGINS} (build runtime/arc-delta-plugin)`
      );
    }
    const data = path.join(tmp, 'data');
    const lake = path.join(tmp, 'lake');
    execFileSync('python3', [
      path.join(REPO, 'scripts', 'generate_sample_data.py'),
      data
    ]);
    const runEnv = {
      ...env,
      ETL_CONF_DATA: `file://${data}`,
      ETL_CONF_META: `file://${path.join(REPO, 'sample-workspace', 'meta')}`,
      ETL_CONF_SQL: `file://${path.join(REPO, 'sample-workspace', 'sql')}`,
      ETL_CONF_LAKE: `file://${lake}`,
      ETL_CONF_LOAD_DATE: '2026-01-01'
    };
    for (const notebook of [
      '01_customers_initial_load',
      '02_customers_daily_changes',
      '03_customers_scd2_merge'
    ]) {
      const result = await arcade(
        ['run', path.join(NOTEBOOKS, `${notebook}.ipynb`), '--env', 'dev'],
        { env: runEnv }
      );
      expect({
        notebook,
        code: result.code,
        stderr: result.stderr,
        stdout: result.stdout.slice(-3000)
      }).toMatchObject({ notebook, code: 0 });
    }
    for (const table of ['customers', 'customers_changes']) {
      expect(
        readdirSync(path.join(lake, 'delta', table, '_delta_log'))
      ).toEqual(expect.arrayContaining([expect.stringMatching(/^0+\.json$/)]));
    }
    // The merge added a second version of the customer table.
    expect(
      readdirSync(path.join(lake, 'delta', 'customers', '_delta_log')).filter(
        f => f.endsWith('.json')
      ).length
    ).toBeGreaterThanOrEqual(2);
  });
});

describe('arcade run against the local S3 server (s3a://)', () => {
  let state: string;
  let stackEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    state = path.join(tmp, 'stack');
    const up = await devUp(state, await freeStackPorts(), env);
    expect({ code: up.code, stderr: up.stderr }).toEqual({
      code: 0,
      stderr: ''
    });
    const printed = await arcade(['dev', 'env', '--state', state], { env });
    stackEnv = { ...env };
    for (const line of printed.stdout.split('\n')) {
      const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line);
      if (match?.[1] !== undefined && match[2] !== undefined) {
        stackEnv[match[1]] = match[2].replace(/^'|'$/g, '');
      }
    }
  });

  afterAll(async () => {
    await arcade(['dev', 'down', '--state', state], { env });
  });

  it('reads a CSV from the lake bucket via s3a', async () => {
    const endpoint = stackEnv.ARCADE_S3_ENDPOINT ?? '';
    const bucket = stackEnv.ARCADE_LAKE_BUCKET ?? 'arcade-lake';
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true
    });
    const previous = { ...process.env };
    Object.assign(process.env, stackEnv);
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'raw/orders.csv',
          Body: '1,apple\n2,pear\n'
        })
      );
    } finally {
      process.env = previous;
      client.destroy();
    }
    const result = await arcade(
      [
        'run',
        path.join(FIXTURES, 's3_csv.ipynb'),
        '--env',
        'dev',
        '--var',
        `ORDERS_URI=s3a://${bucket}/raw/orders.csv`,
        '--format',
        'json'
      ],
      { env: stackEnv }
    );
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 0,
      stderr: ''
    });
    expect(jsonEvents(result)).toContainEqual(
      expect.objectContaining({
        type: 'stage-finished',
        stage: {
          index: 0,
          name: 'orders from s3',
          type: 'SQLTransform',
          cellIndex: 0
        },
        records: 2
      })
    );
  });
});
