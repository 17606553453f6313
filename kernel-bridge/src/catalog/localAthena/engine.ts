/**
 * The local endpoint's query engine: DuckDB (`@duckdb/node-api`) with its own
 * `delta` extension, loaded from the folder `make` fills from PyPI — nothing is
 * downloaded at run time. Catalog tables become DuckDB views over
 * `delta_scan(location)` when a query first names them. Only SELECT (and
 * EXPLAIN) statements run here; the catalog's DDL is handled before this.
 */
import {
  DuckDBInstance,
  StatementType,
  type DuckDBConnection
} from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GlueCatalog, GlueColumn, GlueTable } from './glue';
import { athenaType, datum, type AthenaColumnInfo } from './values';

export interface EngineOptions {
  /** Holds `v1.4.4/linux_amd64/delta.duckdb_extension` (DuckDB's own layout). */
  extensionDir: string;
  /** The S3 server the lake's `s3://` tables live on, for httpfs. */
  s3?: {
    endpoint: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
  } | null;
}

export type FailureKind =
  'syntax' | 'not-found' | 'refused' | 'cancelled' | 'too-large' | 'internal';

export class QueryFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string
  ) {
    super(message);
  }
}

export interface QueryOutcome {
  statementType: 'DML' | 'DDL' | 'UTILITY';
  columns: AthenaColumnInfo[];
  rows: { VarCharValue?: string }[][];
  /** Size of the files behind the tables the query read. */
  bytesScanned: number;
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A DuckDB (and Athena DML) identifier, always quoted. */
export function sqlIdentifier(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** Where DuckDB reads a location: `s3a://` is `s3://` to it, `file://` a path. */
export function enginePath(location: string): string {
  if (location.startsWith('file://')) {
    return fileURLToPath(location);
  }
  return location.replace(/^s3a?:\/\//, 's3://').replace(/\/+$/, '');
}

/**
 * The tables a SELECT names, as written (parsed, not bound: a name that is
 * already a view must still be found). Other statements name none here.
 */
async function referencedTables(
  connection: DuckDBConnection,
  sql: string
): Promise<{ schema: string; table: string }[]> {
  let tree: unknown;
  try {
    const reader = await connection.runAndReadAll(
      'SELECT json_serialize_sql($1::VARCHAR)::VARCHAR',
      [sql]
    );
    tree = JSON.parse(String(reader.getRows()[0]?.[0] ?? '{}'));
  } catch {
    return [];
  }
  const found: { schema: string; table: string }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (typeof node !== 'object' || node === null) {
      return;
    }
    const record = node as Record<string, unknown>;
    if (record.type === 'BASE_TABLE' && typeof record.table_name === 'string') {
      found.push({
        schema:
          typeof record.schema_name === 'string' ? record.schema_name : '',
        table: record.table_name
      });
    }
    Object.values(record).forEach(walk);
  };
  walk(tree);
  return found;
}

function tableSource(table: GlueTable): string {
  const location = table.Parameters.location ?? '';
  const format = (
    table.Parameters.table_type ??
    table.Parameters.classification ??
    ''
  ).toUpperCase();
  if (format === 'DELTA') {
    return `delta_scan(${sqlString(enginePath(location))})`;
  }
  if (format === 'PARQUET') {
    return `read_parquet(${sqlString(`${enginePath(location)}/**/*.parquet`)}, hive_partitioning = true)`;
  }
  throw new QueryFailure(
    'refused',
    `the local endpoint reads Delta and Parquet tables only; this table is ${format || 'of unknown format'}`
  );
}

function describeError(error: unknown): QueryFailure {
  if (error instanceof QueryFailure) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/^(Parser Error|Binder Error: Referenced column)/.test(message)) {
    return new QueryFailure('syntax', message);
  }
  if (/Catalog Error: Table with name|does not exist/.test(message)) {
    return new QueryFailure('not-found', message);
  }
  if (/INTERRUPT|Interrupted/i.test(message)) {
    return new QueryFailure('cancelled', 'Query was cancelled by user');
  }
  return new QueryFailure('internal', message);
}

export class LakeEngine {
  readonly #instance: DuckDBInstance;
  /** `db\u0000table` → the source its view was made from. */
  readonly #views = new Map<string, string>();
  #viewLock: Promise<void> = Promise.resolve();

  private constructor(instance: DuckDBInstance) {
    this.#instance = instance;
  }

  static async open(options: EngineOptions): Promise<LakeEngine> {
    const extension = path.join(
      options.extensionDir,
      'v1.4.4',
      'linux_amd64',
      'delta.duckdb_extension'
    );
    if (!existsSync(extension)) {
      throw new Error(
        `DuckDB's delta extension is not at ${extension}; run make (it installs duckdb-ext-delta from PyPI)`
      );
    }
    const instance = await DuckDBInstance.create(':memory:', {
      extension_directory: options.extensionDir,
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false'
    });
    const setup = await instance.connect();
    try {
      await setup.run('LOAD delta');
      if (options.s3 !== null && options.s3 !== undefined) {
        await setup.run('LOAD httpfs');
        const endpoint = new URL(options.s3.endpoint);
        await setup.run(
          `CREATE SECRET lake (TYPE s3, KEY_ID ${sqlString(options.s3.accessKeyId)}, ` +
            `SECRET ${sqlString(options.s3.secretAccessKey)}, REGION ${sqlString(options.s3.region)}, ` +
            `ENDPOINT ${sqlString(endpoint.host)}, URL_STYLE 'path', ` +
            `USE_SSL ${endpoint.protocol === 'https:' ? 'true' : 'false'})`
        );
      }
    } finally {
      setup.closeSync();
    }
    return new LakeEngine(instance);
  }

  /** Creates (or re-creates) the views the query names, one change at a time. */
  async #defineViews(
    connection: DuckDBConnection,
    sql: string,
    database: string,
    catalog: GlueCatalog
  ): Promise<GlueTable[]> {
    const names = await referencedTables(connection, sql);
    const wanted: { database: string; table: GlueTable }[] = [];
    for (const name of names) {
      // Athena's names are lower case and its queries case-insensitive.
      const db = (name.schema === '' ? database : name.schema).toLowerCase();
      const found = catalog.findTable(db, name.table.toLowerCase());
      if (found !== null) {
        wanted.push({ database: db, table: found });
      }
    }
    const previous = this.#viewLock;
    let release = (): void => undefined;
    this.#viewLock = new Promise(resolve => {
      release = resolve;
    });
    await previous;
    try {
      for (const { database: db, table } of wanted) {
        const source = tableSource(table);
        const key = `${db}\u0000${table.Name}`;
        if (this.#views.get(key) === source) {
          continue;
        }
        await connection.run(
          `CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(db)}`
        );
        await connection.run(
          `CREATE OR REPLACE VIEW ${sqlIdentifier(db)}.${sqlIdentifier(table.Name)} AS SELECT * FROM ${source}`
        );
        this.#views.set(key, source);
      }
    } catch (error) {
      throw describeError(error);
    } finally {
      release();
    }
    return wanted.map(entry => entry.table);
  }

  /** Forgets a table's view (after DROP TABLE or a new definition). */
  async forget(database: string, table: string): Promise<void> {
    const key = `${database}\u0000${table}`;
    if (!this.#views.delete(key)) {
      return;
    }
    const connection = await this.#instance.connect();
    try {
      await connection.run(
        `DROP VIEW IF EXISTS ${sqlIdentifier(database)}.${sqlIdentifier(table)}`
      );
    } finally {
      connection.closeSync();
    }
  }

  /** Runs one SELECT; `signal` interrupts it. At most `maxRows` rows are kept. */
  async query(
    sql: string,
    database: string,
    catalog: GlueCatalog,
    maxRows: number,
    signal: AbortSignal
  ): Promise<QueryOutcome> {
    const connection = await this.#instance.connect();
    const interrupt = (): void => {
      connection.interrupt();
    };
    signal.addEventListener('abort', interrupt);
    try {
      const extracted = await connection.extractStatements(sql);
      if (extracted.count !== 1) {
        throw new QueryFailure(
          'syntax',
          extracted.count === 0
            ? 'the query is empty'
            : 'only one statement can be run at a time'
        );
      }
      const tables = await this.#defineViews(
        connection,
        sql,
        database,
        catalog
      );
      if (catalog.hasDatabase(database)) {
        await connection.run(
          `CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(database)}`
        );
        await connection.run(`USE ${sqlIdentifier(database)}`);
      }
      const prepared = await extracted.prepare(0);
      const type = prepared.statementType;
      if (type !== StatementType.SELECT && type !== StatementType.EXPLAIN) {
        throw new QueryFailure(
          'refused',
          `the local endpoint runs queries only (SELECT, EXPLAIN); ${StatementType[type]} statements are refused — tables change through Arc jobs, and the catalog through CREATE/DROP DDL`
        );
      }
      if (signal.aborted) {
        throw new QueryFailure('cancelled', 'Query was cancelled by user');
      }
      const result = await prepared.stream();
      const columns: AthenaColumnInfo[] = result
        .columnNames()
        .map((name, i) => {
          const type = athenaType(result.columnType(i));
          return {
            CatalogName: 'hive',
            SchemaName: '',
            TableName: '',
            Name: name,
            Label: name,
            Type: type.name,
            Precision: type.precision,
            Scale: type.scale,
            Nullable: 'UNKNOWN',
            CaseSensitive: type.name === 'varchar'
          };
        });
      const rows: { VarCharValue?: string }[][] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) {
          break;
        }
        for (const row of chunk.getRows()) {
          if (rows.length >= maxRows) {
            throw new QueryFailure(
              'too-large',
              `the result has more than ${maxRows} rows, the local endpoint's limit; add a LIMIT`
            );
          }
          rows.push(row.map(datum));
        }
      }
      return {
        statementType: type === StatementType.EXPLAIN ? 'UTILITY' : 'DML',
        columns,
        rows,
        bytesScanned: await this.#bytesOf(connection, tables)
      };
    } catch (error) {
      throw signal.aborted
        ? new QueryFailure('cancelled', 'Query was cancelled by user')
        : describeError(error);
    } finally {
      signal.removeEventListener('abort', interrupt);
      connection.closeSync();
    }
  }

  /** The size of the Parquet files under each table's location (an upper bound of what a scan reads). */
  async #bytesOf(
    connection: DuckDBConnection,
    tables: GlueTable[]
  ): Promise<number> {
    let total = 0;
    for (const table of tables) {
      const location = table.Parameters.location;
      if (location === undefined) {
        continue;
      }
      try {
        const reader = await connection.runAndReadAll(
          `SELECT coalesce(sum(size), 0)::BIGINT FROM read_blob(${sqlString(`${enginePath(location)}/**/*.parquet`)})`
        );
        total += Number(reader.getRows()[0]?.[0] ?? 0);
      } catch {
        // Unknown size: the statistics say 0 for this table.
      }
    }
    return total;
  }

  /** The columns of a Delta table, read from its log (for CREATE EXTERNAL TABLE without columns). */
  async deltaColumns(location: string): Promise<{
    columns: GlueColumn[];
    partitionKeys: GlueColumn[];
  }> {
    const connection = await this.#instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        `DESCRIBE SELECT * FROM delta_scan(${sqlString(enginePath(location))})`
      );
      const columns = reader.getRowObjects().map(row => ({
        Name: String(row.column_name),
        Type: hiveType(String(row.column_type))
      }));
      return { columns, partitionKeys: [] };
    } catch (error) {
      throw new QueryFailure(
        'not-found',
        `no Delta table can be read at ${location}: ${describeError(error).message}`
      );
    } finally {
      connection.closeSync();
    }
  }

  close(): void {
    this.#instance.closeSync();
  }
}

/** DuckDB's type name as Glue/Hive writes it. */
export function hiveType(duck: string): string {
  const type = duck.trim();
  const simple: Record<string, string> = {
    VARCHAR: 'string',
    BIGINT: 'bigint',
    INTEGER: 'int',
    SMALLINT: 'smallint',
    TINYINT: 'tinyint',
    DOUBLE: 'double',
    FLOAT: 'float',
    BOOLEAN: 'boolean',
    DATE: 'date',
    TIMESTAMP: 'timestamp',
    'TIMESTAMP WITH TIME ZONE': 'timestamp',
    BLOB: 'binary'
  };
  const known = simple[type];
  if (known !== undefined) {
    return known;
  }
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal !== null) {
    return `decimal(${decimal[1]},${decimal[2]})`;
  }
  if (type.endsWith('[]')) {
    return `array<${hiveType(type.slice(0, -2))}>`;
  }
  return type.toLowerCase();
}
