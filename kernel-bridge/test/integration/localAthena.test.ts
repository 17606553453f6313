/**
 * The local Athena endpoint, driven only through the real AWS SDK client
 * (@aws-sdk/client-athena): DDL into its Glue-like catalog, query states,
 * result paging with the header row, statistics, cancellation, result reuse,
 * error shapes, refusals and hostile names — over Delta tables this test writes.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetTableMetadataCommand,
  ListDatabasesCommand,
  ListTableMetadataCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type QueryExecution
} from '@aws-sdk/client-athena';
import { previewSql, registerDeltaSql } from 'arcade-engine';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { duckdbExtensionDir } from '../../src/dev/athena';
import {
  createLocalAthena,
  type LocalAthena
} from '../../src/catalog/localAthena/service';
import { writeDeltaTable } from './deltaFixture';
import { REPO } from './helpers';

const KEY = 'arcadetestkey';
let tmp: string;
let athena: LocalAthena;
let client: AthenaClient;
let port: number;
let lake: string;

async function open(latencyMs = 0, maxRows = 100_000): Promise<void> {
  athena = await createLocalAthena({
    dir: path.join(tmp, 'athena'),
    accessKeyId: KEY,
    extensionDir: duckdbExtensionDir(process.env, REPO),
    s3: null,
    executions: { queueMs: 5, latencyMs, maxRows },
    report: error => {
      throw error;
    }
  });
  port = await athena.listen(0);
  client = new AthenaClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: KEY, secretAccessKey: 'not-checked-locally' },
    maxAttempts: 1
  });
}

async function close(): Promise<void> {
  client.destroy();
  await athena.close();
}

async function start(sql: string, database = 'default'): Promise<string> {
  const { QueryExecutionId } = await client.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      QueryExecutionContext: { Database: database },
      ResultConfiguration: {
        OutputLocation: 's3://arcade-lake/athena-results/'
      }
    })
  );
  return QueryExecutionId ?? '';
}

async function finish(id: string): Promise<QueryExecution> {
  for (;;) {
    const { QueryExecution: q } = await client.send(
      new GetQueryExecutionCommand({ QueryExecutionId: id })
    );
    const state = q?.Status?.State;
    if (state !== 'QUEUED' && state !== 'RUNNING') {
      return q ?? {};
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

async function run(sql: string, database = 'default'): Promise<QueryExecution> {
  return finish(await start(sql, database));
}

async function caught(
  promise: Promise<unknown>
): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'arcade-athena-'));
  lake = path.join(tmp, 'lake');
  await writeDeltaTable(
    path.join(lake, 'customers'),
    [
      { name: 'id', type: 'long' },
      { name: 'name', type: 'string' },
      { name: 'amount', type: 'double' },
      { name: 'active', type: 'boolean' },
      { name: 'since', type: 'timestamp' }
    ],
    "SELECT range, 'customer ' || range, range * 1.5, range % 2 = 0, TIMESTAMP '2026-01-01 00:00:00' + INTERVAL (range) MINUTE FROM range(250)"
  );
  await writeDeltaTable(
    path.join(lake, 'we ird', 'tab"le'),
    [
      { name: 'col "q"', type: 'string' },
      { name: 'ünï', type: 'integer' }
    ],
    "SELECT 'x''; DROP TABLE customers; --', 7"
  );
  await open();
}, 120_000);

afterAll(async () => {
  await close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('DDL into the Glue-like catalog', () => {
  it('registers a Delta table with its columns read from the log', async () => {
    const created = await run('CREATE DATABASE IF NOT EXISTS sales');
    expect(created.Status?.State).toBe('SUCCEEDED');
    expect(created.StatementType).toBe('DDL');
    const location = pathToFileURL(path.join(lake, 'customers')).href;
    const registered = await run(
      registerDeltaSql('sales', 'customers', location)
    );
    expect(registered.Status).toMatchObject({ State: 'SUCCEEDED' });
    const { TableMetadata: table } = await client.send(
      new GetTableMetadataCommand({
        CatalogName: 'AwsDataCatalog',
        DatabaseName: 'sales',
        TableName: 'customers'
      })
    );
    expect(table?.Columns).toEqual([
      { Name: 'id', Type: 'bigint' },
      { Name: 'name', Type: 'string' },
      { Name: 'amount', Type: 'double' },
      { Name: 'active', Type: 'boolean' },
      { Name: 'since', Type: 'timestamp' }
    ]);
    expect(table?.Parameters).toMatchObject({ table_type: 'DELTA', location });
    expect(table?.TableType).toBe('EXTERNAL_TABLE');
    expect(table?.CreateTime).toBeInstanceOf(Date);
  });

  it('fails a second CREATE without IF NOT EXISTS, as Athena does', async () => {
    const location = pathToFileURL(path.join(lake, 'customers')).href;
    const again = await run(
      `CREATE EXTERNAL TABLE sales.customers LOCATION '${location}' TBLPROPERTIES ('table_type'='DELTA')`
    );
    expect(again.Status?.State).toBe('FAILED');
    expect(again.Status?.StateChangeReason).toContain('already exists');
    expect(again.Status?.AthenaError).toMatchObject({ ErrorCategory: 2 });
  });

  it('reports a DDL syntax error with its line and column', async () => {
    const failed = await run('CREATE EXTERNAL TABLE sales.x (id int LOCATION');
    expect(failed.Status?.State).toBe('FAILED');
    expect(failed.Status?.StateChangeReason).toMatch(/^line 1:\d+: /);
  });

  it('refuses a table location that is not a Delta table', async () => {
    const failed = await run(
      `CREATE EXTERNAL TABLE sales.nothing LOCATION '${pathToFileURL(path.join(tmp, 'absent')).href}' TBLPROPERTIES ('table_type'='DELTA')`
    );
    expect(failed.Status?.State).toBe('FAILED');
    expect(failed.Status?.StateChangeReason).toContain(
      'no Delta table can be read'
    );
  });

  it('lists databases and tables page by page, with the name filter', async () => {
    await run('CREATE DATABASE paging');
    for (const name of ['a_orders', 'b_orders', 'c_items']) {
      await run(
        `CREATE EXTERNAL TABLE paging.${name} (id bigint) STORED AS PARQUET LOCATION 'file:///nowhere/${name}'`
      );
    }
    const first = await client.send(
      new ListTableMetadataCommand({
        CatalogName: 'AwsDataCatalog',
        DatabaseName: 'paging',
        MaxResults: 2
      })
    );
    expect(first.TableMetadataList?.map(t => t.Name)).toEqual([
      'a_orders',
      'b_orders'
    ]);
    expect(first.NextToken).toBeDefined();
    const second = await client.send(
      new ListTableMetadataCommand({
        CatalogName: 'AwsDataCatalog',
        DatabaseName: 'paging',
        MaxResults: 2,
        NextToken: first.NextToken
      })
    );
    expect(second.TableMetadataList?.map(t => t.Name)).toEqual(['c_items']);
    expect(second.NextToken).toBeUndefined();
    const filtered = await client.send(
      new ListTableMetadataCommand({
        CatalogName: 'AwsDataCatalog',
        DatabaseName: 'paging',
        Expression: '*orders'
      })
    );
    expect(filtered.TableMetadataList?.map(t => t.Name)).toEqual([
      'a_orders',
      'b_orders'
    ]);
    const databases = await client.send(
      new ListDatabasesCommand({ CatalogName: 'AwsDataCatalog' })
    );
    expect(databases.DatabaseList?.map(d => d.Name)).toEqual(
      expect.arrayContaining(['default', 'paging', 'sales'])
    );
  });

  it('answers a missing table or database with MetadataException', async () => {
    const error = await caught(
      client.send(
        new GetTableMetadataCommand({
          CatalogName: 'AwsDataCatalog',
          DatabaseName: 'sales',
          TableName: 'absent'
        })
      )
    );
    expect(error.name).toBe('MetadataException');
    expect(error.message).toBe('Table absent not found in database sales.');
    const noDb = await caught(
      client.send(
        new ListTableMetadataCommand({
          CatalogName: 'AwsDataCatalog',
          DatabaseName: 'absent'
        })
      )
    );
    expect(noDb.name).toBe('MetadataException');
  });

  it('refuses a paging token it never issued', async () => {
    const error = await caught(
      client.send(
        new ListDatabasesCommand({
          CatalogName: 'AwsDataCatalog',
          NextToken: '{"evil":1}'
        })
      )
    );
    expect(error.name).toBe('InvalidRequestException');
    expect(error.AthenaErrorCode).toBe('INVALID_INPUT');
  });

  it('keeps the catalog across a restart', async () => {
    await close();
    await open();
    const { TableMetadata: table } = await client.send(
      new GetTableMetadataCommand({
        CatalogName: 'AwsDataCatalog',
        DatabaseName: 'sales',
        TableName: 'customers'
      })
    );
    expect(table?.Name).toBe('customers');
  });
});

describe('queries', () => {
  it('pages results with the header row first and typed ColumnInfo', async () => {
    const q = await run('SELECT * FROM customers ORDER BY id', 'sales');
    expect(q.Status?.State).toBe('SUCCEEDED');
    expect(q.StatementType).toBe('DML');
    expect(q.Statistics?.DataScannedInBytes).toBeGreaterThan(0);
    expect(q.Statistics?.EngineExecutionTimeInMillis).toBeGreaterThanOrEqual(0);
    expect(q.ResultConfiguration?.OutputLocation).toBe(
      `s3://arcade-lake/athena-results/${q.QueryExecutionId}.csv`
    );
    const first = await client.send(
      new GetQueryResultsCommand({
        QueryExecutionId: q.QueryExecutionId,
        MaxResults: 100
      })
    );
    const columns = first.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
    expect(columns.map(c => [c.Name, c.Type])).toEqual([
      ['id', 'bigint'],
      ['name', 'varchar'],
      ['amount', 'double'],
      ['active', 'boolean'],
      ['since', 'timestamp']
    ]);
    const rows = first.ResultSet?.Rows ?? [];
    expect(rows).toHaveLength(100);
    expect(rows[0]?.Data?.map(d => d.VarCharValue)).toEqual([
      'id',
      'name',
      'amount',
      'active',
      'since'
    ]);
    expect(rows[2]?.Data?.map(d => d.VarCharValue)).toEqual([
      '1',
      'customer 1',
      '1.5',
      'false',
      '2026-01-01 00:01:00.000'
    ]);
    let token = first.NextToken;
    let data = rows.length - 1;
    while (token !== undefined) {
      const page = await client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: q.QueryExecutionId,
          MaxResults: 100,
          NextToken: token
        })
      );
      data += page.ResultSet?.Rows?.length ?? 0;
      token = page.NextToken;
    }
    expect(data).toBe(250);
  });

  it('sends NULL as a datum without a value', async () => {
    const q = await run('SELECT NULL AS nothing, 1 AS one');
    const page = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId: q.QueryExecutionId })
    );
    expect(page.ResultSet?.Rows?.[1]?.Data).toEqual([
      {},
      { VarCharValue: '1' }
    ]);
  });

  it('fails a query on a missing table with Athena-like reason and error category', async () => {
    const q = await run('SELECT * FROM sales.absent');
    expect(q.Status?.State).toBe('FAILED');
    expect(q.Status?.StateChangeReason).toMatch(/absent/);
    expect(q.Status?.AthenaError?.ErrorCategory).toBe(2);
    const error = await caught(
      client.send(
        new GetQueryResultsCommand({ QueryExecutionId: q.QueryExecutionId })
      )
    );
    expect(error.name).toBe('InvalidRequestException');
  });

  it('refuses statements that write, and more than one statement', async () => {
    for (const sql of [
      "COPY (SELECT 1) TO '/tmp/arcade-should-not-exist.csv'",
      'CREATE TABLE t AS SELECT 1',
      'INSERT INTO sales.customers VALUES (1)',
      "ATTACH '/tmp/x.db'",
      'SELECT 1; SELECT 2'
    ]) {
      const q = await run(sql, 'sales');
      expect([sql, q.Status?.State]).toEqual([sql, 'FAILED']);
    }
    const q = await run(
      "COPY (SELECT 1) TO '/tmp/arcade-should-not-exist.csv'"
    );
    expect(q.Status?.StateChangeReason).toContain(
      'COPY statements are refused'
    );
  });

  it('quotes hostile names so a preview stays one SELECT', async () => {
    await run('CREATE DATABASE `we"ird db`');
    const location = pathToFileURL(path.join(lake, 'we ird', 'tab"le')).href;
    const registered = await run(
      registerDeltaSql('we"ird db', 'tab"le; DROP TABLE x --', location)
    );
    expect(registered.Status?.StateChangeReason).toBeUndefined();
    const q = await run(previewSql('we"ird db', 'tab"le; DROP TABLE x --', 10));
    expect([q.Status?.State, q.Status?.StateChangeReason]).toEqual([
      'SUCCEEDED',
      undefined
    ]);
    const page = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId: q.QueryExecutionId })
    );
    expect(
      page.ResultSet?.Rows?.map(r => r.Data?.map(d => d.VarCharValue))
    ).toEqual([
      ['col "q"', 'ünï'],
      ["x'; DROP TABLE customers; --", '7']
    ]);
    const still = await run('SELECT count(*) FROM sales.customers');
    expect(still.Status?.State).toBe('SUCCEEDED');
  });

  it('reuses a recent result when asked, scanning nothing', async () => {
    const sql = 'SELECT count(*) AS n FROM sales.customers';
    const reuse = {
      ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 5 }
    };
    const firstId = (
      await client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          ResultReuseConfiguration: reuse
        })
      )
    ).QueryExecutionId;
    const first = await finish(firstId ?? '');
    expect(first.Statistics?.ResultReuseInformation?.ReusedPreviousResult).toBe(
      false
    );
    const secondId = (
      await client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          ResultReuseConfiguration: reuse
        })
      )
    ).QueryExecutionId;
    const second = await finish(secondId ?? '');
    expect(
      second.Statistics?.ResultReuseInformation?.ReusedPreviousResult
    ).toBe(true);
    expect(second.Statistics?.DataScannedInBytes).toBe(0);
    const page = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId: secondId })
    );
    expect(page.ResultSet?.Rows?.[1]?.Data?.[0]?.VarCharValue).toBe('250');
  });

  it('answers the same client token with the same query', async () => {
    const input = {
      QueryString: 'SELECT 1',
      ClientRequestToken: 'arcade-token-0000000000000000000001'
    };
    const a = await client.send(new StartQueryExecutionCommand(input));
    const b = await client.send(new StartQueryExecutionCommand(input));
    expect(b.QueryExecutionId).toBe(a.QueryExecutionId);
  });

  it('refuses a request signed with another key', async () => {
    const stranger = new AthenaClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'someoneelse', secretAccessKey: 'x' },
      maxAttempts: 1
    });
    const error = await caught(
      stranger.send(new ListDatabasesCommand({ CatalogName: 'AwsDataCatalog' }))
    );
    stranger.destroy();
    expect(error.name).toBe('UnrecognizedClientException');
  });
});

describe('states and cancellation', () => {
  beforeAll(async () => {
    await close();
    await open(1500, 100);
  });

  it('goes QUEUED/RUNNING → SUCCEEDED and refuses results before the end', async () => {
    const id = await start('SELECT 42 AS answer');
    const early = await client.send(
      new GetQueryExecutionCommand({ QueryExecutionId: id })
    );
    expect(['QUEUED', 'RUNNING']).toContain(
      early.QueryExecution?.Status?.State
    );
    const error = await caught(
      client.send(new GetQueryResultsCommand({ QueryExecutionId: id }))
    );
    expect(error.name).toBe('InvalidRequestException');
    expect(error.message).toMatch(
      /^Query has not yet finished\. Current state: (QUEUED|RUNNING)$/
    );
    const done = await finish(id);
    expect(done.Status?.State).toBe('SUCCEEDED');
    expect(done.Statistics?.EngineExecutionTimeInMillis).toBeGreaterThanOrEqual(
      1400
    );
    expect(done.Status?.CompletionDateTime).toBeInstanceOf(Date);
  });

  it('stops a running query: CANCELLED, and its results refused', async () => {
    const id = await start('SELECT * FROM sales.customers');
    await new Promise(resolve => setTimeout(resolve, 100));
    await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    const stopped = await finish(id);
    expect(stopped.Status?.State).toBe('CANCELLED');
    await new Promise(resolve => setTimeout(resolve, 1600));
    const later = await finish(id);
    expect(later.Status?.State).toBe('CANCELLED');
    const error = await caught(
      client.send(new GetQueryResultsCommand({ QueryExecutionId: id }))
    );
    expect(error.name).toBe('InvalidRequestException');
  });

  it('fails a result larger than the cap instead of holding it', async () => {
    const q = await run('SELECT * FROM sales.customers');
    expect(q.Status?.State).toBe('FAILED');
    expect(q.Status?.StateChangeReason).toContain('more than 100 rows');
  });
});
