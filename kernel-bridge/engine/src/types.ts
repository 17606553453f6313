/**
 * Request and response types of the stages slice (`arcade compile`,
 * `POST /api/stages/compile`). Types only: the frontend imports them.
 */

/** A JSON value as the compiled job carries it. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type JsonObject = Record<string, JsonValue>;

/**
 * The Arc job a notebook compiles to, exactly as Arc sees it after HOCON
 * parsing. Substitutions without a supplied value stay explicit:
 * `${LAKE}` is `{"$subst": "LAKE"}`, `${?LAKE}` is
 * `{"$subst": "LAKE", "optional": true}`, and a concatenation with an
 * unresolved part is `{"$concat": ["s3a://", {"$subst": "LAKE"}, "/raw"]}`.
 */
export interface ArcJob {
  stages: JsonObject[];
  plugins: {
    config: JsonObject[];
    lifecycle: JsonObject[];
  };
}

/** A place in the notebook: 0-based cell index, 1-based line and column within that cell's source. */
export interface SourceLocation {
  cell: number;
  line: number;
  column: number;
}

/** Which of Arc's cell rules produced a stage. */
export type StageKind =
  | 'hocon'
  | 'arc'
  | 'sql'
  | 'sqlvalidate'
  | 'log'
  | 'configexecute'
  | 'metadatafilter'
  | 'metadatavalidate';

export type PluginKind = 'configplugin' | 'lifecycleplugin';

interface CompiledItemInfo {
  /** Position in `job.stages` (or in the plugin list). */
  index: number;
  /** Index of the source cell among all notebook cells. */
  cell: number;
  /** Index among code cells only: the N of Arc's default name "notebook cell N". */
  codeCell: number;
  /** The magic as written on the first line (e.g. "%sqlvaildate"), null for a plain HOCON cell. */
  magic: string | null;
  /** The `type` field after parsing; null when it is not a plain string. */
  type: string | null;
  /** Where the item starts: the magic line, or the opening brace of the HOCON. */
  location: SourceLocation;
  /** Line in the HOCON document Arc generates from the notebook; Arc's own error line numbers refer to it. */
  jobLine: number;
  /**
   * Where each field was written, by dotted path ("sqlParams.a"). For magic
   * cells, options point at their key=value on the magic line and template
   * fields at the magic; `sql` points at the body.
   */
  fields: Record<string, SourceLocation>;
}

export interface CompiledStageInfo extends CompiledItemInfo {
  kind: StageKind;
  /** The `environments` list when it is a list of plain strings. */
  environments: string[] | null;
}

export interface CompiledPluginInfo extends CompiledItemInfo {
  kind: PluginKind;
}

export type IgnoredReason =
  /** markdown or raw cell */
  | 'not-code'
  /** an interactive-only magic (%env, %conf, %schema, … or any unknown one) */
  | 'interactive-magic'
  /** nothing left after trimming and removing a trailing comma */
  | 'empty'
  /** `source` is a string, not a list of lines: Arc 3.7 reads such a cell as empty */
  | 'source-not-a-list';

export interface IgnoredCellInfo {
  cell: number;
  reason: IgnoredReason;
  magic: string | null;
}

/** `POST /api/stages/compile` */
export interface CompileRequest {
  /** Notebook path relative to the workspace; or give `notebook`. */
  path?: string;
  /** The notebook JSON itself. */
  notebook?: unknown;
  /** Values for substitutions, like Arc's `--KEY=value` arguments. */
  vars?: Record<string, string>;
}

export interface CompileResponse {
  job: ArcJob;
  stages: CompiledStageInfo[];
  plugins: {
    config: CompiledPluginInfo[];
    lifecycle: CompiledPluginInfo[];
  };
  ignored: IgnoredCellInfo[];
  /** Substitution expressions left unresolved, in order of appearance. */
  unresolved: string[];
}

export type LintSeverity = 'error' | 'warning' | 'info';

/** Stable diagnostic codes of `arcade lint` and `POST /api/stages/lint`. */
export type LintCode =
  | 'compile-error'
  | 'unknown-magic'
  | 'stage-never-runs'
  | 'unknown-key'
  | 'missing-key'
  | 'undefined-view'
  | 'view-redefined'
  | 'sql-param-missing'
  | 'sql-param-unused'
  | 'sql-syntax'
  | 'duplicate-id'
  | 'inline-secret'
  | 'nondeterministic-sql'
  | 'sql-file';

/** One finding; positions are 1-based within the cell's source (or the file when `cell` is null). */
export interface LintDiagnostic {
  file: string;
  /** 0-based cell index; null when the problem is in the notebook as a whole. */
  cell: number | null;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity: LintSeverity;
  code: LintCode;
  /** What Arc will do, and how to fix it. */
  message: string;
}

/** `POST /api/stages/lint` */
export interface LintRequest {
  path?: string;
  notebook?: unknown;
  /** Environments the project deploys to; default: the bridge's configured ones. */
  environments?: string[];
}

export interface LintResponse {
  diagnostics: LintDiagnostic[];
}

/**
 * A SQL file a stage names in `inputURI`, as the bridge read it. `uri` is
 * the stage's inputURI as compiled, in the form `sqlFileKey` gives it
 * (`${ETL_CONF_SQL}/check.sql`); the resolved location is never sent.
 */
export type SqlFile =
  | { uri: string; text: string }
  | {
      uri: string;
      text: null;
      /** Why the file was not read, e.g. "s3a:// is read at run time". */
      reason: string;
      /** The file should be in the workspace and is not: Arc would fail the stage if it ran here. */
      missing: boolean;
    };

/**
 * `POST /api/stages/sql-files` {uris}: the SQL files stages read, at most
 * `MAX_SQL_FILES` per request; `${ETL_CONF_…}` substitutions are resolved
 * from the bridge's environment, and only files inside the workspace are read.
 */
export interface SqlFilesRequest {
  uris: string[];
}

/** One entry per requested uri, in the order asked. */
export interface SqlFilesResponse {
  files: SqlFile[];
}

export type LineageNodeKind = 'source' | 'view' | 'sink' | 'table';

export interface LineageNode {
  /** `view:<name>`, `table:<name>`, `source:<uri>` or `sink:<uri>`. */
  id: string;
  kind: LineageNodeKind;
  label: string;
  /** The cell and stage index that creates the node; null for sources and tables. */
  cell: number | null;
  stage: number | null;
  diagnostics: { errors: number; warnings: number };
}

export interface LineageEdge {
  from: string;
  to: string;
  stage: number;
  cell: number;
}

/** `POST /api/stages/lineage` {path | notebook} */
export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
}

/** The magic kinds whose options are on the magic line (`%arc` cells hold HOCON). */
export type MagicStageKind = Exclude<StageKind, 'hocon' | 'arc'>;

/**
 * A value the stage options form writes: text, a number, a flag, or a list
 * of text such as `environments` (a HOCON list, or comma-separated on a
 * magic line).
 */
export type OptionValue = string | number | boolean | string[];

interface StageOptionBase {
  key: string;
  /** The value as written in the cell (on a magic line, with its quotes). */
  raw: string;
  /** Where the option is written in the cell's source, as offsets: `key=value` on a magic line, `key: value` in HOCON (the last one, when a key is set twice). */
  start: number;
  end: number;
  /**
   * Whether Arc copies the option into the stage. False only for magic-line
   * options Arc reads but leaves out, such as `numRows` or `outputView` on
   * `%log`.
   */
  inStage: boolean;
}

export interface EditableStageOption extends StageOptionBase {
  editable: true;
  /** The value as Arc reads it. */
  value: OptionValue;
}

/** An option the form shows as its raw text: a substitution, a concatenation, an object, or a value Arc cannot read. */
export interface ReadOnlyStageOption extends StageOptionBase {
  editable: false;
  /** The value as JSON, substitutions as in `ArcJob`; null when Arc cannot read it. */
  value: JsonValue;
  /** Why Arc cannot read the value, when it cannot. */
  problem?: string;
}

export type StageOption = EditableStageOption | ReadOnlyStageOption;

/** A stage cell written as a magic line (`%sql name=… outputView=…`) and a body. */
export interface MagicStageOptions {
  format: 'magic';
  /** The magic as written, e.g. "%sqlvalidate". */
  magic: string;
  kind: MagicStageKind;
  /** The stage type Arc makes of the cell, e.g. "SQLTransform"; null when the magic line breaks the stage. */
  type: string | null;
  /** The options on the magic line, as Arc's parser reads them (the last of a repeated key wins). */
  options: StageOption[];
}

/** A stage cell written as HOCON, plain or after `%arc`. */
export interface HoconStageOptions {
  format: 'hocon';
  /** "%arc" as written, or null for a plain HOCON cell. */
  magic: string | null;
  /** The `type` field when it is plain text. */
  type: string | null;
  /** The stage object's top-level fields. */
  options: StageOption[];
}

export type StageOptions = MagicStageOptions | HoconStageOptions;
