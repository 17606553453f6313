/**
 * Pure Spark SQL analysis of a stage's `sql`: Arc's `${k}` parameters,
 * syntax errors from a real Spark SQL grammar (dt-sql-parser's SparkSQL),
 * the tables and views a statement reads and writes, and the columns of its
 * result as far as the text alone tells. No I/O, no node: imports.
 *
 * Arc's parameter substitution is in ./params.ts, the walk over the parse
 * tree in ./treeReader.ts, the public types in ./types.ts.
 */
import { SparkSQL, type ParseError } from 'dt-sql-parser';
import { ruleIndex, type RuleIndex, type TreeNode } from './grammar';
import {
  lineStartsOf,
  mapBack,
  mapBackEnd,
  offsetOf,
  substituteParams
} from './params';
import { TreeReader, type NameRef } from './treeReader';
import type {
  SqlAnalysis,
  SqlColumn,
  SqlFunctionUse,
  SqlParamValues,
  SqlRange,
  SqlTableRef
} from './types';

export { fillParams, substituteParams } from './params';
export type {
  SqlAnalysis,
  SqlColumn,
  SqlFunctionUse,
  SqlParamUse,
  SqlParamValues,
  SqlRange,
  SqlRelation,
  SqlSyntaxProblem,
  SqlTableRef
} from './types';

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

const CTE_NAME =
  /(?:\bwith|,)\s+(?:recursive\s+)?`?(\w+)`?\s*(?:\([^()]*\)\s*)?as\s*\(/gi;

const TABLE_NAME = /^(?:`[^`]+`|\w+)(?:\.(?:`[^`]+`|\w+))*$/;

/** `format.\`path\``: Spark reads (and Delta writes) the files at the path. */
const PATH_NAME = /^\s*(\w+)\s*\.\s*`((?:[^`]|``)*)`\s*$/;

/** Data sources whose `format.\`path\`` Spark reads as files, not as a table in a database. */
const FILE_FORMATS = new Set([
  'delta',
  'parquet',
  'orc',
  'json',
  'csv',
  'text',
  'avro',
  'binaryfile'
]);

/**
 * Thrown from the error listener to stop at the first syntax error: Spark
 * reports only that one, and recovering through a long broken statement
 * costs time for errors nobody reads.
 */
const STOP = new Error('stop at the first syntax error');

/**
 * One parse per statement for errors, references and columns. The
 * library's getAllEntities would parse again, print its errors to the
 * console, and run a listener over every node; walking the parse tree
 * once for the rules that name tables is several times cheaper.
 */
class SparkSqlAnalyzer extends SparkSQL {
  private rules: RuleIndex | null = null;

  analyze(source: string): {
    errors: ParseError[];
    names: NameRef[];
    columns: SqlColumn[] | null;
  } {
    const input = withoutTempKeyword(source);
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
      return { errors, names: [], columns: null };
    }
    this.rules ??= ruleIndex(ruleNames);
    const reader = new TreeReader(this.rules, input);
    return { errors, names: reader.names(tree), columns: reader.columns(tree) };
  }
}

/** `CREATE [OR REPLACE] [GLOBAL] TEMP VIEW`: Spark takes TEMP for TEMPORARY, the grammar does not. */
const TEMP_VIEW =
  /(\bCREATE\s+(?:OR\s+REPLACE\s+)?)((?:GLOBAL\s+)?TEMP)(\s+VIEW\b)/gi;

/**
 * The statement as the grammar can parse it, with every offset unchanged:
 * `[GLOBAL] TEMP` of a temporary view is blanked out, which leaves a view
 * the grammar knows, with the same names read and created.
 */
function withoutTempKeyword(sql: string): string {
  return sql.replace(
    TEMP_VIEW,
    (_, before: string, temp: string, after: string) =>
      `${before}${' '.repeat(temp.length)}${after}`
  );
}

let parser: SparkSqlAnalyzer | null = null;

/**
 * Results by (sql, params), so re-linting an unchanged cell costs nothing.
 * Least recently used entries go first: typing in one cell adds an entry per
 * keystroke, and must not push out the notebook's other cells.
 */
const cache = new Map<string, SqlAnalysis>();
const CACHE_SIZE = 2000;

/** Analyses one stage's SQL. `params` are its sqlParams. */
export function analyzeSql(sql: string, params: SqlParamValues): SqlAnalysis {
  const key = JSON.stringify([sql, params]);
  const cached = cache.get(key);
  if (cached !== undefined) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const result = analyzeUncached(sql, params);
  if (cache.size >= CACHE_SIZE) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) {
      cache.delete(oldest.value);
    }
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
    text.trim() === ''
      ? { errors: [], names: [], columns: null }
      : parser.analyze(text);
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
  const writes: SqlTableRef[] = [];
  const creates: SqlTableRef[] = [];
  for (const ref of parsed.names) {
    const name = ref.text.replace(/`/g, '');
    if (
      !TABLE_NAME.test(ref.text) ||
      (!ref.write && ctes.has(name.toLowerCase()))
    ) {
      continue;
    }
    const at = range(ref.start, ref.end);
    const file = PATH_NAME.exec(ref.text);
    let path: string | null = null;
    if (file !== null && FILE_FORMATS.has((file[1] ?? '').toLowerCase())) {
      // As written when the backticks are in the cell, else as substituted.
      const written = PATH_NAME.exec(sql.slice(at.start, at.end));
      path = (written?.[2] ?? file[2] ?? '').replace(/``/g, '`');
    }
    (ref.write ? writes : tables).push({ name: ref.text, path, ...at });
    if (ref.create) {
      creates.push({ name: ref.text, path, ...at });
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
    writes,
    creates,
    nondeterministic,
    columns: parsed.columns
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
