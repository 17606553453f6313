/**
 * Pure Spark SQL analysis of a stage's `sql`: Arc's `${k}` parameters,
 * syntax errors from a real Spark SQL grammar (dt-sql-parser's SparkSQL),
 * the tables and views a statement reads and writes, and the columns of its
 * result as far as the text alone tells. No I/O, no node: imports.
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
  /**
   * For Spark's SQL on files (`delta.\`s3a://lake/t\``): the path as written
   * between the backticks, `${…}` placeholders kept; null for a table or view.
   */
  path: string | null;
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
  /** Tables and views read (including a MERGE's USING source), CTE names excluded. */
  tables: SqlTableRef[];
  /** Tables written: the target of MERGE INTO, INSERT, UPDATE and DELETE FROM. */
  writes: SqlTableRef[];
  /** Tables and views the statement creates (CREATE VIEW, CREATE TABLE); also in `writes`. */
  creates: SqlTableRef[];
  /** Functions whose result changes from run to run. */
  nondeterministic: SqlFunctionUse[];
  /**
   * The result's columns, in order, when the statement is a single query
   * that parses; null for anything else (MERGE, INSERT, DDL, syntax errors).
   */
  columns: SqlColumn[] | null;
}

/** Where a query takes columns from, as far as the SQL text tells. */
export type SqlRelation =
  /** A table or view by name: its unquoted parts (`db`, `t`). */
  | { kind: 'table'; name: readonly string[] }
  /** A subquery, a CTE, or a relation renamed by a column list `t(a, b)`. */
  | { kind: 'query'; columns: readonly SqlColumn[] }
  /** A table function, VALUES, a parenthesised join: columns not known. */
  | { kind: 'unknown' };

/** One column (or `*`) of a SELECT list. */
export type SqlColumn =
  /**
   * A name Spark is certain to give: an alias, or the last part of a column
   * reference, which `from` may spell differently (Spark keeps the source's
   * spelling of a column it only passes through).
   */
  | { kind: 'named'; name: string; from: readonly SqlRelation[] }
  /** `*` or `t.*`: every column of these relations, in order. */
  | { kind: 'all'; from: readonly SqlRelation[] }
  /** An expression without an alias: Spark makes a name up (`upper(name)`). */
  | { kind: 'unnamed' }
  /** Any number of columns: `*` after a PIVOT, a LATERAL VIEW or USING, a struct's `s.*`. */
  | { kind: 'unknown' };

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

/** Prefix of the identifier that stands for a value Arc only knows at run time. */
const LATE_BOUND = '__arcade_param_';

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
      const value = (known ? params[name] : null) ?? `${LATE_BOUND}${name}`;
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

/** `text` with each `${k}` placeholder replaced by `value(k)`, where that is not null. */
export function fillParams(
  text: string,
  value: (name: string) => string | null
): string {
  return text.replace(
    PLACEHOLDER,
    (match, _before, name: string) => value(name) ?? match
  );
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

/** The parts of an antlr4ng parse-tree node this module reads. */
interface TreeNode {
  readonly ruleIndex?: number;
  readonly children?: readonly TreeNode[] | null;
  readonly start?: { readonly start: number } | null;
  readonly stop?: { readonly stop: number } | null;
  /** The token of a terminal node. */
  readonly symbol?: { readonly text?: string | undefined } | null;
}

/**
 * Thrown from the error listener to stop at the first syntax error: Spark
 * reports only that one, and recovering through a long broken statement
 * costs time for errors nobody reads.
 */
const STOP = new Error('stop at the first syntax error');

/** A table or view name as the grammar's rules saw it. */
interface NameRef {
  text: string;
  start: number;
  end: number;
  write: boolean;
  /** The statement creates it: CREATE VIEW / CREATE TABLE. */
  create: boolean;
}

const RULES = [
  'program',
  'singleStatement',
  'statement',
  'query',
  'ctes',
  'namedQuery',
  'queryTerm',
  'queryPrimary',
  'querySpecification',
  'selectClause',
  'selectList',
  'namedExpressionSeq',
  'namedExpression',
  'tableAllColumns',
  'selectLiteralColumnName',
  'selectExpressionColumnName',
  'columnName',
  'columnNamePath',
  'multipartIdentifierAllowEmpty',
  'multipartIdentifier',
  'errorCapturingIdentifier',
  'errorCapturingIdentifierExtra',
  'strictIdentifier',
  'identifierList',
  'identifierSeq',
  'expression',
  'booleanExpression',
  'valueExpression',
  'primaryExpression',
  'fromClause',
  'relation',
  'relationPrimary',
  'joinRelation',
  'joinType',
  'joinCriteria',
  'tableAlias',
  'lateralView',
  'pivotClause',
  'unPivotClause',
  'atomSubQueryTableSource',
  'functionTable',
  'tableName',
  'tableIdentifier',
  'viewName',
  'viewIdentifier',
  'identifierReference',
  'insertInto',
  'dmlStatementNoWith',
  'tableNameCreate',
  'viewNameCreate'
] as const;

type Rule = (typeof RULES)[number];
type RuleIndex = Readonly<Record<Rule, number>>;

const UNKNOWN_RELATION: SqlRelation = { kind: 'unknown' };
const UNKNOWN_COLUMN: SqlColumn = { kind: 'unknown' };
const UNNAMED_COLUMN: SqlColumn = { kind: 'unnamed' };

/**
 * An identifier's name: backticks removed; null for a double-quoted one (a
 * string in Spark's default mode) and for a parameter known only at run time.
 */
function unquote(text: string): string | null {
  let name: string | null = text;
  if (text.startsWith('`')) {
    name =
      text.length >= 2 && text.endsWith('`')
        ? text.slice(1, -1).replace(/``/g, '`')
        : null;
  } else if (text === '' || text.startsWith('"')) {
    name = null;
  }
  return name === null || name.includes(LATE_BOUND) ? null : name;
}

/** A relation in a FROM clause and the names that qualify its columns (lower case). */
interface Source {
  relation: SqlRelation;
  names: string[];
  /** False for the right side of a semi or anti join, whose columns `*` leaves out. */
  inStar: boolean;
}

interface FromScope {
  sources: Source[];
  /** False when `*` gives columns the relations alone do not tell (PIVOT, LATERAL VIEW, USING, NATURAL). */
  starKnown: boolean;
}

/** Reads one parse tree: the names it reads and writes, and its result's columns. */
class TreeReader {
  constructor(
    private readonly rules: RuleIndex,
    private readonly input: string
  ) {}

  private is(node: TreeNode | undefined, rule: Rule): boolean {
    return node?.ruleIndex === this.rules[rule];
  }

  private child(node: TreeNode | undefined, rule: Rule): TreeNode | undefined {
    return node?.children?.find(c => c.ruleIndex === this.rules[rule]);
  }

  private all(node: TreeNode | undefined, rule: Rule): TreeNode[] {
    return node?.children?.filter(c => c.ruleIndex === this.rules[rule]) ?? [];
  }

  /** The only child of `node`, if it is a `rule`. */
  private only(node: TreeNode | undefined, rule: Rule): TreeNode | undefined {
    const children = node?.children;
    return children?.length === 1 && this.is(children[0], rule)
      ? children[0]
      : undefined;
  }

  private hasToken(node: TreeNode | undefined, word: string): boolean {
    return (
      node?.children?.some(c => c.symbol?.text?.toUpperCase() === word) === true
    );
  }

  private text(node: TreeNode): string {
    const start = node.start?.start;
    const stop = node.stop?.stop;
    return start === undefined || stop === undefined
      ? ''
      : this.input.slice(start, stop + 1);
  }

  /** An errorCapturingIdentifier's or strictIdentifier's name; null for `a-b` or a quoted string. */
  private name(node: TreeNode | undefined): string | null {
    if (node === undefined) {
      return null;
    }
    const extra = this.child(node, 'errorCapturingIdentifierExtra');
    if ((extra?.children?.length ?? 0) > 0) {
      return null;
    }
    return unquote(this.text(node));
  }

  /** The names of a multipartIdentifier, tableIdentifier or viewIdentifier; null if one is not plain. */
  private parts(node: TreeNode | undefined): string[] | null {
    const names = this.all(node, 'errorCapturingIdentifier').map(part =>
      this.name(part)
    );
    return names.length === 0 || names.includes(null)
      ? null
      : (names as string[]);
  }

  /** Table, view and MERGE source names, each marked read or write. */
  names(tree: TreeNode): NameRef[] {
    const { rules } = this;
    const found: NameRef[] = [];
    const nodes: TreeNode[] = [tree];
    const parents: number[] = [-1];
    for (let node = nodes.pop(); node !== undefined; node = nodes.pop()) {
      const parent = parents.pop() ?? -1;
      const rule = node.ruleIndex;
      const isCreate =
        rule === rules.tableNameCreate || rule === rules.viewNameCreate;
      const isName =
        isCreate ||
        rule === rules.tableName ||
        rule === rules.viewName ||
        (rule === rules.identifierReference &&
          parent === rules.dmlStatementNoWith);
      if (isName) {
        const start = node.start?.start;
        const stop = node.stop?.stop;
        // A LATERAL VIEW's generator function parses as a view name.
        if (
          start !== undefined &&
          stop !== undefined &&
          parent !== rules.lateralView
        ) {
          found.push({
            text: this.input.slice(start, stop + 1),
            start,
            end: stop + 1,
            // MERGE, UPDATE and DELETE name their target directly, INSERT in insertInto.
            write:
              isCreate ||
              (rule !== rules.identifierReference &&
                (parent === rules.dmlStatementNoWith ||
                  parent === rules.insertInto)),
            create: isCreate
          });
        }
      } else if (node.children) {
        for (let i = node.children.length - 1; i >= 0; i--) {
          const child = node.children[i];
          if (child !== undefined) {
            nodes.push(child);
            parents.push(rule ?? -1);
          }
        }
      }
    }
    return found;
  }

  /** The columns of a program that is one query statement, else null. */
  columns(tree: TreeNode): SqlColumn[] | null {
    const statements = this.all(tree, 'singleStatement');
    const query = this.only(statements[0]?.children?.[0], 'query');
    return statements.length === 1 && query !== undefined
      ? this.queryColumns(query, new Map())
      : null;
  }

  private queryColumns(
    query: TreeNode,
    scope: ReadonlyMap<string, SqlRelation>
  ): SqlColumn[] {
    let inner = scope;
    for (const named of this.all(this.child(query, 'ctes'), 'namedQuery')) {
      const name = this.name(this.child(named, 'errorCapturingIdentifier'));
      const body = this.child(named, 'query');
      const relation = this.renamed(
        body === undefined
          ? UNKNOWN_RELATION
          : { kind: 'query', columns: this.queryColumns(body, inner) },
        this.child(named, 'identifierList')
      );
      if (name !== null) {
        inner = new Map(inner).set(name.toLowerCase(), relation);
      }
    }
    const term = this.child(query, 'queryTerm');
    return term === undefined
      ? [UNKNOWN_COLUMN]
      : this.termColumns(term, inner);
  }

  /** A set operation (UNION, EXCEPT, INTERSECT) takes its names from its first query. */
  private termColumns(
    term: TreeNode,
    scope: ReadonlyMap<string, SqlRelation>
  ): SqlColumn[] {
    let first = term;
    for (
      let left = this.child(first, 'queryTerm');
      left !== undefined;
      left = this.child(first, 'queryTerm')
    ) {
      first = left;
    }
    const primary = this.child(first, 'queryPrimary');
    const spec = this.child(primary, 'querySpecification');
    if (spec !== undefined) {
      return this.specColumns(spec, scope);
    }
    const nested = this.child(primary, 'query');
    if (nested !== undefined) {
      return this.queryColumns(nested, scope);
    }
    const table = this.child(primary, 'tableName');
    if (table !== undefined) {
      return [{ kind: 'all', from: [this.tableRelation(table, scope)] }];
    }
    return [UNKNOWN_COLUMN];
  }

  private specColumns(
    spec: TreeNode,
    scope: ReadonlyMap<string, SqlRelation>
  ): SqlColumn[] {
    const select = this.child(spec, 'selectClause');
    const list = this.child(
      this.child(select, 'selectList'),
      'namedExpressionSeq'
    );
    if (list === undefined) {
      return [UNKNOWN_COLUMN];
    }
    const fromClause = this.child(spec, 'fromClause');
    const from: FromScope =
      fromClause === undefined
        ? { sources: [], starKnown: false }
        : this.fromScope(fromClause, scope);
    if (this.child(spec, 'lateralView') !== undefined) {
      from.starKnown = false;
    }
    return this.all(list, 'namedExpression').flatMap(named =>
      this.namedColumns(named, from)
    );
  }

  private fromScope(
    fromClause: TreeNode,
    scope: ReadonlyMap<string, SqlRelation>
  ): FromScope {
    const from: FromScope = { sources: [], starKnown: true };
    for (const child of fromClause.children ?? []) {
      if (this.is(child, 'relation')) {
        const table = this.child(child, 'tableName');
        if (table !== undefined) {
          from.sources.push(this.tableSource(table, scope));
          continue;
        }
        from.sources.push(
          this.primarySource(this.child(child, 'relationPrimary'), scope)
        );
        for (const part of child.children ?? []) {
          if (this.is(part, 'joinRelation')) {
            const type = this.child(part, 'joinType');
            const criteria = this.child(part, 'joinCriteria');
            if (
              this.hasToken(part, 'NATURAL') ||
              this.hasToken(criteria, 'USING')
            ) {
              // Spark merges the join columns into one, first.
              from.starKnown = false;
            }
            const right = this.primarySource(
              this.child(part, 'relationPrimary'),
              scope
            );
            right.inStar =
              !this.hasToken(type, 'SEMI') && !this.hasToken(type, 'ANTI');
            from.sources.push(right);
          } else if (
            this.is(part, 'pivotClause') ||
            this.is(part, 'unPivotClause')
          ) {
            from.starKnown = false;
          }
        }
      } else if (
        this.is(child, 'lateralView') ||
        this.is(child, 'pivotClause') ||
        this.is(child, 'unPivotClause')
      ) {
        from.starKnown = false;
      }
    }
    return from;
  }

  private tableRelation(
    table: TreeNode,
    scope: ReadonlyMap<string, SqlRelation>
  ): SqlRelation {
    const name = this.parts(
      this.child(table, 'tableIdentifier') ??
        this.child(table, 'viewIdentifier')
    );
    if (name === null) {
      return UNKNOWN_RELATION;
    }
    const cte =
      name.length === 1 ? scope.get((name[0] ?? '').toLowerCase()) : undefined;
    return cte ?? { kind: 'table', name };
  }

  /** A table named without an alias is qualified by its name or its last part. */
  private tableSource(
    table: TreeNode,
    scope: ReadonlyMap<string, SqlRelation>
  ): Source {
    const relation = this.tableRelation(table, scope);
    const name = this.parts(
      this.child(table, 'tableIdentifier') ??
        this.child(table, 'viewIdentifier')
    );
    const names =
      name === null
        ? []
        : [name.join('.').toLowerCase(), (name.at(-1) ?? '').toLowerCase()];
    return { relation, names, inStar: true };
  }

  private primarySource(
    primary: TreeNode | undefined,
    scope: ReadonlyMap<string, SqlRelation>
  ): Source {
    const table =
      this.child(primary, 'tableName') ?? this.child(primary, 'viewName');
    const subquery = this.child(
      this.child(primary, 'atomSubQueryTableSource'),
      'query'
    );
    let source: Source;
    if (table !== undefined) {
      source = this.tableSource(table, scope);
    } else if (subquery !== undefined) {
      source = {
        relation: {
          kind: 'query',
          columns: this.queryColumns(subquery, scope)
        },
        names: [],
        inStar: true
      };
    } else {
      source = { relation: UNKNOWN_RELATION, names: [], inStar: true };
    }
    const alias =
      this.child(primary, 'tableAlias') ??
      this.child(this.child(primary, 'functionTable'), 'tableAlias');
    const aliasName = this.child(alias, 'strictIdentifier');
    if (aliasName !== undefined) {
      const name = this.name(aliasName);
      source.names = name === null ? [] : [name.toLowerCase()];
    }
    source.relation = this.renamed(
      source.relation,
      this.child(alias, 'identifierList')
    );
    return source;
  }

  /** A relation with a column list `(a, b)` has exactly those names. */
  private renamed(
    relation: SqlRelation,
    list: TreeNode | undefined
  ): SqlRelation {
    if (list === undefined) {
      return relation;
    }
    const names = this.parts(this.child(list, 'identifierSeq'));
    return names === null
      ? UNKNOWN_RELATION
      : {
          kind: 'query',
          columns: names.map(name => ({ kind: 'named', name, from: [] }))
        };
  }

  private namedColumns(named: TreeNode, from: FromScope): SqlColumn[] {
    const star = this.child(named, 'tableAllColumns');
    if (star !== undefined) {
      return [this.starColumn(star, from)];
    }
    const alias = this.child(named, 'errorCapturingIdentifier');
    if (alias !== undefined) {
      const name = this.name(alias);
      return [
        name === null ? UNNAMED_COLUMN : { kind: 'named', name, from: [] }
      ];
    }
    const expression = this.child(named, 'selectExpressionColumnName');
    const list = this.child(named, 'identifierList');
    if (list !== undefined) {
      // `explode(m) AS (k, v)`; without AS, `sum(a)` may have parsed as column `sum` aliased (a).
      const names = this.hasToken(named, 'AS')
        ? this.parts(this.child(list, 'identifierSeq'))
        : null;
      return names === null || expression === undefined
        ? [UNNAMED_COLUMN]
        : names.map(name => ({ kind: 'named', name, from: [] }));
    }
    const reference =
      this.child(
        this.child(this.child(named, 'selectLiteralColumnName'), 'columnName'),
        'multipartIdentifierAllowEmpty'
      ) ??
      this.only(
        this.only(
          this.only(
            this.only(this.only(expression, 'expression'), 'booleanExpression'),
            'valueExpression'
          ),
          'primaryExpression'
        ),
        'columnNamePath'
      );
    const parts = this.parts(this.only(reference, 'multipartIdentifier'));
    const name = parts?.at(-1);
    if (parts === null || name === undefined) {
      return [UNNAMED_COLUMN];
    }
    // `t.col` names a relation's column; `c.address.city`, a struct's field.
    const qualifier = parts.slice(0, -1).join('.').toLowerCase();
    const qualified = from.sources.filter(s => s.names.includes(qualifier));
    const sources =
      parts.length === 1
        ? from.sources.filter(s => s.inStar)
        : qualified.length === 1
          ? qualified
          : [];
    return [{ kind: 'named', name, from: sources.map(s => s.relation) }];
  }

  private starColumn(star: TreeNode, from: FromScope): SqlColumn {
    const qualifier = this.text(star)
      .replace(/\s*\.\s*\*$/, '')
      .replace(/^\*$/, '');
    if (qualifier === '') {
      return from.starKnown && from.sources.length > 0
        ? {
            kind: 'all',
            from: from.sources.filter(s => s.inStar).map(s => s.relation)
          }
        : UNKNOWN_COLUMN;
    }
    const parts = qualifier.split(/\s*\.\s*/).map(unquote);
    if (parts.includes(null)) {
      return UNKNOWN_COLUMN;
    }
    const key = parts.join('.').toLowerCase();
    const matches = from.sources.filter(s => s.names.includes(key));
    // No relation by that name: `s.*` expands a struct column.
    return matches.length === 1 && matches[0] !== undefined
      ? { kind: 'all', from: [matches[0].relation] }
      : UNKNOWN_COLUMN;
  }
}

function ruleIndex(ruleNames: readonly string[]): RuleIndex {
  const missing = RULES.filter(rule => !ruleNames.includes(rule));
  if (missing.length > 0) {
    // A dt-sql-parser upgrade renamed rules this module reads.
    throw new Error(`the Spark SQL grammar has no rule ${missing.join(', ')}`);
  }
  return Object.fromEntries(
    RULES.map(rule => [rule, ruleNames.indexOf(rule)])
  ) as Record<Rule, number>;
}

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
