/**
 * The notebook linter: a compile result → diagnostics saying what Arc will
 * do with each defect and how to fix it. Pure (no node: imports) so the
 * frontend can bundle it.
 */
import { compileNotebook, compileNotebookJson } from './compile';
import { NotebookError } from './notebook';
import { analyzeSql, nondeterministicCalls, type SqlParamValues } from './sql';
import { sqlFileName, stageSqlSource } from './sqlFiles';
import { STAGE_KEYS } from './stageKeys';
import type {
  CompiledStageInfo,
  CompileResponse,
  JsonObject,
  JsonValue,
  LintCode,
  LintDiagnostic,
  LintSeverity,
  SourceLocation,
  SqlFile
} from './types';

export interface LintOptions {
  /** Environments the project deploys to. */
  environments: readonly string[];
  /** Tables that exist outside the notebook (catalog tables). */
  knownTables?: readonly string[];
  /** Name used in diagnostics. */
  file?: string;
  /** Source of every cell by index, for checks on cells Arc ignores (`%env`, a string `source`). */
  cellSources?: readonly (string | null)[];
  /**
   * The SQL files stages read from `inputURI`, by `sqlFileKey`. A stage
   * whose file is not in the map is not checked, as before the file is read.
   */
  sqlFiles?: ReadonlyMap<string, SqlFile>;
}

const STAGE_MAGICS: Readonly<Record<string, string>> = {
  '%arc': 'a HOCON stage',
  '%sql': 'SQLTransform',
  '%sqlvalidate': 'SQLValidate',
  '%log': 'LogExecute',
  '%configexecute': 'ConfigExecute',
  '%metadatafilter': 'MetadataFilterTransform',
  '%metadatavalidate': 'MetadataValidate'
};

const OTHER_MAGICS = [
  '%configplugin',
  '%lifecycleplugin',
  '%env',
  '%conf',
  '%schema',
  '%printschema',
  '%metadata',
  '%printmetadata',
  '%list',
  '%secret',
  '%version',
  '%help'
];

const ALL_MAGICS = [...Object.keys(STAGE_MAGICS), ...OTHER_MAGICS];

/** Keys naming a view a stage reads, and ones naming a view it creates. */
export const INPUT_VIEW_KEYS = [
  'inputView',
  'inputLeftView',
  'inputRightView',
  'leftView',
  'rightView'
];
export const OUTPUT_VIEW_KEYS = [
  'outputView',
  'outputIntersectionView',
  'outputLeftView',
  'outputRightView'
];

const SECRET_KEYS = new Set([
  'secretAccessKey',
  'accessKeyID',
  'accountKey',
  'signature',
  'clientSecret',
  'password',
  'token'
]);

/** Edit distance of a and b, or `limit + 1` as soon as it must exceed `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) {
    return limit + 1;
  }
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      const value = Math.min(
        current + 1,
        (row[j - 1] ?? 0) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1)
      );
      row[j] = value;
      best = Math.min(best, value);
      previous = current;
    }
    if (best > limit) {
      return limit + 1;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest candidate, if it is close enough to be a typo. */
export function didYouMean(
  word: string,
  candidates: Iterable<string>
): string | null {
  const lower = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Math.floor(Math.max(2, word.length / 3));
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase(), bestDistance);
    if (d < bestDistance || (best === null && d === bestDistance)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function suggestion(word: string, candidates: Iterable<string>): string {
  const best = didYouMean(word, candidates);
  return best === null ? '' : ` Did you mean "${best}"?`;
}

/** A position `offset` characters into a text that starts at `at`. */
function advance(
  at: SourceLocation,
  text: string,
  offset: number
): SourceLocation {
  let line = at.line;
  let column = at.column;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return { cell: at.cell, line, column };
}

function isSubst(value: JsonValue | undefined): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    ('$subst' in value || '$concat' in value)
  );
}

class Linter {
  readonly diagnostics: LintDiagnostic[] = [];

  constructor(private readonly file: string) {}

  add(
    at: SourceLocation | null,
    severity: LintSeverity,
    code: LintCode,
    message: string,
    end?: SourceLocation
  ): void {
    this.diagnostics.push({
      file: this.file,
      cell: at?.cell ?? null,
      line: at?.line ?? 1,
      column: at?.column ?? 1,
      ...(end === undefined
        ? {}
        : { endLine: end.line, endColumn: end.column }),
      severity,
      code,
      message
    });
  }
}

function fieldAt(stage: CompiledStageInfo, key: string): SourceLocation {
  return stage.fields[key] ?? stage.location;
}

function checkMagic(linter: Linter, stage: CompiledStageInfo): void {
  if (stage.magic === null) {
    return;
  }
  const magic = stage.magic.toLowerCase();
  if (magic in STAGE_MAGICS) {
    return;
  }
  const runsAs = stage.type ?? 'a stage';
  const meant = didYouMean(magic, ALL_MAGICS);
  const meantWhat =
    meant !== null && meant in STAGE_MAGICS
      ? ` Did you mean "${meant}" (${STAGE_MAGICS[meant] ?? ''})?`
      : suggestion(magic, ALL_MAGICS);
  const validates =
    meant !== null && /validate$/.test(meant) && !/Validate$/.test(runsAs)
      ? ' and validates nothing'
      : '';
  linter.add(
    stage.location,
    'error',
    'unknown-magic',
    `"${stage.magic}" is not an Arc magic: Arc matches magics by prefix, so this cell runs as a ${runsAs}${validates}.${meantWhat}`
  );
}

function checkEnvironments(
  linter: Linter,
  stage: CompiledStageInfo,
  environments: readonly string[]
): void {
  const own = (stage.environments ?? []).filter(e => e !== '');
  const configured = environments.join(', ');
  if (own.length === 0) {
    linter.add(
      fieldAt(stage, 'environments'),
      'warning',
      'stage-never-runs',
      `this stage has no environments, so Arc skips it in every run. Add environments=${environments.join(',')} (or the ones it should run in).`
    );
  } else if (!own.some(e => environments.includes(e))) {
    linter.add(
      fieldAt(stage, 'environments'),
      'warning',
      'stage-never-runs',
      `this stage runs only in ${own.join(', ')}, none of the project's environments (${configured}), so Arc never runs it. Change its environments or add ${own[0] ?? ''} to the project's environments.`
    );
  }
}

function checkKeys(
  linter: Linter,
  stage: CompiledStageInfo,
  json: JsonObject
): void {
  const spec = stage.type === null ? undefined : STAGE_KEYS[stage.type];
  if (spec === undefined) {
    return;
  }
  for (const key of Object.keys(json)) {
    if (!spec.allowed.has(key)) {
      linter.add(
        fieldAt(stage, key),
        'error',
        'unknown-key',
        `${stage.type ?? ''} has no key "${key}": Arc rejects the stage with "Invalid attribute".${suggestion(key, spec.allowed)} Otherwise remove it.`
      );
    }
  }
  for (const key of spec.required) {
    if (json[key] === undefined) {
      const interactive =
        key === 'outputView' && stage.kind === 'sql'
          ? ' It works in the notebook, where the kernel names the result for you, but fails as a job.'
          : '';
      const fix =
        stage.kind === 'hocon' || stage.kind === 'arc'
          ? `add "${key}": …`
          : `add ${key}=… to the magic line`;
      linter.add(
        stage.location,
        'error',
        'missing-key',
        `${stage.type ?? ''} needs "${key}": Arc fails the job with "Missing required attribute '${key}'".${interactive} Fix: ${fix}.`
      );
    }
  }
  for (const group of spec.oneOf) {
    if (!group.some(key => json[key] !== undefined)) {
      linter.add(
        stage.location,
        'error',
        'missing-key',
        `${stage.type ?? ''} needs one of ${group.map(k => `"${k}"`).join(' or ')}: Arc fails the job without it. Add one of them.`
      );
    }
  }
}

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

function checkSecrets(
  linter: Linter,
  stage: CompiledStageInfo,
  json: JsonObject
): void {
  const auth = json.authentication;
  if (typeof auth === 'object' && auth !== null && !Array.isArray(auth)) {
    for (const [key, value] of Object.entries(auth)) {
      if (SECRET_KEYS.has(key) && typeof value === 'string') {
        linter.add(
          fieldAt(stage, `authentication.${key}`),
          'error',
          'inline-secret',
          `authentication.${key} is written into the notebook: Arc refuses inline credentials, and the value would land in git and in Arc's logs. Use "method": "AmazonIAM" (or the environment's credentials) or a \${VARIABLE} substitution.`
        );
      }
    }
  }
  if (typeof json.password === 'string') {
    linter.add(
      fieldAt(stage, 'password'),
      'error',
      'inline-secret',
      "the password is written into the notebook: Arc refuses inline credentials, and it would land in git and in Arc's logs. Use a ${VARIABLE} substitution set at run time."
    );
  }
  const url = json.jdbcURL;
  if (
    typeof url === 'string' &&
    (/[?;&:]password=[^;&${}]/i.test(url) || /\/\/[^/@:]+:[^/@]+@/.test(url))
  ) {
    linter.add(
      fieldAt(stage, 'jdbcURL'),
      'error',
      'inline-secret',
      'jdbcURL carries a password: Arc refuses inline credentials, and the URL would land in git and in Arc\'s logs. Move the password into a ${VARIABLE} substitution or the "password" key set from the environment.'
    );
  }
}

/** A view a stage reads; `prefix` names the SQL file and line it is read in. */
interface ViewRead {
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
function checkSql(
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

/**
 * What a cell whose `source` is one string would run if it were a list of
 * lines, by compiling it alone: null when a job would skip it anyway
 * (blank, or an interactive magic like %env).
 */
function wouldRun(source: string | undefined): string | null {
  if (source === undefined) {
    return 'its stage';
  }
  let compiled: CompileResponse;
  try {
    compiled = compileNotebookJson({
      metadata: { kernelspec: { name: 'arc' } },
      cells: [{ cell_type: 'code', source: [source] }]
    });
  } catch {
    return 'its stage';
  }
  const stage = compiled.stages[0];
  const plugin =
    compiled.plugins.config[0] ?? compiled.plugins.lifecycle[0] ?? null;
  const item = stage ?? plugin;
  if (item === null) {
    return null;
  }
  const kind = stage === undefined ? 'plugin' : 'stage';
  return item.type === null ? `its ${kind}` : `its ${item.type} ${kind}`;
}

function checkStringSources(
  linter: Linter,
  compiled: CompileResponse,
  sources: readonly (string | null)[] | undefined
): void {
  for (const ignored of compiled.ignored) {
    if (ignored.reason !== 'source-not-a-list') {
      continue;
    }
    const source = sources?.[ignored.cell] ?? undefined;
    const runs = wouldRun(source);
    if (runs === null) {
      continue;
    }
    const firstLine = (source ?? '').split(/\r?\n/)[0] ?? '';
    linter.add(
      { cell: ignored.cell, line: 1, column: 1 },
      'error',
      'stage-never-runs',
      `this cell's "source" is one string, not a list of lines: Arc reads such a cell as empty and skips it without a word, so ${runs} never runs. Save the notebook with JupyterLab, which writes "source" as a list of lines.`,
      firstLine.length > 0
        ? { cell: ignored.cell, line: 1, column: firstLine.length + 1 }
        : undefined
    );
  }
}

/** Lints a compile result. */
export function lintCompiled(
  compiled: CompileResponse,
  options: LintOptions
): LintDiagnostic[] {
  const linter = new Linter(options.file ?? 'notebook');
  const known = new Set((options.knownTables ?? []).map(t => t.toLowerCase()));
  const views = new Map<string, number>();
  const ids = new Map<string, number>();

  checkStringSources(linter, compiled, options.cellSources);

  for (const ignored of compiled.ignored) {
    if (ignored.reason !== 'interactive-magic' || ignored.magic === null) {
      continue;
    }
    const magic = ignored.magic.toLowerCase();
    const at = { cell: ignored.cell, line: 1, column: 1 };
    if (!ALL_MAGICS.includes(magic) && !ALL_MAGICS.includes(ignored.magic)) {
      linter.add(
        at,
        'warning',
        'unknown-magic',
        `"${ignored.magic}" is not an Arc magic: a job skips the cell, so what it was meant to do never happens.${suggestion(magic, ALL_MAGICS)}`
      );
    } else if (magic === '%env') {
      const source = options.cellSources?.[ignored.cell] ?? '';
      for (const call of nondeterministicCalls(source)) {
        linter.add(
          advance(at, source, call.start),
          'warning',
          'nondeterministic-sql',
          `${call.name}() gives a different value on every run, and %env only applies in the notebook: a job takes the variable from --NAME=value or the environment. Pass a fixed value (e.g. the run's logical date) when the job is started.`
        );
      }
    }
  }

  compiled.stages.forEach((stage, index) => {
    const json = compiled.job.stages[index] ?? {};
    checkMagic(linter, stage);
    checkEnvironments(linter, stage, options.environments);
    checkKeys(linter, stage, json);
    checkSecrets(linter, stage, json);

    if (typeof json.id === 'string') {
      const first = ids.get(json.id);
      if (first !== undefined) {
        linter.add(
          fieldAt(stage, 'id'),
          'error',
          'duplicate-id',
          `stage id "${json.id}" is already used by stage ${first + 1}: Arc reports both under one id, so logs and lineage mix them up. Give each stage its own id.`
        );
      } else {
        ids.set(json.id, index);
      }
    }

    const reads: ViewRead[] = [];
    for (const key of INPUT_VIEW_KEYS) {
      const value = json[key];
      if (typeof value === 'string') {
        reads.push({ name: value, at: fieldAt(stage, key) });
      }
    }

    const creates: string[] = [];
    checkSql(linter, stage, json, options.sqlFiles, reads, creates);

    for (const read of reads) {
      const name = read.name.toLowerCase();
      if (!views.has(name) && !known.has(name)) {
        linter.add(
          read.at,
          'error',
          'undefined-view',
          `${read.prefix ?? ''}no earlier stage creates the view "${read.name}" and it is not a known table: Spark fails the stage with "Table or view not found".${suggestion(read.name, [...views.keys(), ...known])} Create it in an earlier stage or fix the name.`,
          read.end
        );
      }
    }

    for (const key of OUTPUT_VIEW_KEYS) {
      const value = json[key];
      if (typeof value !== 'string' || isSubst(value)) {
        continue;
      }
      const name = value.toLowerCase();
      const first = views.get(name);
      if (first !== undefined) {
        linter.add(
          fieldAt(stage, key),
          'warning',
          'view-redefined',
          `view "${value}" is already created by stage ${first + 1}: Arc replaces it, so later stages see only this one. Use a new name if both are needed.`
        );
      } else {
        views.set(name, index);
      }
    }
    for (const created of creates) {
      if (!views.has(created.toLowerCase())) {
        views.set(created.toLowerCase(), index);
      }
    }
  });
  return linter.diagnostics.sort(
    (a, b) =>
      (a.cell ?? -1) - (b.cell ?? -1) || a.line - b.line || a.column - b.column
  );
}

function compileErrorDiagnostic(file: string, error: unknown): LintDiagnostic {
  if (!(error instanceof NotebookError)) {
    throw error;
  }
  return {
    file,
    cell: error.location.cell ?? null,
    line: error.location.line ?? 1,
    column: error.location.column ?? 1,
    severity: 'error',
    code: 'compile-error',
    message: `${error.detail}: Arc cannot parse the job, so it runs nothing. Fix the cell.`
  };
}

export function cellSources(notebook: unknown): (string | null)[] {
  if (typeof notebook !== 'object' || notebook === null) {
    return [];
  }
  const cells = (notebook as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) {
    return [];
  }
  return cells.map((cell: unknown) => {
    const source =
      typeof cell === 'object' && cell !== null
        ? (cell as { source?: unknown }).source
        : undefined;
    if (typeof source === 'string') {
      return source;
    }
    return Array.isArray(source)
      ? source.map(s => (typeof s === 'string' ? s : '')).join('')
      : null;
  });
}

/** Lints a notebook given as parsed JSON; compile errors become diagnostics. */
export function lintNotebookJson(
  notebook: unknown,
  options: LintOptions
): LintDiagnostic[] {
  const file = options.file ?? 'notebook';
  let compiled: CompileResponse;
  try {
    compiled = compileNotebookJson(notebook, { file });
  } catch (error) {
    return [compileErrorDiagnostic(file, error)];
  }
  return lintCompiled(compiled, {
    ...options,
    cellSources: cellSources(notebook)
  });
}

/** Lints notebook text (the .ipynb content); compile errors become diagnostics. */
export function lintNotebook(
  text: string,
  options: LintOptions
): LintDiagnostic[] {
  const file = options.file ?? 'notebook';
  let compiled: CompileResponse;
  try {
    compiled = compileNotebook(text, { file });
  } catch (error) {
    return [compileErrorDiagnostic(file, error)];
  }
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return lintCompiled(compiled, {
    ...options,
    cellSources: cellSources(parsed)
  });
}
