/**
 * The columns of each view a notebook creates, where the SQL alone tells
 * them (no Spark, no data): for completing column names in later stages.
 * Pure, so the frontend can bundle it.
 *
 * Conservative on purpose: a view is left out rather than given a guessed
 * list. A view from an extract stage, or one whose `*` reads such a view, is
 * left out; an expression without an alias (`upper(name)`) is skipped, since
 * the name Spark makes up for it is not worth completing.
 */
import { OUTPUT_VIEW_KEYS } from './stageKeys';
import {
  analyzeSql,
  type SqlColumn,
  type SqlParamValues,
  type SqlRelation
} from './sql';
import { stageSqlText } from './sqlFiles';
import type { CompileResponse, JsonValue, SqlFile } from './types';

/** A view's column names; `complete` is false when unnamed expressions were skipped. */
interface Known {
  columns: string[];
  complete: boolean;
}

type Views = ReadonlyMap<string, Known & { name: string }>;

function paramValues(value: JsonValue | undefined): SqlParamValues {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : null])
  );
}

function relationColumns(relation: SqlRelation, views: Views): Known | null {
  switch (relation.kind) {
    case 'table': {
      const [name, ...rest] = relation.name;
      const view =
        name === undefined || rest.length > 0
          ? undefined
          : views.get(name.toLowerCase());
      return view ?? null;
    }
    case 'query':
      return queryColumns(relation.columns, views);
    case 'unknown':
      return null;
  }
}

/** A passed-through column keeps the spelling of the relation it comes from. */
function spelling(
  name: string,
  from: readonly SqlRelation[],
  views: Views
): string {
  const lower = name.toLowerCase();
  for (const relation of from) {
    const found = relationColumns(relation, views)?.columns.find(
      column => column.toLowerCase() === lower
    );
    if (found !== undefined) {
      return found;
    }
  }
  return name;
}

function queryColumns(
  columns: readonly SqlColumn[],
  views: Views
): Known | null {
  const names: string[] = [];
  let complete = true;
  for (const column of columns) {
    switch (column.kind) {
      case 'named':
        names.push(spelling(column.name, column.from, views));
        break;
      case 'all':
        for (const relation of column.from) {
          const known = relationColumns(relation, views);
          if (known === null) {
            return null;
          }
          names.push(...known.columns);
          complete &&= known.complete;
        }
        break;
      case 'unnamed':
        complete = false;
        break;
      case 'unknown':
        return null;
    }
  }
  return { columns: names, complete };
}

/** Each name once (Spark compares column names case-insensitively). */
function distinct(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter(name => {
    const lower = name.toLowerCase();
    if (seen.has(lower)) {
      return false;
    }
    seen.add(lower);
    return true;
  });
}

/**
 * View name (as its stage writes it) → its output column names, in order,
 * for the views whose columns the SQL tells (inline, or the stage's file in
 * `sqlFiles`). Stages are taken in job order, so a view a later stage
 * redefines has the later stage's columns.
 */
export function viewColumns(
  compiled: CompileResponse,
  sqlFiles?: ReadonlyMap<string, SqlFile>
): Map<string, string[]> {
  const views = new Map<string, Known & { name: string }>();
  compiled.job.stages.forEach(json => {
    let known: Known | null = null;
    const sql =
      json.type === 'SQLTransform' ? stageSqlText(json, sqlFiles) : null;
    if (sql !== null) {
      const analysis = analyzeSql(sql.text, paramValues(json.sqlParams));
      known =
        analysis.columns === null
          ? null
          : queryColumns(analysis.columns, views);
    }
    for (const key of OUTPUT_VIEW_KEYS) {
      const name = json[key];
      if (typeof name !== 'string') {
        continue;
      }
      views.delete(name.toLowerCase());
      if (key === 'outputView' && known !== null) {
        views.set(name.toLowerCase(), {
          name,
          columns: distinct(known.columns),
          complete: known.complete
        });
      }
    }
  });
  return new Map([...views.values()].map(view => [view.name, view.columns]));
}
