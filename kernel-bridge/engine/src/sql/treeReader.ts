import type { Rule, RuleIndex, TreeNode } from './grammar';
import { LATE_BOUND } from './params';
import type { SqlColumn, SqlRelation } from './types';

/** A table or view name as the grammar's rules saw it. */
export interface NameRef {
  text: string;
  start: number;
  end: number;
  write: boolean;
  /** The statement creates it: CREATE VIEW / CREATE TABLE. */
  create: boolean;
}

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
export class TreeReader {
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
