/**
 * The data a stage reads or writes that a catalog may know: Delta locations
 * (`inputURI` of DeltaLakeExtract, `outputURI` of the Delta loads, Spark's
 * SQL on files such as `delta.\`…\``) and qualified table names in its SQL.
 * Locations are kept as written, `${NAME}` unresolved: only the bridge knows
 * the environment that fills them. Pure, so the frontend can bundle it.
 */
import type { DataRef } from './catalogApi';
import { dataRefKey, splitTableName } from './catalogSql';
import { analyzeSql, fillParams, type SqlParamValues } from './sql';
import { stageSqlText } from './sqlFiles';
import type { CompileResponse, JsonObject, JsonValue, SqlFile } from './types';

/** A URI as written, with unresolved substitutions shown as `${NAME}`. */
export function uriText(value: JsonValue | undefined): string | null {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return null;
  }
  if (typeof value.$subst === 'string') {
    return `\${${value.$subst}}`;
  }
  if (Array.isArray(value.$concat)) {
    return value.$concat.map(part => uriText(part) ?? '').join('');
  }
  return null;
}

/** A stage's `sqlParams` as the SQL analysis takes them (non-strings unknown). */
export function sqlParamValues(value: JsonValue | undefined): SqlParamValues {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : null])
  );
}

/** The key of each Delta stage type that holds its table's location. */
const DELTA_LOCATION_KEYS: Readonly<Record<string, 'inputURI' | 'outputURI'>> =
  {
    DeltaLakeExtract: 'inputURI',
    DeltaLakeLoad: 'outputURI',
    DeltaLakeMergeLoad: 'outputURI'
  };

/** Spark's SQL-on-files prefixes whose path is a Delta or Parquet table. */
const TABLE_FILE_PREFIX = /^\s*(delta|parquet)\s*\./i;

/** The data references of one compiled stage, each once, in order. */
export function stageDataRefs(
  json: JsonObject,
  sqlFiles?: ReadonlyMap<string, SqlFile>
): DataRef[] {
  const refs = new Map<string, DataRef>();
  const add = (ref: DataRef): void => {
    if (!refs.has(dataRefKey(ref))) {
      refs.set(dataRefKey(ref), ref);
    }
  };
  const type = typeof json.type === 'string' ? json.type : '';
  const key = DELTA_LOCATION_KEYS[type];
  const location = key === undefined ? null : uriText(json[key]);
  if (location !== null && location !== '') {
    add({ kind: 'location', text: location });
  }
  const sql = stageSqlText(json, sqlFiles);
  if (sql?.spark === true) {
    const paramsJson = json.sqlParams;
    const paramText = (name: string): string | null =>
      typeof paramsJson === 'object' &&
      paramsJson !== null &&
      !Array.isArray(paramsJson)
        ? uriText(paramsJson[name])
        : null;
    const analysis = analyzeSql(sql.text, sqlParamValues(paramsJson));
    for (const table of [...analysis.tables, ...analysis.writes]) {
      if (table.path !== null) {
        if (TABLE_FILE_PREFIX.test(table.name)) {
          add({ kind: 'location', text: fillParams(table.path, paramText) });
        }
      } else {
        // Only qualified names: a bare name is a view or the session's database's.
        const name = splitTableName(table.name);
        if (name !== null) {
          add({ kind: 'table', ...name });
        }
      }
    }
  }
  return [...refs.values()];
}

/** The data references of every stage cell (cell index → references; cells without any are left out). */
export function dataRefsByCell(
  compiled: CompileResponse,
  sqlFiles?: ReadonlyMap<string, SqlFile>
): Map<number, DataRef[]> {
  const byCell = new Map<number, DataRef[]>();
  compiled.stages.forEach((info, index) => {
    const refs = stageDataRefs(compiled.job.stages[index] ?? {}, sqlFiles);
    if (refs.length > 0) {
      byCell.set(info.cell, [...(byCell.get(info.cell) ?? []), ...refs]);
    }
  });
  return byCell;
}
