/**
 * Pure Spark SQL analysis of a stage's `sql`: Arc's `${k}` parameters,
 * syntax errors from a real Spark SQL grammar (dt-sql-parser's SparkSQL)
 * and the tables and views a statement reads. No I/O, no node: imports.
 *
 * Arc (SQLUtils.injectParameters) replaces `${ k }` / `${k=default}` for
 * each sqlParams key, fails when a key has no placeholder, and fails when a
 * `${word}` placeholder is left over. We substitute the same way before
 * parsing, keeping a map from the substituted text back to the cell, so an
 * error reported inside a parameter's value points at its `${…}`.
 */
import { SparkSQL, type ParseError } from 'dt-sql-parser';

/** A range of the original `sql` text (0-based offsets, end exclusive). */
export interface SqlRange {
  start: number;
  end: number;
}

export interface SqlSyntaxProblem extends SqlRange {
  message: string;
}

export interface SqlTableRef extends SqlRange {
  /** The name as written after parameter substitution (e.g. "db.customers"). */
  name: string;
}

export interface SqlParamUse extends SqlRange {
  name: string;
}

export interface SqlFunctionUse extends SqlRange {
  name: string;
}

export interface SqlAnalysis {
  /** Placeholders with no sqlParams entry: Arc fails the stage. */
  missingParams: SqlParamUse[];
  /** sqlParams keys with no placeholder: Arc fails the stage. */
  unusedParams: string[];
  syntax: SqlSyntaxProblem[];
  /** Tables and views read, CTE names excluded. */
  tables: SqlTableRef[];
  /** Functions whose result changes from run to run. */
  nondeterministic: SqlFunctionUse[];
}

/** A sqlParams value: its text, or null when Arc resolves it later (`${VAR}`). */
export type SqlParamValues = Readonly<Record<string, string | null>>;

/** Where substituted text came from: [substitutedStart, originalStart, originalEnd, length]. */
interface Piece {
  at: number;
  from: number;
  to: number;
  length: number;
  verbatim: boolean;
}

const PLACEHOLDER = /\$\{(\s*)(\w*)(\s*)(?:=[^}]+)?\}/g;

const NONDETERMINISTIC = new Set([
  'now',
  'current_timestamp',
  'current_date',
  'localtimestamp',
  'rand',
  'randn',
  'random',
  'uuid',
  'shuffle',
  'monotonically_increasing_id',
  'unix_timestamp'
]);

const NONDETERMINISTIC_CALL =
  /\b(now|current_timestamp|current_date|localtimestamp|rand|randn|random|uuid|shuffle|monotonically_increasing_id|unix_timestamp)\s*\(|\b(current_timestamp|current_date)\b(?!\s*\()/gi;

/** Parameter substitution as Arc does it, with an offset map. */
export function substituteParams(
  sql: string,
  params: SqlParamValues
): {
  text: string;
  pieces: Piece[];
  missing: SqlParamUse[];
  used: Set<string>;
} {
  const pieces: Piece[] = [];
  const missing: SqlParamUse[] = [];
  const used = new Set<string>();
  let text = '';
  let last = 0;
  const verbatim = (to: number): void => {
    if (to > last) {
      pieces.push({
        at: text.length,
        from: last,
        to,
        length: to - last,
        verbatim: true
      });
      text += sql.slice(last, to);
    }
  };
  for (const match of sql.matchAll(PLACEHOLDER)) {
    const name = match[2] ?? '';
    const start = match.index;
    const end = start + match[0].length;
    const spaced = (match[1] ?? '') !== '' || (match[3] ?? '') !== '';
    const known = Object.hasOwn(params, name);
    if (known || !spaced) {
      if (known) {
        used.add(name);
      } else {
        missing.push({ name, start, end });
      }
      verbatim(start);
      // An unknown or late-bound value parses as an identifier, which fits
      // wherever a table name, column or expression may stand.
      const value = (known ? params[name] : null) ?? `__arcade_param_${name}`;
      pieces.push({
        at: text.length,
        from: start,
        to: end,
        length: value.length,
        verbatim: false
      });
      text += value;
      last = end;
    }
  }
  verbatim(sql.length);
  return { text, pieces, missing, used };
}

/** Maps an offset in the substituted text back to the original sql. */
function mapBack(pieces: Piece[], offset: number): number {
  for (const piece of pieces) {
    if (offset < piece.at + piece.length || piece === pieces.at(-1)) {
      return piece.verbatim
        ? Math.min(piece.from + Math.max(offset - piece.at, 0), piece.to)
        : piece.from;
    }
  }
  return offset;
}

/** Maps an exclusive end offset back: the end of a substituted `${…}` is its `}`. */
function mapBackEnd(pieces: Piece[], end: number): number {
  const last = end - 1;
  for (const piece of pieces) {
    if (last < piece.at + piece.length || piece === pieces.at(-1)) {
      return piece.verbatim
        ? Math.min(piece.from + Math.max(last - piece.at, 0), piece.to - 1) + 1
        : piece.to;
    }
  }
  return end;
}

/** Offset of 1-based line/column in text. */
function offsetOf(lineStarts: number[], line: number, column: number): number {
  return (lineStarts[line - 1] ?? 0) + column - 1;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

const CTE_NAME =
  /(?:\bwith|,)\s+(?:recursive\s+)?`?(\w+)`?\s*(?:\([^()]*\)\s*)?as\s*\(/gi;

const TABLE_NAME = /^(?:`[^`]+`|\w+)(?:\.(?:`[^`]+`|\w+))*$/;

/** The parts of an antlr4ng parse-tree node this module reads. */
interface TreeNode {
  readonly ruleIndex?: number;
  readonly children?: readonly TreeNode[] | null;
  readonly start?: { readonly start: number } | null;
  readonly stop?: { readonly stop: number } | null;
}

/**
 * Thrown from the error listener to stop at the first syntax error: Spark
 * reports only that one, and recovering through a long broken statement
 * costs time for errors nobody reads.
 */
const STOP = new Error('stop at the first syntax error');

/** A table or view name as the grammar's tableName/viewName rules saw it. */
interface NameRef {
  text: string;
  start: number;
  end: number;
}

/**
 * One parse per statement for both errors and references. The library's
 * getAllEntities would parse again, print its errors to the console, and
 * run a listener over every node; collecting the two rules that name
 * tables is several times cheaper.
 */
class SparkSqlAnalyzer extends SparkSQL {
  private nameRules: ReadonlySet<number> | null = null;

  analyze(input: string): { errors: ParseError[]; names: NameRef[] } {
    const errors: ParseError[] = [];
    let tree: TreeNode;
    let ruleNames: readonly string[];
    try {
      const parser = this.createParser(input, error => {
        errors.push(error);
        throw STOP;
      });
      ruleNames = parser.ruleNames;
      tree = parser.program() as TreeNode;
    } catch (error) {
      if (error !== STOP) {
        throw error;
      }
      return { errors, names: [] };
    }
    this.nameRules ??= new Set(
      ['tableName', 'viewName'].map(rule => ruleNames.indexOf(rule))
    );
    const names: NameRef[] = [];
    const stack: TreeNode[] = [tree];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (node.ruleIndex !== undefined && this.nameRules.has(node.ruleIndex)) {
        const start = node.start?.start;
        const stop = node.stop?.stop;
        if (start !== undefined && stop !== undefined) {
          names.push({
            text: input.slice(start, stop + 1),
            start,
            end: stop + 1
          });
        }
      } else if (node.children) {
        for (let i = node.children.length - 1; i >= 0; i--) {
          const child = node.children[i];
          if (child !== undefined) {
            stack.push(child);
          }
        }
      }
    }
    return { errors, names };
  }
}

let parser: SparkSqlAnalyzer | null = null;

/** Results by (sql, params), so re-linting an unchanged cell costs nothing. */
const cache = new Map<string, SqlAnalysis>();
const CACHE_SIZE = 2000;

/** Analyses one stage's SQL. `params` are its sqlParams. */
export function analyzeSql(sql: string, params: SqlParamValues): SqlAnalysis {
  const key = JSON.stringify([sql, params]);
  const cached = cache.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const result = analyzeUncached(sql, params);
  if (cache.size >= CACHE_SIZE) {
    cache.clear();
  }
  cache.set(key, result);
  return result;
}

function analyzeUncached(sql: string, params: SqlParamValues): SqlAnalysis {
  const { text, pieces, missing, used } = substituteParams(sql, params);
  const unusedParams = Object.keys(params).filter(k => !used.has(k));
  parser ??= new SparkSqlAnalyzer();
  const lines = lineStartsOf(text);
  const range = (start: number, end: number): SqlRange => {
    const from = mapBack(pieces, start);
    return { start: from, end: Math.max(mapBackEnd(pieces, end), from + 1) };
  };
  const parsed =
    text.trim() === '' ? { errors: [], names: [] } : parser.analyze(text);
  const syntax = parsed.errors.map(error => ({
    ...range(
      offsetOf(lines, error.startLine, error.startColumn),
      offsetOf(lines, error.endLine, error.endColumn)
    ),
    message: error.message
  }));
  const ctes = new Set(
    [...text.matchAll(CTE_NAME)].map(m => (m[1] ?? '').toLowerCase())
  );
  const tables: SqlTableRef[] = [];
  for (const ref of parsed.names) {
    const name = ref.text.replace(/`/g, '');
    if (TABLE_NAME.test(ref.text) && !ctes.has(name.toLowerCase())) {
      tables.push({ name: ref.text, ...range(ref.start, ref.end) });
    }
  }
  const nondeterministic: SqlFunctionUse[] = [];
  for (const match of stripStrings(sql).matchAll(NONDETERMINISTIC_CALL)) {
    const name = (match[1] ?? match[2] ?? '').toLowerCase();
    if (NONDETERMINISTIC.has(name)) {
      nondeterministic.push({
        name,
        start: match.index,
        end: match.index + name.length
      });
    }
  }
  return {
    missingParams: missing,
    unusedParams,
    syntax,
    tables,
    nondeterministic
  };
}

/** Blanks out string literals and comments, keeping offsets. */
function stripStrings(sql: string): string {
  return sql.replace(
    /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|--[^\n]*|\/\*[\s\S]*?\*\//g,
    m => ' '.repeat(m.length)
  );
}

/** Nondeterministic function calls in any text (e.g. an `%env` value). */
export function nondeterministicCalls(text: string): SqlFunctionUse[] {
  return [...stripStrings(text).matchAll(NONDETERMINISTIC_CALL)].map(m => {
    const name = (m[1] ?? m[2] ?? '').toLowerCase();
    return { name, start: m.index, end: m.index + name.length };
  });
}
