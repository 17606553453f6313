/** The public types of the Spark SQL analysis (see ./index.ts). */

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
