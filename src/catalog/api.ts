import type {
  CatalogMatchResponse,
  DataRef,
  DatabaseSummary,
  Paged,
  PreviewStarted,
  QueryStatus,
  ResultPage,
  TableDetail,
  TableHistory,
  TableSummary
} from 'arcade-engine';
import { getJson, sendJson } from '../bridge/json';
import type { IArcadeBridge } from '../tokens';

const paged = (b: Record<string, unknown>) => Array.isArray(b.items);
const status = (b: Record<string, unknown>) => typeof b.state === 'string';

/** The catalog and previews (`api/catalog/…`), through the bridge. */
export class CatalogApi {
  constructor(readonly bridge: IArcadeBridge) {}

  databases(nextToken?: string): Promise<Paged<DatabaseSummary>> {
    return getJson(this.bridge, 'api/catalog/databases', { nextToken }, paged);
  }

  tables(
    database: string,
    options: { filter?: string; nextToken?: string } = {}
  ): Promise<Paged<TableSummary>> {
    return getJson(
      this.bridge,
      'api/catalog/tables',
      { database, filter: options.filter, nextToken: options.nextToken },
      paged
    );
  }

  table(database: string, table: string): Promise<TableDetail> {
    return getJson(this.bridge, 'api/catalog/table', { database, table }, b =>
      Array.isArray(b.columns)
    );
  }

  history(database: string, table: string): Promise<TableHistory> {
    return getJson(this.bridge, 'api/catalog/history', { database, table }, b =>
      Array.isArray(b.commits)
    );
  }

  /** The registered table each reference names (`${NAME}` filled in the bridge), or null. */
  match(refs: readonly DataRef[]): Promise<CatalogMatchResponse> {
    return sendJson(this.bridge, 'api/catalog/match', { refs }, b =>
      Array.isArray(b.matches)
    );
  }

  preview(database: string, table: string): Promise<PreviewStarted> {
    return sendJson(
      this.bridge,
      'api/catalog/preview',
      { database, table },
      b => typeof b.queryId === 'string'
    );
  }

  status(queryId: string): Promise<QueryStatus> {
    return getJson(
      this.bridge,
      `api/catalog/queries/${encodeURIComponent(queryId)}`,
      {},
      status
    );
  }

  results(queryId: string, nextToken?: string, max = 500): Promise<ResultPage> {
    return getJson(
      this.bridge,
      `api/catalog/queries/${encodeURIComponent(queryId)}/results`,
      { nextToken, max: String(max) },
      b => Array.isArray(b.rows) && Array.isArray(b.columns)
    );
  }

  stop(queryId: string): Promise<QueryStatus> {
    return sendJson(
      this.bridge,
      `api/catalog/queries/${encodeURIComponent(queryId)}/stop`,
      {},
      status
    );
  }
}
