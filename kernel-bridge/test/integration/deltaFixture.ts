/**
 * Writes small Delta tables for the catalog tests: the rows as a Parquet file
 * written by DuckDB, and a `_delta_log` commit (protocol, metaData with the
 * Spark schema, add, commitInfo) as the Delta protocol specifies it — the
 * project's own fixtures, readable by DuckDB's delta extension and by Spark.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface DeltaColumn {
  name: string;
  /** Spark's type name: long, integer, string, double, boolean, date, timestamp. */
  type:
    'long' | 'integer' | 'string' | 'double' | 'boolean' | 'date' | 'timestamp';
}

const DUCK_TYPES: Record<DeltaColumn['type'], string> = {
  long: 'BIGINT',
  integer: 'INTEGER',
  string: 'VARCHAR',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP'
};

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates a Delta table at `dir` whose rows come from `selectSql` (a DuckDB
 * SELECT producing `columns` in order), as commit `version` (0 creates it).
 */
export async function writeDeltaTable(
  dir: string,
  columns: DeltaColumn[],
  selectSql: string,
  options: { version?: number; operation?: string; timestamp?: number } = {}
): Promise<void> {
  const version = options.version ?? 0;
  const timestamp = options.timestamp ?? Date.now();
  await mkdir(path.join(dir, '_delta_log'), { recursive: true });
  const file = `part-${String(version).padStart(5, '0')}-arcade-test.snappy.parquet`;
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const casts = columns
    .map(
      (c, i) => `CAST(column${i} AS ${DUCK_TYPES[c.type]}) AS ${quote(c.name)}`
    )
    .join(', ');
  const target = path.join(dir, file).replace(/'/g, "''");
  await connection.run(
    `COPY (SELECT ${casts} FROM (${selectSql}) AS t(${columns.map((_, i) => `column${i}`).join(', ')})) ` +
      `TO '${target}' (FORMAT parquet, COMPRESSION snappy)`
  );
  const count = await connection.runAndReadAll(
    `SELECT count(*)::BIGINT FROM read_parquet('${target}')`
  );
  const rows = Number(count.getRows()[0]?.[0] ?? 0);
  connection.closeSync();
  instance.closeSync();
  const size = (await stat(path.join(dir, file))).size;
  const schema = {
    type: 'struct',
    fields: columns.map(c => ({
      name: c.name,
      type: c.type,
      nullable: true,
      metadata: {}
    }))
  };
  const actions: unknown[] = [
    {
      commitInfo: {
        timestamp,
        operation: options.operation ?? (version === 0 ? 'WRITE' : 'MERGE'),
        operationParameters: {
          mode: version === 0 ? 'ErrorIfExists' : 'Append'
        },
        operationMetrics: {
          numFiles: '1',
          numOutputRows: String(rows),
          numOutputBytes: String(size)
        },
        engineInfo: 'arcade-tests',
        isBlindAppend: true
      }
    }
  ];
  if (version === 0) {
    actions.push(
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      {
        metaData: {
          id: `arcade-${timestamp}`,
          format: { provider: 'parquet', options: {} },
          schemaString: JSON.stringify(schema),
          partitionColumns: [],
          configuration: {},
          createdTime: timestamp
        }
      }
    );
  }
  actions.push({
    add: {
      path: encodeURIComponent(file),
      partitionValues: {},
      size,
      modificationTime: timestamp,
      dataChange: true,
      stats: JSON.stringify({ numRecords: rows })
    }
  });
  await writeFile(
    path.join(dir, '_delta_log', `${String(version).padStart(20, '0')}.json`),
    actions.map(a => JSON.stringify(a)).join('\n') + '\n'
  );
}
