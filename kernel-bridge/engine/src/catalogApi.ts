/**
 * Types of the catalog slice — the Athena/Glue catalog, table details and
 * previews — shared by the bridge (routes, CLI) and the frontend.
 */

/** Table formats the sidebar draws icons for. */
export type TableFormat =
  'DELTA' | 'ICEBERG' | 'PARQUET' | 'CSV' | 'JSON' | 'UNKNOWN';

export interface CatalogColumn {
  name: string;
  type: string;
  comment?: string;
}

export interface DatabaseSummary {
  name: string;
  description?: string;
}

export interface TableSummary {
  name: string;
  format: TableFormat;
  location: string | null;
}

export interface TableDetail extends TableSummary {
  catalog: string;
  database: string;
  tableType: string;
  columns: CatalogColumn[];
  partitionKeys: CatalogColumn[];
  parameters: Record<string, string>;
  createTime: string | null;
}

export interface Paged<T> {
  items: T[];
  /** Pass back to get the next page; null on the last one. */
  nextToken: string | null;
}

export type QueryState =
  'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** Why a query failed, as Arcade classifies Athena's errors. */
export type QueryErrorKind =
  | 'access-denied'
  | 'not-found'
  | 'syntax'
  | 'throttled'
  | 'cancelled'
  | 'timed-out'
  | 'failed';

export interface QueryStatistics {
  dataScannedBytes: number;
  engineMs: number;
  queueMs: number;
  totalMs: number;
  reusedResult: boolean;
  /** Estimated from bytes scanned (10 MB minimum per query) and the price per TB in settings. */
  costUsd: number;
}

export interface QueryStatus {
  id: string;
  state: QueryState;
  statementType: string | null;
  /** Athena's own message when the query failed or was cancelled. */
  reason: string | null;
  errorKind: QueryErrorKind | null;
  statistics: QueryStatistics;
}

export interface ResultColumn {
  name: string;
  /** Athena's type name: varchar, bigint, double, decimal, timestamp, array, … */
  type: string;
}

/** A value typed by its column: numbers and booleans as such, the rest as text. */
export type ResultValue = string | number | boolean | null;

export interface ResultPage {
  columns: ResultColumn[];
  rows: ResultValue[][];
  nextToken: string | null;
}

/** A finished query with (some of) its rows: `arcade query --json`. */
export interface QueryResult {
  status: QueryStatus;
  columns: ResultColumn[];
  rows: ResultValue[][];
  /** More rows exist than were fetched (--max-rows). */
  truncated: boolean;
}

/** One commit of a Delta table, from its `_delta_log/NNN.json` commitInfo. */
export interface DeltaCommit {
  version: number;
  /** ISO time of the commit; null when the log does not say. */
  timestamp: string | null;
  operation: string;
  parameters: Record<string, string>;
  /** Delta's operation metrics: numOutputRows, numFiles, numTargetRowsUpdated, … */
  metrics: Record<string, string>;
  engine: string | null;
}

/** `GET /api/catalog/history`: the newest commits first. */
export interface TableHistory {
  location: string;
  commits: DeltaCommit[];
  /** Older commits exist than were read (the newest `limit` are). */
  truncated: boolean;
}

/** `POST /api/catalog/preview`: the query that shows a table's first rows. */
export interface PreviewStarted {
  queryId: string;
  sql: string;
  limit: number;
}

/**
 * Data a stage reads or writes, for matching against the catalog: a location
 * as written in the notebook (`${NAME}` unresolved) or a qualified table name.
 */
export type DataRef =
  | { kind: 'location'; text: string }
  | { kind: 'table'; database: string; table: string };

/** A table in the catalog. */
export interface TableRef {
  database: string;
  table: string;
}

/** `POST /api/catalog/match`. */
export interface CatalogMatchRequest {
  refs: DataRef[];
}

/** One answer per reference, in order: the registered table, or null. */
export interface CatalogMatchResponse {
  matches: (TableRef | null)[];
}
