/**
 * `/api/catalog/…`: the Data sidebar's catalog (databases, tables page by
 * page with the name filter, table details, Delta history) and previews as
 * Athena queries the browser follows and can stop. Names reach SQL only
 * quoted (previewSql); query ids and locations are checked first.
 */
import {
  ArcadeError,
  previewSql,
  type DatabaseSummary,
  type Paged,
  type CatalogMatchResponse,
  type PreviewStarted,
  type QueryStatus,
  type ResultPage,
  type TableDetail,
  type TableHistory,
  type TableSummary
} from 'arcade-engine';
import type { FastifyInstance } from 'fastify';
import type { Settings } from '../config';
import { jsonBody } from '../server/requestBody';
import { AthenaCatalog } from './athena';
import { crawl } from './crawl';
import { deltaHistory } from './deltaLog';
import { checkLakeUri, lakeFor } from './lake';
import { CachedLocationIndex, matchRefs, parseRefs } from './match';

const QUERY_ID = /^[A-Za-z0-9-]{8,128}$/;
const MAX_PAGE_ROWS = 1000;

function required(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new ArcadeError('bad_request', `"${name}" is required`);
  }
  if (value.length > 1024) {
    throw new ArcadeError(
      'bad_request',
      `"${name}" is longer than 1024 characters`
    );
  }
  return value;
}

function optional(value: unknown, name: string): string | undefined {
  return value === undefined || value === ''
    ? undefined
    : required(value, name);
}

function queryId(value: string): string {
  if (!QUERY_ID.test(value)) {
    throw new ArcadeError(
      'bad_request',
      `"${value}" is not an Athena query id`
    );
  }
  return value;
}

function pageSize(value: unknown, max: number): number {
  if (value === undefined || value === '') {
    return max;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ArcadeError(
      'bad_request',
      `"max" must be a whole number from 1 to ${max}`
    );
  }
  return n;
}

type Query = Record<string, string | undefined>;

export interface CatalogRoutes {
  /** Registers new Delta tables under ARCADE_CATALOG_CRAWL (one crawl at a time; none when unset). */
  crawlSoon(report: (error: unknown) => void): void;
}

export function registerCatalogRoutes(
  app: FastifyInstance,
  settings: Settings,
  env: NodeJS.ProcessEnv
): CatalogRoutes {
  const athena = new AthenaCatalog(settings.athena, env);
  app.addHook('onClose', () => {
    athena.client.destroy();
  });
  const index = new CachedLocationIndex({
    databases: nextToken =>
      athena.listDatabases(settings.athena.catalog, nextToken, 50),
    tables: (database, nextToken) =>
      athena.listTables(database, {
        ...(nextToken === undefined ? {} : { nextToken }),
        max: 50
      })
  });
  let crawling: Promise<void> | null = null;
  let again = false;
  const crawlSoon = (report: (error: unknown) => void): void => {
    if (settings.crawl.length === 0) {
      return;
    }
    if (crawling !== null) {
      again = true;
      return;
    }
    crawling = crawl(athena, settings, env, () => undefined)
      .then(results => {
        index.clear();
        results
          .filter(r => r.outcome === 'failed')
          .forEach(r => {
            report(
              new Error(
                `catalog crawl: ${r.database}.${r.table}: ${r.message ?? ''}`
              )
            );
          });
      })
      .catch(report)
      .finally(() => {
        crawling = null;
        if (again) {
          again = false;
          crawlSoon(report);
        }
      });
  };

  app.get<{ Querystring: Query }>(
    '/api/catalog/databases',
    (request): Promise<Paged<DatabaseSummary>> =>
      athena.listDatabases(
        optional(request.query.catalog, 'catalog') ?? settings.athena.catalog,
        optional(request.query.nextToken, 'nextToken'),
        pageSize(request.query.max, 50)
      )
  );

  app.get<{ Querystring: Query }>(
    '/api/catalog/tables',
    (request): Promise<Paged<TableSummary>> => {
      const filter = optional(request.query.filter, 'filter');
      return athena.listTables(required(request.query.database, 'database'), {
        ...(filter === undefined ? {} : { expression: filter }),
        ...(request.query.nextToken === undefined ||
        request.query.nextToken === ''
          ? {}
          : { nextToken: request.query.nextToken }),
        max: pageSize(request.query.max, 50)
      });
    }
  );

  app.get<{ Querystring: Query }>(
    '/api/catalog/table',
    (request): Promise<TableDetail> =>
      athena.describeTable(
        required(request.query.database, 'database'),
        required(request.query.table, 'table')
      )
  );

  app.get<{ Querystring: Query }>(
    '/api/catalog/history',
    async (request): Promise<TableHistory> => {
      const table = await athena.describeTable(
        required(request.query.database, 'database'),
        required(request.query.table, 'table')
      );
      if (table.format !== 'DELTA' || table.location === null) {
        throw new ArcadeError(
          'refused',
          `${table.database}.${table.name} is not a Delta table`,
          {
            hint: "history is read from a Delta table's _delta_log"
          }
        );
      }
      const location = checkLakeUri(table.location);
      const lake = lakeFor(location, settings.s3, env);
      try {
        return await deltaHistory(lake, location);
      } catch (error) {
        throw new ArcadeError(
          'upstream',
          `reading the Delta log at ${location} failed: ${error instanceof Error ? error.message : String(error)}`,
          {
            hint: 'check that the table location exists and the bridge may read it'
          }
        );
      } finally {
        lake.close();
      }
    }
  );

  app.post('/api/catalog/preview', async (request): Promise<PreviewStarted> => {
    const body = jsonBody(request.body);
    const database = required(body.database, 'database');
    const table = required(body.table, 'table');
    const limit =
      body.limit === undefined
        ? settings.athena.previewRows
        : pageSize(body.limit, settings.athena.previewRows);
    const sql = previewSql(database, table, limit);
    return { queryId: await athena.start(sql, database), sql, limit };
  });

  // Which registered tables a notebook's stages read or write ("Preview in Athena").
  app.post(
    '/api/catalog/match',
    async (request): Promise<CatalogMatchResponse> => {
      const refs = parseRefs(jsonBody(request.body).refs);
      if (refs.length === 0) {
        return { matches: [] };
      }
      return { matches: matchRefs(refs, await index.get(), env) };
    }
  );

  app.get<{ Params: { id: string } }>(
    '/api/catalog/queries/:id',
    (request): Promise<QueryStatus> =>
      athena.getStatus(queryId(request.params.id))
  );

  app.get<{ Params: { id: string }; Querystring: Query }>(
    '/api/catalog/queries/:id/results',
    (request): Promise<ResultPage> =>
      athena.results(
        queryId(request.params.id),
        optional(request.query.statementType, 'statementType') ?? 'DML',
        optional(request.query.nextToken, 'nextToken'),
        pageSize(request.query.max, MAX_PAGE_ROWS)
      )
  );

  app.post('/api/catalog/crawl', async () => {
    if (settings.crawl.length === 0) {
      throw new ArcadeError('refused', 'no lake prefixes to crawl', {
        hint: 'set ARCADE_CATALOG_CRAWL=database=s3://bucket/prefix'
      });
    }
    const results = await crawl(athena, settings, env, () => undefined);
    index.clear();
    return { results };
  });

  app.post<{ Params: { id: string } }>(
    '/api/catalog/queries/:id/stop',
    async (request): Promise<QueryStatus> => {
      const id = queryId(request.params.id);
      await athena.stop(id);
      return athena.getStatus(id);
    }
  );
  return { crawlSoon };
}
