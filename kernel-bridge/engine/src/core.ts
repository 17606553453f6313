/**
 * `arcade-engine/core`: the engine's light entry. The few definitions the
 * frontend needs before (or without) loading the whole engine and its SQL
 * grammar; each is defined once, here, and the full engine re-exports them.
 */
export { DEFAULT_ENVIRONMENTS } from './environments';
export {
  ARC_KERNEL_NAME,
  argumentValueProblem,
  isArcKernelspec,
  isArcNotebookText,
  isRecord,
  parseVar
} from './values';
export {
  dataKey,
  MAX_SCHEDULE_NAME_LENGTH,
  proposeDependencies,
  scheduleNameProblem
} from './scheduleDeps';
export * from './catalogSql';
