/**
 * SQL a stage reads from a file (`"inputURI": ${ETL_CONF_SQL}"/check.sql"`)
 * rather than from `sql`: which stages do, the key a file is known by, and
 * where a stage's SQL comes from. Pure (no node: imports) so the frontend
 * can bundle it.
 */
import type { CompileResponse, JsonObject, JsonValue, SqlFile } from './types';

/** Most files one `POST /api/stages/sql-files` reads. */
export const MAX_SQL_FILES = 50;
/** Largest SQL file the bridge reads. */
export const MAX_SQL_FILE_BYTES = 1024 * 1024;

/**
 * Stage types that, given `inputURI`, read Spark SQL from it and ignore
 * `sql`: Arc 3.7.0 reads the file (textContentForURI), fills in sqlParams
 * and has Spark parse the result, exactly as for inline SQL.
 */
const SPARK_SQL_FILE_STAGES = new Set([
  'SQLTransform',
  'SQLValidate',
  'LogExecute',
  'ConfigExecute',
  'ControlFlowExecute',
  'MetadataFilterTransform',
  'MetadataValidate'
]);

/**
 * JDBCExecute reads its statement from `inputURI` too, but runs it on the
 * database: Spark never parses it, only the sqlParams are Arc's.
 */
const DATABASE_SQL_FILE_STAGES = new Set(['JDBCExecute']);

/**
 * The key of a stage's inputURI: the value as compiled, unresolved
 * substitutions written `${NAME}` (`${?NAME}` when optional) between the
 * literal parts. Null when the value is not one Arc reads as text.
 */
export function sqlFileKey(value: JsonValue | undefined): string | null {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== 'object') {
    return String(value);
  }
  if (Array.isArray(value)) {
    return null;
  }
  const subst = value.$subst;
  if (typeof subst === 'string') {
    return value.optional === true ? `\${?${subst}}` : `\${${subst}}`;
  }
  const parts = value.$concat;
  if (!Array.isArray(parts)) {
    return null;
  }
  let key = '';
  for (const part of parts) {
    const text = part === null ? 'null' : sqlFileKey(part);
    if (text === null) {
      return null;
    }
    key += text;
  }
  return key;
}

/** The file's name for messages: the last part of its key. */
export function sqlFileName(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name === '' ? key : name;
}

/** Where a stage's SQL comes from, as Arc decides it. */
export type StageSqlSource =
  | { kind: 'inline'; text: string }
  /** `spark`: false when the SQL runs on a database (JDBCExecute), so only its sqlParams are Arc's. */
  | { kind: 'file'; key: string; spark: boolean };

/**
 * The SQL a compiled stage runs: `inputURI` wins over `sql` for the stage
 * types that read SQL from a file; null when there is none to analyse.
 */
export function stageSqlSource(json: JsonObject): StageSqlSource | null {
  const type = typeof json.type === 'string' ? json.type : '';
  if (json.inputURI !== undefined) {
    const spark = SPARK_SQL_FILE_STAGES.has(type);
    if (!spark && !DATABASE_SQL_FILE_STAGES.has(type)) {
      return null;
    }
    const key = sqlFileKey(json.inputURI);
    return key === null ? null : { kind: 'file', key, spark };
  }
  return typeof json.sql === 'string'
    ? { kind: 'inline', text: json.sql }
    : null;
}

/** The SQL files a compiled job's stages read (their `sqlFileKey`s), each once, in stage order. */
export function sqlFileUris(compiled: Pick<CompileResponse, 'job'>): string[] {
  const keys = new Set<string>();
  for (const json of compiled.job.stages) {
    const source = stageSqlSource(json);
    if (source?.kind === 'file') {
      keys.add(source.key);
    }
  }
  return [...keys];
}

/** The text of a stage's SQL when it is known: inline, or a file that was read. */
export function stageSqlText(
  json: JsonObject,
  sqlFiles: ReadonlyMap<string, SqlFile> | undefined
): { text: string; spark: boolean } | null {
  const source = stageSqlSource(json);
  if (source === null) {
    return null;
  }
  if (source.kind === 'inline') {
    return { text: source.text, spark: true };
  }
  const text = sqlFiles?.get(source.key)?.text;
  return typeof text === 'string' ? { text, spark: source.spark } : null;
}
