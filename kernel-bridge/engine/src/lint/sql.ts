/**
 * A stage's SQL, inline or read from its `inputURI` file: parameters,
 * Spark syntax, nondeterminism, and the views it reads and creates
 * (codes sql-param-missing, sql-param-unused, sql-syntax,
 * nondeterministic-sql, sql-file).
 */
import { analyzeSql, type SqlParamValues } from '../sql';
import { sqlFileName, stageSqlSource } from '../sqlFiles';
import type {
  CompiledStageInfo,
  JsonObject,
  JsonValue,
  SourceLocation,
  SqlFile
} from '../types';
import { advance, fieldAt, type Linter } from './linter';

function paramValues(value: JsonValue | undefined): SqlParamValues {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {};
  }
  const params: Record<string, string | null> = {};
  for (const [key, v] of Object.entries(value)) {
    params[key] = typeof v === 'string' ? v : null;
  }
  return params;
}

function isViewName(name: string): boolean {
  return !name.includes('.') && !name.includes('`');
}

/** A view a stage reads; `prefix` names the SQL file and line it is read in. */
export interface ViewRead {
  name: string;
  at: SourceLocation;
  end?: SourceLocation;
  prefix?: string;
}

/**
 * Where findings in a stage's SQL are shown. Inline SQL: at the offending
 * text in the cell. A file: at the cell's `inputURI`, the message starting
 * with the file's name, line and column.
 */
interface SqlPlace {
  text: string;
  /** False for SQL a database runs (JDBCExecute): only its sqlParams are Arc's. */
  spark: boolean;
  /** "the SQL", or the file's name. */
  label: string;
  at(offset: number): SourceLocation;
  end(offset: number): SourceLocation | undefined;
  prefix(offset: number): string;
}

function inlinePlace(stage: CompiledStageInfo, text: string): SqlPlace {
  const sqlAt = fieldAt(stage, 'sql');
  return {
    text,
    spark: true,
    label: 'the SQL',
    at: offset => advance(sqlAt, text, offset),
    end: offset => advance(sqlAt, text, offset),
    prefix: () => ''
  };
}

function filePlace(
  stage: CompiledStageInfo,
  key: string,
  text: string,
  spark: boolean
): SqlPlace {
  const uriAt = fieldAt(stage, 'inputURI');
  const name = sqlFileName(key);
  return {
    text,
    spark,
    label: name,
    at: () => uriAt,
    end: () => undefined,
    prefix: offset => {
      const { line, column } = advance(
        { cell: 0, line: 1, column: 1 },
        text,
        offset
      );
      return `${name}:${line}:${column}: `;
    }
  };
}

/** An unread SQL file: a warning when it should be in the workspace and is not, else a note. */
function checkUnreadFile(
  linter: Linter,
  stage: CompiledStageInfo,
  key: string,
  file: Extract<SqlFile, { text: null }>
): void {
  linter.add(
    fieldAt(stage, 'inputURI'),
    file.missing ? 'warning' : 'info',
    'sql-file',
    file.missing
      ? `the SQL file ${key} cannot be read (${file.reason}), so its SQL is not checked: Arc fails the stage if the file is still missing when the job runs. Fix the path or add the file.`
      : `the SQL in ${key} is not checked: ${file.reason}.`
  );
}

/** Checks a stage's SQL, inline or from its `inputURI` file, and adds the views it reads to `reads`. */
export function checkSql(
  linter: Linter,
  stage: CompiledStageInfo,
  json: JsonObject,
  sqlFiles: ReadonlyMap<string, SqlFile> | undefined,
  reads: ViewRead[],
  creates: string[]
): void {
  const source = stageSqlSource(json);
  if (source === null) {
    return;
  }
  let place: SqlPlace;
  if (source.kind === 'inline') {
    place = inlinePlace(stage, source.text);
  } else {
    const file = sqlFiles?.get(source.key);
    if (file === undefined) {
      return;
    }
    if (file.text === null) {
      checkUnreadFile(linter, stage, source.key, file);
      return;
    }
    if (file.text === '') {
      linter.add(
        fieldAt(stage, 'inputURI'),
        'error',
        'sql-file',
        `the SQL file ${source.key} is empty: Arc fails the stage with "File at … is empty". Write the stage's SQL into it.`
      );
      return;
    }
    place = filePlace(stage, source.key, file.text, source.spark);
  }
  const analysis = analyzeSql(place.text, paramValues(json.sqlParams));
  for (const missing of analysis.missingParams) {
    linter.add(
      place.at(missing.start),
      'error',
      'sql-param-missing',
      `${place.prefix(missing.start)}\${${missing.name}} has no sqlParams entry: Arc fails the stage with "No replacement value found". Add sqlParams=${missing.name}=… (or remove the placeholder).`,
      place.end(missing.end)
    );
  }
  for (const unused of analysis.unusedParams) {
    linter.add(
      fieldAt(stage, `sqlParams.${unused}`),
      'error',
      'sql-param-unused',
      `sqlParams "${unused}" is not used in ${place.label}: Arc fails the stage with "No placeholder found for parameter". Use \${${unused}} in ${place.label} or remove the parameter.`
    );
  }
  if (!place.spark) {
    return;
  }
  for (const problem of analysis.syntax) {
    linter.add(
      place.at(problem.start),
      'error',
      'sql-syntax',
      `${place.prefix(problem.start)}Spark SQL syntax error: ${problem.message}. Arc fails the stage when Spark parses it.`,
      place.end(problem.end)
    );
  }
  for (const call of analysis.nondeterministic) {
    linter.add(
      place.at(call.start),
      'warning',
      'nondeterministic-sql',
      `${place.prefix(call.start)}${call.name}() gives a different value on every run, so re-running the job gives different data. Pass the time as a parameter (sqlParams with a \${VARIABLE} set when the job starts) if the result must be reproducible.`,
      place.end(call.end)
    );
  }
  for (const table of analysis.tables) {
    if (isViewName(table.name)) {
      reads.push({
        name: table.name,
        at: place.at(table.start),
        end: place.end(table.end),
        prefix: place.prefix(table.start)
      });
    }
  }
  // CREATE VIEW / CREATE TABLE in the SQL: later stages may read the name.
  for (const table of analysis.creates) {
    creates.push(table.name.replace(/`/g, ''));
  }
}
