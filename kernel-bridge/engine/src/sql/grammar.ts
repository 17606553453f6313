/**
 * The parts of dt-sql-parser's Spark SQL parse tree that TreeReader reads:
 * the node shape and the grammar rules by name.
 */

/** The parts of an antlr4ng parse-tree node this module reads. */
export interface TreeNode {
  readonly ruleIndex?: number;
  readonly children?: readonly TreeNode[] | null;
  readonly start?: { readonly start: number } | null;
  readonly stop?: { readonly stop: number } | null;
  /** The token of a terminal node. */
  readonly symbol?: { readonly text?: string | undefined } | null;
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

export type Rule = (typeof RULES)[number];
export type RuleIndex = Readonly<Record<Rule, number>>;

export function ruleIndex(ruleNames: readonly string[]): RuleIndex {
  const missing = RULES.filter(rule => !ruleNames.includes(rule));
  if (missing.length > 0) {
    // A dt-sql-parser upgrade renamed rules this module reads.
    throw new Error(`the Spark SQL grammar has no rule ${missing.join(', ')}`);
  }
  return Object.fromEntries(
    RULES.map(rule => [rule, ruleNames.indexOf(rule)])
  ) as Record<Rule, number>;
}
