/**
 * The local Athena endpoint: Athena's JSON 1.1 protocol (`POST /` with
 * `X-Amz-Target: AmazonAthena.<Operation>`) on 127.0.0.1, so the bridge's
 * production client (@aws-sdk/client-athena) talks to it through an endpoint
 * override. It is an emulator: see the README for what it does not do.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import {
  CatalogError,
  checkToken,
  DATA_CATALOG,
  type GlueCatalog
} from './glue';
import type { Executions } from './executions';

export interface EndpointOptions {
  /** Only requests signed with this access key id are served. */
  accessKeyId: string;
}

class ProtocolError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly status = 400
  ) {
    super(message);
  }
}

function invalid(message: string, code = 'INVALID_INPUT'): ProtocolError {
  return new ProtocolError('InvalidRequestException', message, {
    AthenaErrorCode: code
  });
}

function text(
  input: Record<string, unknown>,
  name: string,
  required = false
): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) {
    if (required) {
      throw invalid(
        `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`
      );
    }
    return undefined;
  }
  if (typeof value !== 'string') {
    throw invalid(`${name} must be a string`);
  }
  return value;
}

function maxResults(
  input: Record<string, unknown>,
  limit: number,
  fallback: number
): number {
  const value = input.MaxResults;
  if (value === undefined || value === null) {
    return fallback;
  }
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > limit
  ) {
    throw invalid(
      `1 validation error detected: Value '${JSON.stringify(value)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${limit}`
    );
  }
  return value;
}

function token(input: Record<string, unknown>): string | undefined {
  const value = text(input, 'NextToken');
  try {
    checkToken(value);
  } catch (error) {
    throw invalid((error as Error).message);
  }
  return value;
}

function catalogName(input: Record<string, unknown>): string {
  const name = text(input, 'CatalogName') ?? DATA_CATALOG;
  if (name.toLowerCase() !== DATA_CATALOG.toLowerCase()) {
    throw new ProtocolError('MetadataException', `Catalog ${name} not found.`);
  }
  return DATA_CATALOG;
}

function metadata(error: unknown): never {
  if (error instanceof CatalogError) {
    throw new ProtocolError('MetadataException', error.message);
  }
  throw error;
}

/** The access key id of a SigV4 `Authorization` header. */
export function signingKeyId(header: string | undefined): string | null {
  const match = /Credential=([^/,\s]+)\//.exec(header ?? '');
  return match?.[1] ?? null;
}

function resultsToken(id: string, offset: number): string {
  return Buffer.from(JSON.stringify([id, offset]), 'utf8').toString(
    'base64url'
  );
}

function readResultsToken(value: string | undefined, id: string): number {
  if (value === undefined || value === '') {
    return 0;
  }
  try {
    const [tokenId, offset] = JSON.parse(
      Buffer.from(value, 'base64url').toString('utf8')
    ) as [string, number];
    if (tokenId === id && Number.isInteger(offset) && offset >= 0) {
      return offset;
    }
  } catch {
    // Refused below.
  }
  throw invalid('NextToken is not a token of this query');
}

export function createOperations(
  catalog: GlueCatalog,
  executions: Executions
): Record<string, (input: Record<string, unknown>) => unknown> {
  const execution = (input: Record<string, unknown>) => {
    const id = text(input, 'QueryExecutionId', true) ?? '';
    const found = executions.get(id);
    if (found === null) {
      throw invalid(`QueryExecution ${id} was not found`);
    }
    return found;
  };
  return {
    StartQueryExecution: input => {
      const query = text(input, 'QueryString', true) ?? '';
      if (query.trim() === '') {
        throw invalid('QueryString must not be empty');
      }
      if (query.length > 262144) {
        throw invalid('QueryString is longer than 262144 characters');
      }
      const context = (input.QueryExecutionContext ?? {}) as Record<
        string,
        unknown
      >;
      const result = (input.ResultConfiguration ?? {}) as Record<
        string,
        unknown
      >;
      const reuse = (
        (input.ResultReuseConfiguration ?? {}) as Record<string, unknown>
      ).ResultReuseByAgeConfiguration as Record<string, unknown> | undefined;
      const workGroup = text(input, 'WorkGroup') ?? 'primary';
      if (!/^[a-zA-Z0-9._-]{1,128}$/.test(workGroup)) {
        throw invalid(`WorkGroup ${workGroup} is not found.`);
      }
      const id = executions.start({
        query,
        database: text(context, 'Database') ?? 'default',
        catalog: catalogName(context),
        workGroup,
        outputLocation: text(result, 'OutputLocation') ?? null,
        clientToken: text(input, 'ClientRequestToken') ?? null,
        reuseMaxAgeMinutes:
          reuse?.Enabled === true
            ? typeof reuse.MaxAgeInMinutes === 'number'
              ? reuse.MaxAgeInMinutes
              : 60
            : null
      });
      return { QueryExecutionId: id };
    },
    GetQueryExecution: input => ({
      QueryExecution: executions.describe(execution(input))
    }),
    BatchGetQueryExecution: input => {
      const ids: unknown[] = Array.isArray(input.QueryExecutionIds)
        ? (input.QueryExecutionIds as unknown[])
        : [];
      const found = ids.map(id =>
        typeof id === 'string' ? executions.get(id) : null
      );
      return {
        QueryExecutions: found.flatMap(e =>
          e === null ? [] : [executions.describe(e)]
        ),
        UnprocessedQueryExecutionIds: ids
          .filter((_, i) => found[i] === null)
          .map(id => ({
            QueryExecutionId: id,
            ErrorCode: 'INVALID_INPUT',
            ErrorMessage: 'not found'
          }))
      };
    },
    ListQueryExecutions: input => {
      const all = executions.list(text(input, 'WorkGroup') ?? 'primary');
      const max = maxResults(input, 50, 50);
      const start = readResultsToken(text(input, 'NextToken'), 'list');
      return {
        QueryExecutionIds: all.slice(start, start + max),
        ...(start + max < all.length
          ? { NextToken: resultsToken('list', start + max) }
          : {})
      };
    },
    StopQueryExecution: input => {
      executions.stop(execution(input).id);
      return {};
    },
    GetQueryResults: input => {
      const found = execution(input);
      if (found.state === 'FAILED') {
        throw invalid(found.reason ?? 'Query failed', 'INVALID_INPUT');
      }
      if (found.state === 'CANCELLED') {
        throw invalid('Query was cancelled by user');
      }
      if (found.state !== 'SUCCEEDED' || found.outcome === null) {
        throw invalid(
          `Query has not yet finished. Current state: ${found.state}`
        );
      }
      const outcome = found.outcome;
      const max = maxResults(input, 1000, 1000);
      const offset = readResultsToken(text(input, 'NextToken'), found.id);
      const header =
        outcome.statementType === 'DML'
          ? [outcome.columns.map(c => ({ VarCharValue: c.Name }))]
          : [];
      const all = [...header, ...outcome.rows];
      const page = all.slice(offset, offset + max);
      return {
        UpdateCount: 0,
        ResultSet: {
          Rows: page.map(Data => ({ Data })),
          ResultSetMetadata: { ColumnInfo: outcome.columns }
        },
        ...(offset + max < all.length
          ? { NextToken: resultsToken(found.id, offset + max) }
          : {})
      };
    },
    ListDataCatalogs: () => ({
      DataCatalogsSummary: [{ CatalogName: DATA_CATALOG, Type: 'GLUE' }]
    }),
    GetDataCatalog: input => {
      const name = text(input, 'Name', true) ?? '';
      if (name.toLowerCase() !== DATA_CATALOG.toLowerCase()) {
        throw invalid(`Catalog ${name} not found.`);
      }
      return {
        DataCatalog: {
          Name: DATA_CATALOG,
          Type: 'GLUE',
          Description: "The local endpoint's Glue-like catalog",
          Parameters: { 'catalog-id': 'local' }
        }
      };
    },
    ListDatabases: input => {
      catalogName(input);
      const page = catalog.listDatabases(
        token(input),
        maxResults(input, 50, 50)
      );
      return {
        DatabaseList: page.items,
        ...(page.nextToken === null ? {} : { NextToken: page.nextToken })
      };
    },
    GetDatabase: input => {
      catalogName(input);
      try {
        return {
          Database: catalog.getDatabase(text(input, 'DatabaseName', true) ?? '')
        };
      } catch (error) {
        return metadata(error);
      }
    },
    ListTableMetadata: input => {
      catalogName(input);
      try {
        const page = catalog.listTables(
          text(input, 'DatabaseName', true) ?? '',
          token(input),
          maxResults(input, 50, 50),
          text(input, 'Expression')
        );
        return {
          TableMetadataList: page.items,
          ...(page.nextToken === null ? {} : { NextToken: page.nextToken })
        };
      } catch (error) {
        return metadata(error);
      }
    },
    GetTableMetadata: input => {
      catalogName(input);
      try {
        return {
          TableMetadata: catalog.getTable(
            text(input, 'DatabaseName', true) ?? '',
            text(input, 'TableName', true) ?? ''
          )
        };
      } catch (error) {
        return metadata(error);
      }
    }
  };
}

async function readBody(
  request: IncomingMessage,
  limit: number
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new ProtocolError(
        'InvalidRequestException',
        'request body is too large',
        {},
        413
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createEndpoint(
  operations: ReturnType<typeof createOperations>,
  options: EndpointOptions,
  onError: (error: unknown) => void
): Server {
  return createServer((request, response) => {
    const send = (status: number, body: unknown, type?: string): void => {
      const headers: Record<string, string> = {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': crypto.randomUUID()
      };
      if (type !== undefined) {
        headers['x-amzn-errortype'] = type;
      }
      response.writeHead(status, headers);
      response.end(JSON.stringify(body));
    };
    void (async () => {
      try {
        if (request.method !== 'POST' || (request.url ?? '/') !== '/') {
          throw new ProtocolError(
            'UnknownOperationException',
            'the Athena API is POST /',
            {},
            404
          );
        }
        if (
          signingKeyId(request.headers.authorization) !== options.accessKeyId
        ) {
          throw new ProtocolError(
            'UnrecognizedClientException',
            'The security token included in the request is invalid.',
            {},
            403
          );
        }
        const target = String(request.headers['x-amz-target'] ?? '');
        const name = target.startsWith('AmazonAthena.') ? target.slice(13) : '';
        const operation = operations[name];
        if (operation === undefined) {
          throw new ProtocolError(
            'UnknownOperationException',
            `unknown operation ${target || '(no X-Amz-Target)'}`
          );
        }
        const raw = await readBody(request, 1024 * 1024);
        let input: unknown;
        try {
          input = raw === '' ? {} : (JSON.parse(raw) as unknown);
        } catch {
          throw new ProtocolError(
            'SerializationException',
            'the request body is not JSON'
          );
        }
        if (
          typeof input !== 'object' ||
          input === null ||
          Array.isArray(input)
        ) {
          throw new ProtocolError(
            'SerializationException',
            'the request body is not a JSON object'
          );
        }
        send(200, await operation(input as Record<string, unknown>));
      } catch (error) {
        if (error instanceof ProtocolError) {
          send(
            error.status,
            { __type: error.type, Message: error.message, ...error.extra },
            error.type
          );
          return;
        }
        onError(error);
        send(
          500,
          {
            __type: 'InternalServerException',
            Message: 'the local endpoint failed; see its log'
          },
          'InternalServerException'
        );
      }
    })();
  });
}
