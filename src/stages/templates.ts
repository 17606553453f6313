import { DEFAULT_ENVIRONMENTS } from './magic';

/**
 * A stage a user can insert from "Add stage…".
 */
export interface IStageTemplate {
  /** Arc stage type, e.g. `DelimitedExtract`. */
  type: string;
  /** One line for the picker. */
  description: string;
  /** The cell source for a stage of this type. */
  source(options: ITemplateOptions): string;
}

export interface ITemplateOptions {
  name: string;
  /** The view the stage writes, for stages that write one. */
  outputView: string;
  /** The view the stage reads, for stages that read one; the last view of the notebook when known. */
  inputView: string | null;
  environments?: string[];
}

type Fields = Record<
  string,
  string | boolean | string[] | Record<string, string>
>;

function hoconValue(value: Fields[string], indent: string): string {
  if (typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'string') {
    // HOCON substitutes only outside quotes: `${LAKE}"/raw"`, not `"${LAKE}/raw"`.
    const substitution = /^(\$\{\w+\})(.*)$/s.exec(value);
    return substitution
      ? substitution[1] +
          (substitution[2] ? JSON.stringify(substitution[2]) : '')
      : JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(v => JSON.stringify(v)).join(', ')}]`;
  }
  const inner = Object.entries(value)
    .map(([k, v]) => `${indent}  ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(',\n');
  return `{\n${inner}\n${indent}}`;
}

/**
 * A plain HOCON stage cell: Arc reads a code cell holding one object as a stage.
 */
function hocon(fields: Fields): string {
  const lines = Object.entries(fields).map(
    ([key, value]) => `  ${JSON.stringify(key)}: ${hoconValue(value, '  ')}`
  );
  return `{\n${lines.join(',\n')}\n}`;
}

function common(type: string, options: ITemplateOptions): Fields {
  return {
    type,
    name: options.name,
    environments: options.environments ?? DEFAULT_ENVIRONMENTS
  };
}

function input(options: ITemplateOptions): string {
  return options.inputView ?? 'input_view';
}

export const STAGE_TEMPLATES: readonly IStageTemplate[] = [
  {
    type: 'DelimitedExtract',
    description: 'Read CSV or other delimited files into a view',
    source: options =>
      hocon({
        ...common('DelimitedExtract', options),
        inputURI: '${LAKE}/raw/*.csv',
        outputView: options.outputView,
        delimiter: 'Comma',
        quote: 'DoubleQuote',
        header: true,
        persist: false
      })
  },
  {
    type: 'ParquetExtract',
    description: 'Read Parquet files into a view',
    source: options =>
      hocon({
        ...common('ParquetExtract', options),
        inputURI: '${LAKE}/raw/*.parquet',
        outputView: options.outputView,
        persist: false
      })
  },
  {
    type: 'DeltaLakeExtract',
    description: 'Read a Delta Lake table into a view',
    source: options =>
      hocon({
        ...common('DeltaLakeExtract', options),
        inputURI: '${LAKE}/delta/table',
        outputView: options.outputView
      })
  },
  {
    type: 'TypingTransform',
    description: 'Apply an Arc schema to a view of strings',
    source: options =>
      hocon({
        ...common('TypingTransform', options),
        schemaURI: '${ETL_CONF_BASE_URL}/schema/table.json',
        inputView: input(options),
        outputView: options.outputView,
        persist: false
      })
  },
  {
    type: 'SQLValidate',
    description: 'Fail the job when a SQL check does not hold',
    source: options =>
      `%sqlvalidate name=${JSON.stringify(options.name)} environments=${(
        options.environments ?? DEFAULT_ENVIRONMENTS
      ).join(',')}\n` +
      `SELECT\n  COUNT(*) = 0 AS valid,\n` +
      `  TO_JSON(NAMED_STRUCT('invalid_rows', COUNT(*))) AS message\n` +
      `FROM ${input(options)}\nWHERE id IS NULL`
  },
  {
    type: 'DeltaLakeLoad',
    description: 'Write a view to a Delta Lake table',
    source: options =>
      hocon({
        ...common('DeltaLakeLoad', options),
        inputView: input(options),
        outputURI: '${LAKE}/delta/table',
        saveMode: 'Overwrite'
      })
  },
  {
    type: 'JDBCExecute',
    description: 'Run a SQL statement against a database over JDBC',
    source: options =>
      hocon({
        ...common('JDBCExecute', options),
        jdbcURL: '${JDBC_URL}',
        inputURI: '${ETL_CONF_BASE_URL}/sql/statement.sql',
        params: {}
      })
  }
];
