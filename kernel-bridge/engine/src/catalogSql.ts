/**
 * SQL text for catalog names, quoted so that no name — with quotes, dots,
 * spaces, unicode or SQL in it — can change the statement around it.
 */
import type { DataRef } from './catalogApi';

/** An identifier in Athena (Trino) queries: `"name"`, inner quotes doubled. */
export function athenaIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"database"."table"` for Athena queries. */
export function athenaTableName(database: string, table: string): string {
  return `${athenaIdentifier(database)}.${athenaIdentifier(table)}`;
}

/** An identifier in Hive DDL (Athena's CREATE/DROP) and Spark SQL: `` `name` ``, inner backticks doubled. */
export function backtickIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A string literal in Hive DDL: single quotes, with `\` and `'` escaped by a backslash. */
export function hiveString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The statement that previews a table: every name quoted, the limit a whole number. */
export function previewSql(
  database: string,
  table: string,
  limit: number
): string {
  const rows = Math.max(1, Math.min(Math.floor(limit), 1_000_000));
  return `SELECT * FROM ${athenaTableName(database, table)} LIMIT ${rows}`;
}

/** Registers a Delta table the way Athena does natively (the schema is read from its log). */
export function registerDeltaSql(
  database: string,
  table: string,
  location: string
): string {
  return (
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${backtickIdentifier(database)}.${backtickIdentifier(table)} ` +
    `LOCATION ${hiveString(location)} TBLPROPERTIES ('table_type'='DELTA')`
  );
}

/** `CREATE DATABASE IF NOT EXISTS` for a name. */
export function createDatabaseSql(database: string): string {
  return `CREATE DATABASE IF NOT EXISTS ${backtickIdentifier(database)}`;
}

/**
 * Splits `db.table` (each part bare or in double quotes or backticks) into
 * its two names; null when it is not exactly two names.
 */
export function splitTableName(
  text: string
): { database: string; table: string } | null {
  const parts: string[] = [];
  let i = 0;
  const s = text.trim();
  while (i <= s.length) {
    const quote = s[i];
    let name = '';
    if (quote === '"' || quote === '`') {
      i++;
      for (;;) {
        if (i >= s.length) {
          return null;
        }
        if (s[i] === quote) {
          if (s[i + 1] === quote) {
            name += quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        name += s[i] ?? '';
        i++;
      }
    } else {
      const end = s.indexOf('.', i);
      name = s.slice(i, end < 0 ? s.length : end);
      i = end < 0 ? s.length : end;
      if (name === '' || /["`\s]/.test(name)) {
        return null;
      }
    }
    parts.push(name);
    if (i >= s.length) {
      break;
    }
    if (s[i] !== '.') {
      return null;
    }
    i++;
  }
  if (parts.length !== 2 || parts.some(p => p === '')) {
    return null;
  }
  return { database: parts[0] ?? '', table: parts[1] ?? '' };
}

/** Where Spark reads a location: `s3://` is `s3a://` to Hadoop. */
export function sparkLocation(location: string): string {
  return location.replace(/^s3:\/\//, 's3a://');
}

/** A view name from a table name: lower-case letters, digits and `_`, not starting with a digit. */
export function viewName(table: string, suffix: string): string {
  const base = table
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const name = `${base === '' ? 'table' : base}_${suffix}`;
  return /^[0-9]/.test(name) ? `t_${name}` : name;
}

/**
 * The `%sql` stage cell "Query in notebook" inserts: Spark SQL the Arc
 * kernel runs, reading a Delta or Parquet table by its location (the
 * kernel's session has Delta's extension), any other by its quoted name.
 */
export function notebookQueryCell(
  table: {
    database: string;
    name: string;
    format: string;
    location: string | null;
  },
  limit: number,
  environments: readonly string[]
): string {
  const rows = Math.max(1, Math.min(Math.floor(limit), 1_000_000));
  const source =
    table.location !== null &&
    (table.format === 'DELTA' || table.format === 'PARQUET')
      ? `${table.format.toLowerCase()}.${backtickIdentifier(sparkLocation(table.location))}`
      : `${backtickIdentifier(table.database)}.${backtickIdentifier(table.name)}`;
  const label = `${table.database}.${table.name}`
    .replace(/["\\\n\r]/g, ' ')
    .trim();
  const envs = environments.filter(e => /^[\w-]+$/.test(e)).join(',');
  return (
    `%sql name="query ${label}" outputView=${viewName(table.name, 'sample')}` +
    (envs === '' ? '' : ` environments=${envs}`) +
    `\n-- ${table.format} table ${label}\nSELECT *\nFROM ${source}\nLIMIT ${rows}`
  );
}

/** The name a table gets when dragged into a cell: `db.table`, quoted where needed. */
export function draggedTableName(database: string, table: string): string {
  const part = (name: string) =>
    /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : backtickIdentifier(name);
  return `${part(database)}.${part(table)}`;
}

/** One key per data reference (table names compare without case). */
export function dataRefKey(ref: DataRef): string {
  return ref.kind === 'location'
    ? `l:${ref.text}`
    : `t:${ref.database.toLowerCase()}.${ref.table.toLowerCase()}`;
}
