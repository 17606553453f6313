/**
 * The catalog slice end to end on the real local stack (MinIO, the local
 * Athena endpoint on DuckDB): `arcade catalog crawl|ls|describe` and `arcade
 * query` as users run them, over Delta tables on local disk and on S3; the
 * bridge's `/api/catalog` routes (tables, history, previews, stop); the Athena
 * client's cancellation that stops the engine; exit codes; and no AWS secret
 * in any output, response or log line.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type {
  CatalogMatchResponse,
  ErrorResponse,
  Paged,
  PreviewStarted,
  QueryStatus,
  ResultPage,
  TableDetail,
  TableHistory,
  TableSummary
} from 'arcade-engine';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AthenaCatalog } from '../../src/catalog/athena';
import { loadSettings } from '../../src/config';
import { writeDeltaTable } from './deltaFixture';
import { arcade, type RunResult } from './helpers';
import { bridgeClient, startServe, stop } from './serveHelpers';
import { startStack, type Stack } from './stack';

let stack: Stack;
let env: NodeJS.ProcessEnv;
let s3Secret: string;
const outputs: RunResult[] = [];
const answers: string[] = [];
const bridgeLog: string[] = [];
let bridge: ChildProcess;
let socketPath: string;
const call = bridgeClient(() => socketPath, answers);

async function ended(id: string): Promise<QueryStatus> {
  for (;;) {
    const { json } = await call<QueryStatus>(
      'GET',
      `/api/catalog/queries/${id}`
    );
    if (json.state !== 'QUEUED' && json.state !== 'RUNNING') {
      return json;
    }
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

async function cli(args: string[]): Promise<RunResult> {
  const result = await arcade(args, { env });
  outputs.push(result);
  return result;
}

/** Uploads a local folder's files under `s3://bucket/prefix/`. */
async function upload(
  dir: string,
  bucket: string,
  prefix: string
): Promise<void> {
  const credentials = readFileSync(
    path.join(stack.state, 's3', 'credentials'),
    'utf8'
  );
  const user = /MINIO_ROOT_USER=(.*)/.exec(credentials)?.[1] ?? '';
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: stack.env.ARCADE_S3_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: user, secretAccessKey: s3Secret }
  });
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap(entry =>
      entry.isDirectory()
        ? walk(path.join(folder, entry.name))
        : [path.join(folder, entry.name)]
    );
  for (const file of walk(dir)) {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${prefix}/${path.relative(dir, file).split(path.sep).join('/')}`,
        Body: readFileSync(file)
      })
    );
  }
  client.destroy();
}

beforeAll(async () => {
  stack = await startStack('catalog');
  s3Secret =
    /MINIO_ROOT_PASSWORD=(.*)/.exec(
      readFileSync(path.join(stack.state, 's3', 'credentials'), 'utf8')
    )?.[1] ?? '';
  expect(s3Secret.length).toBeGreaterThan(10);
  const local = path.join(stack.state, 'lake', 'delta');
  await writeDeltaTable(
    path.join(local, 'customers'),
    [
      { name: 'id', type: 'long' },
      { name: 'name', type: 'string' }
    ],
    "SELECT range, 'customer ' || range FROM range(30)",
    { timestamp: Date.UTC(2026, 0, 1) }
  );
  await writeDeltaTable(
    path.join(local, 'customers'),
    [
      { name: 'id', type: 'long' },
      { name: 'name', type: 'string' }
    ],
    "SELECT range, 'late customer ' || range FROM range(30, 35)",
    { version: 1, operation: 'MERGE', timestamp: Date.UTC(2026, 0, 2) }
  );
  const staged = path.join(stack.tmp, 'staged-orders');
  await writeDeltaTable(
    staged,
    [
      { name: 'order_id', type: 'long' },
      { name: 'amount', type: 'double' }
    ],
    'SELECT range, range * 2.5 FROM range(12)'
  );
  await upload(staged, 'arcade-lake', 'delta/orders');
  env = {
    ...stack.env,
    ARCADE_CATALOG_CRAWL: `lake=${pathToFileURL(local).href},lake_s3=s3://arcade-lake/delta`,
    ARCADE_PREVIEW_ROWS: '20',
    // What the notebooks' ${NAME}s resolve to, as Arc resolves them in a job.
    ETL_CONF_LAKE: pathToFileURL(path.join(stack.state, 'lake')).href,
    LAKE_S3: 's3a://arcade-lake'
  };
  socketPath = path.join(stack.tmp, 'bridge.sock');
  bridge = await startServe(['--socket', socketPath], env, bridgeLog);
}, 180_000);

afterAll(async () => {
  await stop(bridge);
  await stack.stop();
});

describe('arcade catalog', () => {
  it('crawls the lake prefixes and registers their Delta tables once', async () => {
    const first = await cli(['catalog', 'crawl', '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const results = JSON.parse(first.stdout) as {
      database: string;
      table: string;
      outcome: string;
    }[];
    expect(results.map(r => [r.database, r.table, r.outcome])).toEqual([
      ['lake', 'customers', 'registered'],
      ['lake_s3', 'orders', 'registered']
    ]);
    const again = await cli(['catalog', 'crawl']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      '0 registered, 2 already registered, 0 failed'
    );
  });

  it('lists databases and tables, and describes a table from S3', async () => {
    const databases = await cli(['catalog', 'ls']);
    expect(databases.stdout.split('\n')).toEqual(
      expect.arrayContaining(['default', 'lake', 'lake_s3'])
    );
    const tables = await cli(['catalog', 'ls', 'lake_s3', '--json']);
    expect(JSON.parse(tables.stdout)).toEqual([
      {
        name: 'orders',
        format: 'DELTA',
        location: 's3://arcade-lake/delta/orders'
      }
    ]);
    const described = await cli([
      'catalog',
      'describe',
      'lake_s3.orders',
      '--json'
    ]);
    expect(JSON.parse(described.stdout)).toMatchObject({
      database: 'lake_s3',
      name: 'orders',
      format: 'DELTA',
      columns: [
        { name: 'order_id', type: 'bigint' },
        { name: 'amount', type: 'double' }
      ]
    });
  });

  it('queries tables on disk and on S3, with statistics', async () => {
    const onS3 = await cli([
      'query',
      'SELECT sum(amount) AS total, count(*) AS n FROM lake_s3.orders',
      '--json'
    ]);
    expect(onS3.stderr).toBe('');
    const result = JSON.parse(onS3.stdout) as {
      columns: { name: string; type: string }[];
      rows: unknown[][];
      status: {
        state: string;
        statistics: { dataScannedBytes: number; costUsd: number };
      };
    };
    expect(result.columns).toEqual([
      { name: 'total', type: 'double' },
      { name: 'n', type: 'bigint' }
    ]);
    expect(result.rows).toEqual([[165, 12]]);
    expect(result.status.state).toBe('SUCCEEDED');
    expect(result.status.statistics.costUsd).toBeGreaterThan(0);
    const onDisk = await cli([
      'query',
      'SELECT name FROM customers ORDER BY id DESC',
      '--database',
      'lake',
      '--max-rows',
      '5'
    ]);
    expect(onDisk.code).toBe(0);
    expect(onDisk.stdout).toContain('late customer 34');
    expect(onDisk.stdout).toMatch(
      /5 row\(s\) \(more not fetched: --max-rows\)/
    );
  });

  it('exits with documented codes and Athena-like messages', async () => {
    const syntax = await cli(['query', 'SELEC 1']);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(
      /^arcade: query [0-9a-f-]+ failed: .*syntax error/
    );
    const missing = await cli(['query', 'SELECT * FROM lake.absent']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('absent');
    const notQualified = await cli(['catalog', 'describe', 'orders']);
    expect(notQualified.code).toBe(2);
    expect(notQualified.stderr).toContain('"orders" is not DATABASE.TABLE');
    const noTable = await cli(['catalog', 'describe', 'lake.absent']);
    expect(noTable.code).toBe(1);
    expect(noTable.stderr).toContain(
      'MetadataException: Table absent not found in database lake.'
    );
  });

  it('stops a running query when the caller cancels', async () => {
    const settings = loadSettings(env, stack.tmp);
    const athena = new AthenaCatalog(settings.athena, env);
    const controller = new AbortController();
    const states: string[] = [];
    setTimeout(() => {
      controller.abort();
    }, 400);
    const started = Date.now();
    let message = '';
    try {
      await athena.query('SELECT count(*) FROM range(100000000000) a', 10, {
        signal: controller.signal,
        onStatus: status => states.push(status.state)
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/was cancelled/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(states).toContain('RUNNING');
    athena.client.destroy();
  });

  it('serves tables page by page with the name filter', async () => {
    const page = await call<Paged<TableSummary>>(
      'GET',
      '/api/catalog/tables?database=lake&filter=cust*'
    );
    expect(page.status).toBe(200);
    expect(page.json.items.map(t => [t.name, t.format])).toEqual([
      ['customers', 'DELTA']
    ]);
    const none = await call<Paged<TableSummary>>(
      'GET',
      '/api/catalog/tables?database=lake&filter=zzz*'
    );
    expect(none.json).toEqual({ items: [], nextToken: null });
    const missing = await call<ErrorResponse>(
      'GET',
      '/api/catalog/tables?database=absent'
    );
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toContain('Database absent not found');
  });

  it("reads a Delta table's details and history from its log", async () => {
    const detail = await call<TableDetail>(
      'GET',
      '/api/catalog/table?database=lake&table=customers'
    );
    expect(detail.json.columns.map(c => c.name)).toEqual(['id', 'name']);
    const history = await call<TableHistory>(
      'GET',
      '/api/catalog/history?database=lake&table=customers'
    );
    expect(history.status).toBe(200);
    expect(
      history.json.commits.map(c => [
        c.version,
        c.operation,
        c.timestamp,
        c.metrics.numOutputRows
      ])
    ).toEqual([
      [1, 'MERGE', '2026-01-02T00:00:00.000Z', '5'],
      [0, 'WRITE', '2026-01-01T00:00:00.000Z', '30']
    ]);
    const onS3 = await call<TableHistory>(
      'GET',
      '/api/catalog/history?database=lake_s3&table=orders'
    );
    expect(onS3.json.commits).toHaveLength(1);
  });

  it('previews a table: quoted SQL, the row limit, typed pages and statistics', async () => {
    const started = await call<PreviewStarted>('POST', '/api/catalog/preview', {
      database: 'lake',
      table: 'customers'
    });
    expect(started.status).toBe(200);
    expect(started.json.sql).toBe('SELECT * FROM "lake"."customers" LIMIT 20');
    const status = await ended(started.json.queryId);
    expect(status.state).toBe('SUCCEEDED');
    expect(status.statistics.dataScannedBytes).toBeGreaterThan(0);
    const first = await call<ResultPage>(
      'GET',
      `/api/catalog/queries/${started.json.queryId}/results?max=15`
    );
    expect(first.json.columns).toEqual([
      { name: 'id', type: 'bigint' },
      { name: 'name', type: 'varchar' }
    ]);
    expect(first.json.rows).toHaveLength(15);
    expect(typeof first.json.rows[0]?.[0]).toBe('number');
    const second = await call<ResultPage>(
      'GET',
      `/api/catalog/queries/${started.json.queryId}/results?max=15&nextToken=${encodeURIComponent(first.json.nextToken ?? '')}`
    );
    expect(second.json.rows).toHaveLength(5);
    expect(second.json.nextToken).toBeNull();
  });

  it('stops a preview through the bridge', async () => {
    const started = await call<PreviewStarted>('POST', '/api/catalog/preview', {
      database: 'lake',
      table: 'customers'
    });
    const stopped = await call<QueryStatus>(
      'POST',
      `/api/catalog/queries/${started.json.queryId}/stop`
    );
    expect(stopped.status).toBe(200);
    expect(['CANCELLED', 'SUCCEEDED']).toContain(stopped.json.state);
  });

  it('refuses a preview without the XSRF token, a bad query id and an oversized limit', async () => {
    const forged = await call<ErrorResponse>(
      'POST',
      '/api/catalog/preview',
      { database: 'lake', table: 'customers' },
      {}
    );
    expect(forged.status).toBe(403);
    const badId = await call<ErrorResponse>(
      'GET',
      '/api/catalog/queries/..%2F..%2Fetc'
    );
    expect(badId.status).toBe(400);
    const tooMany = await call<ErrorResponse>('POST', '/api/catalog/preview', {
      database: 'lake',
      table: 'customers',
      limit: 100000
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.message).toContain('from 1 to 20');
  });

  it("matches a notebook's locations and names to registered tables without revealing what ${NAME} resolves to", async () => {
    const refs = [
      { kind: 'location', text: '${ETL_CONF_LAKE}/delta/customers' },
      { kind: 'location', text: '${LAKE_S3}/delta/orders/' },
      { kind: 'location', text: '${ETL_CONF_LAKE}/delta/absent' },
      { kind: 'location', text: '${NOT_SET}/delta/customers' },
      { kind: 'table', database: 'LAKE', table: 'Customers' },
      { kind: 'table', database: 'lake', table: "x'; DROP TABLE y; --" }
    ];
    const answer = await call<CatalogMatchResponse>(
      'POST',
      '/api/catalog/match',
      { refs }
    );
    expect(answer.status).toBe(200);
    expect(answer.json.matches).toEqual([
      { database: 'lake', table: 'customers' },
      { database: 'lake_s3', table: 'orders' },
      null,
      null,
      { database: 'lake', table: 'customers' },
      null
    ]);
    expect(answers[answers.length - 1]).not.toContain(stack.state);
    expect(answers[answers.length - 1]).not.toContain('arcade-lake');

    const noXsrf = await call<ErrorResponse>(
      'POST',
      '/api/catalog/match',
      { refs },
      {}
    );
    expect(noXsrf.status).toBe(403);
    const bad = await call<ErrorResponse>('POST', '/api/catalog/match', {
      refs: [{ kind: 'location' }]
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('refs[0].text');
  });

  it('never prints, answers or logs an AWS secret', () => {
    const log = readFileSync(
      path.join(stack.state, 'logs', 'athena.log'),
      'utf8'
    );
    expect(answers.length).toBeGreaterThan(8);
    for (const text of [
      ...outputs.flatMap(o => [o.stdout, o.stderr]),
      ...answers,
      ...bridgeLog,
      log
    ]) {
      for (const secret of [s3Secret, ...stack.secrets]) {
        expect(text.includes(secret)).toBe(false);
      }
    }
    expect(outputs.length).toBeGreaterThan(8);
  });
});
