/**
 * New stage cells: the templates of "Add stage…" and the `%sql` stage of
 * "Add SQL stage". Each is a fixed skeleton (the stage type and example
 * fields, `${LAKE}`-style substitutions written outside quotes so HOCON
 * resolves them); the values a user gives (name, views, environments) are
 * set by writeStageOptions, so they are quoted and escaped as Arc reads
 * them back, or refused with a StageOptionsError.
 */
import { DEFAULT_ENVIRONMENTS } from './environments';
import { StageOptionsError, writeStageOptions } from './options';
import { analyzeSql } from './sql';
import type { OptionValue } from './types';

export interface StageTemplateOptions {
  name: string;
  /** The view the stage writes, for stages that write one. */
  outputView: string;
  /** The view the stage reads, for stages that read one; the last view of the notebook when known. */
  inputView: string | null;
  /** The project's environments; DEFAULT_ENVIRONMENTS when not given. */
  environments?: readonly string[];
}

/** A stage a user can insert from "Add stage…". */
export interface StageTemplate {
  /** Arc stage type, e.g. `DelimitedExtract`. */
  readonly type: string;
  /** One line for the picker. */
  readonly description: string;
  /** The cell source for a stage of this type. Throws StageOptionsError for a value Arc would misread. */
  readonly source: (options: StageTemplateOptions) => string;
}

/** Which of the user's views a skeleton takes, besides name and environments. */
type ViewKey = 'outputView' | 'inputView';

/** The view a template reads when the notebook has none yet. */
const INPUT_VIEW = 'input_view';

/** The view the `%sql` stage reads when the notebook has none yet. */
const SQL_INPUT_VIEW = 'source_view';

function environments(options: StageTemplateOptions): string[] {
  return [...(options.environments ?? DEFAULT_ENVIRONMENTS)];
}

/** The skeleton with the user's values written by the options writer. */
function fill(
  skeleton: string,
  options: StageTemplateOptions,
  views: readonly ViewKey[],
  defaultInput: string
): string {
  const changes: Record<string, OptionValue> = { name: options.name };
  for (const key of views) {
    changes[key] =
      key === 'outputView'
        ? options.outputView
        : (options.inputView ?? defaultInput);
  }
  changes.environments = environments(options);
  return writeStageOptions(skeleton, changes);
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `text` after FROM makes Spark SQL read exactly the view `view`. */
function readsView(text: string, view: string): boolean {
  const analysis = analyzeSql(`SELECT *\nFROM ${text}`, {});
  const column = analysis.columns?.[0];
  const from = column?.kind === 'all' ? column.from : [];
  const relation = from[0];
  return (
    analysis.syntax.length === 0 &&
    analysis.missingParams.length === 0 &&
    from.length === 1 &&
    relation?.kind === 'table' &&
    relation.name.length === 1 &&
    relation.name[0] === view
  );
}

/**
 * The view's name in Spark SQL: as it is when it is a plain identifier Spark
 * reads as that view, else between backticks (`` ` `` doubled). Checked
 * with the engine's own Spark SQL parser.
 */
export function sqlViewName(view: string): string {
  const quoted = `\`${view.replace(/`/g, '``')}\``;
  for (const text of PLAIN_NAME.test(view) ? [view, quoted] : [quoted]) {
    if (readsView(text, view)) {
      return text;
    }
  }
  throw new StageOptionsError(
    `inputView: Spark SQL cannot read the view ${JSON.stringify(view)} by name in a %sql cell (Arc substitutes \${…} in the SQL); pick another view`,
    { key: 'inputView' }
  );
}

/** A `%sql`/`%sqlvalidate` stage: the magic, its SQL reading the input view, the user's options on the magic line. */
function sqlCell(
  magic: string,
  sql: (view: string) => string,
  views: readonly ViewKey[],
  defaultInput: string
): (options: StageTemplateOptions) => string {
  return options =>
    fill(
      `${magic}\n${sql(sqlViewName(options.inputView ?? defaultInput))}`,
      options,
      views,
      defaultInput
    );
}

/** A plain HOCON stage cell (Arc reads a code cell holding one object as a stage). */
function hoconCell(
  skeleton: string,
  views: readonly ViewKey[]
): (options: StageTemplateOptions) => string {
  return options => fill(skeleton, options, views, INPUT_VIEW);
}

/**
 * The source of a new `%sql` stage cell: `SELECT *` from the input view
 * (`source_view` when the notebook has none).
 */
export const sqlStageSource: (options: StageTemplateOptions) => string =
  sqlCell(
    '%sql',
    view => `SELECT *\nFROM ${view}`,
    ['outputView'],
    SQL_INPUT_VIEW
  );

export const STAGE_TEMPLATES: readonly StageTemplate[] = [
  {
    type: 'DelimitedExtract',
    description: 'Read CSV or other delimited files into a view',
    source: hoconCell(
      `{
  "type": "DelimitedExtract",
  "name": "",
  "environments": [],
  "inputURI": \${LAKE}"/raw/*.csv",
  "outputView": "",
  "delimiter": "Comma",
  "quote": "DoubleQuote",
  "header": true,
  "persist": false
}`,
      ['outputView']
    )
  },
  {
    type: 'ParquetExtract',
    description: 'Read Parquet files into a view',
    source: hoconCell(
      `{
  "type": "ParquetExtract",
  "name": "",
  "environments": [],
  "inputURI": \${LAKE}"/raw/*.parquet",
  "outputView": "",
  "persist": false
}`,
      ['outputView']
    )
  },
  {
    type: 'DeltaLakeExtract',
    description: 'Read a Delta Lake table into a view',
    source: hoconCell(
      `{
  "type": "DeltaLakeExtract",
  "name": "",
  "environments": [],
  "inputURI": \${LAKE}"/delta/table",
  "outputView": ""
}`,
      ['outputView']
    )
  },
  {
    type: 'TypingTransform',
    description: 'Apply an Arc schema to a view of strings',
    source: hoconCell(
      `{
  "type": "TypingTransform",
  "name": "",
  "environments": [],
  "schemaURI": \${ETL_CONF_BASE_URL}"/schema/table.json",
  "inputView": "",
  "outputView": "",
  "persist": false
}`,
      ['inputView', 'outputView']
    )
  },
  {
    type: 'SQLValidate',
    description: 'Fail the job when a SQL check does not hold',
    source: sqlCell(
      '%sqlvalidate',
      view =>
        'SELECT\n  COUNT(*) = 0 AS valid,\n' +
        "  TO_JSON(NAMED_STRUCT('invalid_rows', COUNT(*))) AS message\n" +
        `FROM ${view}\nWHERE id IS NULL`,
      [],
      INPUT_VIEW
    )
  },
  {
    type: 'DeltaLakeLoad',
    description: 'Write a view to a Delta Lake table',
    source: hoconCell(
      `{
  "type": "DeltaLakeLoad",
  "name": "",
  "environments": [],
  "inputView": "",
  "outputURI": \${LAKE}"/delta/table",
  "saveMode": "Overwrite"
}`,
      ['inputView']
    )
  },
  {
    type: 'JDBCExecute',
    description: 'Run a SQL statement against a database over JDBC',
    source: hoconCell(
      `{
  "type": "JDBCExecute",
  "name": "",
  "environments": [],
  "jdbcURL": \${JDBC_URL},
  "inputURI": \${ETL_CONF_BASE_URL}"/sql/statement.sql",
  "params": {}
}`,
      []
    )
  }
];
