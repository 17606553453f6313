/**
 * Arcade's Arc engine: reads Arc notebooks exactly as Arc 3.7.0 does and
 * compiles, lints, traces lineage and edits stage options over them. Pure
 * code: the browser (JupyterLab loads it as a lazy chunk), the bridge's
 * routes and services, and the CLI all run this same module. ESLint refuses
 * any Node import below this folder.
 *
 * It also holds the request/response types of the bridge's HTTP API, so the
 * frontend takes them from source without building the bridge.
 */
export type * from './api';
export type * from './gitApi';
export type * from './taskApi';
export type * from './publishApi';
export type * from './scheduleApi';
export type * from './catalogApi';
export { ArcadeError, toArcadeError } from './errors';

export {
  analyzeNotebook,
  lineageOf,
  stageKeys,
  type NotebookAnalysis
} from './analysis';
export {
  compileNotebook,
  compileNotebookJson,
  type CompileOptions
} from './compile';
export { viewColumns } from './columns';
export {
  diffNotebooks,
  textDiff,
  type DiffLine,
  type NotebookDiff,
  type OptionChange,
  type StageChange,
  type StagePlace
} from './diff';
export { buildLineage, lineageToDot } from './lineage';
export { dataRefsByCell, stageDataRefs } from './dataRefs';
export { didYouMean } from './lint/suggest';
export {
  cellSources,
  lintCompiled,
  lintNotebook,
  lintNotebookJson,
  type LintOptions
} from './lint';
export {
  MAX_NOTEBOOK_LENGTH,
  NotebookError,
  readNotebook,
  readNotebookJson
} from './notebook';
export {
  readStageOptions,
  StageOptionsError,
  writeStageOptions
} from './options';
export {
  MAX_SQL_FILE_BYTES,
  MAX_SQL_FILES,
  sqlFileKey,
  sqlFileUris
} from './sqlFiles';
export { STAGE_KEYS, type StageKeys } from './stageKeys';
export { lineageEnds, scheduleVariables } from './scheduleDeps';
export {
  sqlStageSource,
  sqlViewName,
  STAGE_TEMPLATES,
  type StageTemplate,
  type StageTemplateOptions
} from './templates';
export * from './core';
