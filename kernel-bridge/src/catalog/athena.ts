/**
 * The bridge's Athena client (@aws-sdk/client-athena, default AWS credential
 * chain): catalog listing over the Glue Data Catalog, queries with adaptive
 * polling, typed result pages, cancellation and statistics. The same code
 * talks to AWS and, through ARCADE_ATHENA_ENDPOINT, to the local endpoint.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetTableMetadataCommand,
  ListDatabasesCommand,
  ListDataCatalogsCommand,
  ListTableMetadataCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type QueryExecution,
  type TableMetadata
} from '@aws-sdk/client-athena';
import {
  ArcadeError,
  type DatabaseSummary,
  type Paged,
  type QueryErrorKind,
  type QueryResult,
  type QueryStatus,
  type ResultColumn,
  type ResultPage,
  type TableDetail,
  type TableFormat,
  type TableSummary
} from 'arcade-engine';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { awsCredentialsFrom } from '../awsCredentials';
import type { Env } from '../config';
import {
  classifyAthena,
  pollDelay,
  startsWithHeader,
  statistics,
  typedValue
} from './results';

export interface AthenaSettings {
  /** ARCADE_ATHENA_ENDPOINT: the local endpoint, or a VPC endpoint; null for AWS's own. */
  endpoint: string | null;
  region: string;
  workGroup: string;
  /** Where Athena writes results (ARCADE_ATHENA_OUTPUT); null: the workgroup's setting. */
  outputLocation: string | null;
  catalog: string;
  /** Dollars per TB scanned, for the cost estimate (ARCADE_ATHENA_PRICE_PER_TB). */
  pricePerTb: number;
  /** Reuse results up to this age (minutes); 0 turns reuse off (ARCADE_ATHENA_REUSE_MINUTES). */
  reuseMinutes: number;
  /** A query still running after this is stopped (ARCADE_ATHENA_TIMEOUT_SECONDS). */
  timeoutMs: number;
  /** Rows a table preview shows (ARCADE_PREVIEW_ROWS, at most 10,000). */
  previewRows: number;
}

const KIND_CODES: Record<
  QueryErrorKind,
  ConstructorParameters<typeof ArcadeError>[0]
> = {
  'access-denied': 'access_denied',
  'not-found': 'not_found',
  syntax: 'invalid_query',
  throttled: 'too_many_requests',
  cancelled: 'cancelled',
  'timed-out': 'timeout',
  failed: 'upstream'
};

const HINTS: Record<QueryErrorKind, string> = {
  'access-denied':
    'check the AWS identity the bridge runs with (IRSA role, profile) and its Athena, Glue and S3 permissions',
  'not-found': 'check the database and table names (arcade catalog ls)',
  syntax: 'fix the SQL at the line and column Athena names',
  throttled: 'Athena is limiting requests; try again in a moment',
  cancelled: 'the query was stopped',
  'timed-out':
    'the query ran past ARCADE_ATHENA_TIMEOUT_SECONDS; add a filter or a LIMIT',
  failed: 'see the message from Athena'
};

/** An error Athena (or the SDK) raised, as an ArcadeError that keeps Athena's message. */
export function athenaError(error: unknown, what: string): ArcadeError {
  if (error instanceof ArcadeError) {
    return error;
  }
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const kind = classifyAthena(name, message);
  return new ArcadeError(KIND_CODES[kind], `${what}: ${name}: ${message}`, {
    hint: HINTS[kind],
    cause: error
  });
}

function formatOf(parameters: Record<string, string>): TableFormat {
  const type = parameters.table_type?.toUpperCase();
  if (type === 'DELTA' || type === 'ICEBERG') {
    return type;
  }
  const classification = (parameters.classification ?? '').toUpperCase();
  if (
    classification === 'PARQUET' ||
    classification === 'CSV' ||
    classification === 'JSON'
  ) {
    return classification;
  }
  const input = parameters.inputformat ?? '';
  return /parquet/i.test(input) ? 'PARQUET' : 'UNKNOWN';
}

function summary(table: TableMetadata): TableSummary {
  const parameters = table.Parameters ?? {};
  return {
    name: table.Name ?? '',
    format: formatOf(parameters),
    location: parameters.location ?? null
  };
}

export interface QueryOptions {
  database?: string;
  signal?: AbortSignal;
  onStatus?: (status: QueryStatus) => void;
}

export class AthenaCatalog {
  readonly client: AthenaClient;

  constructor(
    readonly settings: AthenaSettings,
    env: Env,
    client?: AthenaClient
  ) {
    this.client =
      client ??
      new AthenaClient({
        region: settings.region,
        credentials: awsCredentialsFrom(env),
        ...(settings.endpoint === null ? {} : { endpoint: settings.endpoint })
      });
  }

  async listCatalogs(): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListDataCatalogsCommand({ NextToken: token, MaxResults: 50 })
        );
        names.push(
          ...(page.DataCatalogsSummary ?? []).map(c => c.CatalogName ?? '')
        );
        token = page.NextToken;
      } while (token !== undefined);
    } catch (error) {
      throw athenaError(error, 'listing data catalogs failed');
    }
    return names.filter(name => name !== '');
  }

  async listDatabases(
    catalog = this.settings.catalog,
    nextToken?: string,
    max = 50
  ): Promise<Paged<DatabaseSummary>> {
    try {
      const page = await this.client.send(
        new ListDatabasesCommand({
          CatalogName: catalog,
          NextToken: nextToken,
          MaxResults: max
        })
      );
      return {
        items: (page.DatabaseList ?? []).map(db => ({
          name: db.Name ?? '',
          ...(db.Description === undefined
            ? {}
            : { description: db.Description })
        })),
        nextToken: page.NextToken ?? null
      };
    } catch (error) {
      throw athenaError(error, `listing the databases of ${catalog} failed`);
    }
  }

  /** One page of tables; `expression` is Athena's server-side name filter (`*` wildcards). */
  async listTables(
    database: string,
    options: {
      catalog?: string;
      expression?: string;
      nextToken?: string;
      max?: number;
    } = {}
  ): Promise<Paged<TableSummary>> {
    try {
      const page = await this.client.send(
        new ListTableMetadataCommand({
          CatalogName: options.catalog ?? this.settings.catalog,
          DatabaseName: database,
          Expression:
            options.expression === '' ? undefined : options.expression,
          NextToken: options.nextToken,
          MaxResults: options.max ?? 50
        })
      );
      return {
        items: (page.TableMetadataList ?? []).map(summary),
        nextToken: page.NextToken ?? null
      };
    } catch (error) {
      throw athenaError(error, `listing the tables of ${database} failed`);
    }
  }

  async describeTable(
    database: string,
    table: string,
    catalog = this.settings.catalog
  ): Promise<TableDetail> {
    try {
      const { TableMetadata: meta } = await this.client.send(
        new GetTableMetadataCommand({
          CatalogName: catalog,
          DatabaseName: database,
          TableName: table
        })
      );
      if (meta === undefined) {
        throw new ArcadeError(
          'not_found',
          `table ${database}.${table} was not found`
        );
      }
      const column = (c: {
        Name?: string;
        Type?: string;
        Comment?: string;
      }) => ({
        name: c.Name ?? '',
        type: c.Type ?? '',
        ...(c.Comment === undefined ? {} : { comment: c.Comment })
      });
      return {
        ...summary(meta),
        catalog,
        database,
        tableType: meta.TableType ?? '',
        columns: (meta.Columns ?? []).map(column),
        partitionKeys: (meta.PartitionKeys ?? []).map(column),
        parameters: meta.Parameters ?? {},
        createTime: meta.CreateTime?.toISOString() ?? null
      };
    } catch (error) {
      throw athenaError(error, `reading table ${database}.${table} failed`);
    }
  }

  /** Starts a query; returns its id. */
  async start(sql: string, database?: string): Promise<string> {
    const reuse = this.settings.reuseMinutes;
    try {
      const { QueryExecutionId: id } = await this.client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          ClientRequestToken: randomUUID(),
          WorkGroup: this.settings.workGroup,
          QueryExecutionContext: {
            Catalog: this.settings.catalog,
            ...(database === undefined ? {} : { Database: database })
          },
          ...(this.settings.outputLocation === null
            ? {}
            : {
                ResultConfiguration: {
                  OutputLocation: this.settings.outputLocation
                }
              }),
          ...(reuse > 0
            ? {
                ResultReuseConfiguration: {
                  ResultReuseByAgeConfiguration: {
                    Enabled: true,
                    MaxAgeInMinutes: reuse
                  }
                }
              }
            : {})
        })
      );
      if (id === undefined) {
        throw new ArcadeError('upstream', 'Athena did not return a query id');
      }
      return id;
    } catch (error) {
      throw athenaError(error, 'starting the query failed');
    }
  }

  status(execution: QueryExecution): QueryStatus {
    const state = execution.Status?.State ?? 'QUEUED';
    const reason = execution.Status?.StateChangeReason ?? null;
    const statementType = execution.StatementType ?? null;
    return {
      id: execution.QueryExecutionId ?? '',
      state,
      statementType,
      reason,
      errorKind:
        state === 'CANCELLED'
          ? 'cancelled'
          : state === 'FAILED'
            ? classifyAthena('QueryFailed', reason ?? '')
            : null,
      statistics: statistics(
        execution.Statistics,
        statementType,
        this.settings.pricePerTb
      )
    };
  }

  async getStatus(id: string): Promise<QueryStatus> {
    let execution: QueryExecution | undefined;
    try {
      ({ QueryExecution: execution } = await this.client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: id })
      ));
    } catch (error) {
      throw athenaError(error, `reading the state of query ${id} failed`);
    }
    if (execution === undefined) {
      throw new ArcadeError(
        'upstream',
        `Athena returned no execution for ${id}`
      );
    }
    return this.status(execution);
  }

  /** Stops a query; fine to call on one that ended. */
  async stop(id: string): Promise<void> {
    try {
      await this.client.send(
        new StopQueryExecutionCommand({ QueryExecutionId: id })
      );
    } catch (error) {
      throw athenaError(error, `stopping query ${id} failed`);
    }
  }

  /**
   * Polls until the query ends: quick checks first, then backing off, longer
   * after throttling. Aborting `signal` stops the query in Athena.
   */
  async wait(id: string, options: QueryOptions = {}): Promise<QueryStatus> {
    const started = Date.now();
    let attempt = 0;
    let throttled = 0;
    let delay = 0;
    for (;;) {
      if (options.signal?.aborted === true) {
        await this.stop(id);
        return this.getStatus(id);
      }
      if (Date.now() - started > this.settings.timeoutMs) {
        await this.stop(id);
        throw new ArcadeError(
          'timeout',
          `query ${id} was still running after ${Math.round(this.settings.timeoutMs / 1000)} s and was stopped`,
          { hint: HINTS['timed-out'] }
        );
      }
      if (delay > 0) {
        try {
          await sleep(delay, undefined, { signal: options.signal });
        } catch {
          continue;
        }
      }
      let status: QueryStatus;
      try {
        status = await this.getStatus(id);
        throttled = 0;
      } catch (error) {
        const classified = athenaError(error, `checking query ${id} failed`);
        if (classified.code !== 'too_many_requests') {
          throw classified;
        }
        throttled++;
        delay = pollDelay(attempt, throttled);
        continue;
      }
      options.onStatus?.(status);
      if (status.state !== 'QUEUED' && status.state !== 'RUNNING') {
        return status;
      }
      delay = pollDelay(attempt++, 0);
    }
  }

  /** One page of results, typed by `ColumnInfo`; the header row of a SELECT's first page is dropped. */
  async results(
    id: string,
    statementType: string | null,
    nextToken?: string,
    max = 1000
  ): Promise<ResultPage> {
    const first = nextToken === undefined;
    // The header takes a row of the first page: ask for one more there.
    const size = Math.min(
      first && statementType === 'DML' ? max + 1 : max,
      1000
    );
    try {
      const page = await this.client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: id,
          NextToken: nextToken,
          MaxResults: size
        })
      );
      const columns: ResultColumn[] = (
        page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []
      ).map(c => ({
        name: c.Name ?? c.Label ?? '',
        type: c.Type ?? 'varchar'
      }));
      const raw = (page.ResultSet?.Rows ?? []).map(row =>
        (row.Data ?? []).map(d => d.VarCharValue)
      );
      const body = startsWithHeader(statementType, first, raw[0], columns)
        ? raw.slice(1)
        : raw;
      return {
        columns,
        rows: body.map(row =>
          columns.map((c, i) => typedValue(row[i], c.type))
        ),
        nextToken: page.NextToken ?? null
      };
    } catch (error) {
      throw athenaError(error, `reading the results of query ${id} failed`);
    }
  }

  /** Runs a query to its end and reads up to `maxRows` rows. */
  async query(
    sql: string,
    maxRows: number,
    options: QueryOptions = {}
  ): Promise<QueryResult> {
    const id = await this.start(sql, options.database);
    const status = await this.wait(id, options);
    if (status.state === 'CANCELLED') {
      throw new ArcadeError(
        'cancelled',
        `query ${id} was cancelled: ${status.reason ?? ''}`.trim()
      );
    }
    if (status.state === 'FAILED') {
      const kind = status.errorKind ?? 'failed';
      throw new ArcadeError(
        KIND_CODES[kind],
        `query ${id} failed: ${status.reason ?? 'no reason given'}`,
        {
          hint: HINTS[kind]
        }
      );
    }
    const rows: QueryResult['rows'] = [];
    let columns: ResultColumn[] = [];
    let token: string | undefined;
    let truncated = false;
    do {
      const page = await this.results(
        id,
        status.statementType,
        token,
        Math.min(1000, maxRows - rows.length)
      );
      columns = page.columns;
      rows.push(...page.rows);
      token = page.nextToken ?? undefined;
      if (rows.length >= maxRows && token !== undefined) {
        truncated = true;
        break;
      }
    } while (token !== undefined);
    return { status, columns, rows: rows.slice(0, maxRows), truncated };
  }
}
