/**
 * One pass over a notebook as the editor needs it: compile, lint and the
 * lineage of the result, with the time it took.
 */
import { compileNotebookJson } from './compile';
import { buildLineage } from './lineage';
import { cellSources, lintCompiled, lintNotebookJson } from './lint';
import type { LintOptions } from './lint';
import { NotebookError } from './notebook';
import { STAGE_KEYS } from './stageKeys';
import type {
  CompileResponse,
  LineageGraph,
  LintDiagnostic,
  SqlFile
} from './types';

/** One analysis of a notebook: the compiled job (null when Arc could not parse it) and its diagnostics. */
export interface NotebookAnalysis {
  compiled: CompileResponse | null;
  diagnostics: LintDiagnostic[];
  /** Milliseconds the analysis took. */
  elapsedMs: number;
  /** The SQL files the analysis was given (`LintOptions.sqlFiles`), for its lineage. */
  sqlFiles?: ReadonlyMap<string, SqlFile>;
}

/** A monotonic clock where the runtime has one (browsers, Node), else the wall clock. */
function now(): number {
  const clock = (globalThis as { performance?: { now(): number } }).performance;
  return clock === undefined ? Date.now() : clock.now();
}

/**
 * Compiles and lints a notebook (its nbformat JSON) in one pass. A notebook
 * Arc cannot parse gives `compiled: null` and a `compile-error` diagnostic
 * at the cell and line of the fault. Expensive work (parsing each SQL body)
 * is cached by content, so after a one-cell edit only that cell's SQL is
 * parsed again. Give `options.sqlFiles` (see `sqlFileUris`) to check the
 * SQL stages read from their `inputURI`.
 */
export function analyzeNotebook(
  notebook: unknown,
  options: LintOptions
): NotebookAnalysis {
  const start = now();
  const file = options.file ?? 'notebook';
  let compiled: CompileResponse;
  try {
    compiled = compileNotebookJson(notebook, { file });
  } catch (error) {
    if (!(error instanceof NotebookError)) {
      throw error;
    }
    return {
      compiled: null,
      diagnostics: lintNotebookJson(notebook, options),
      elapsedMs: now() - start
    };
  }
  const diagnostics = lintCompiled(compiled, {
    ...options,
    cellSources: cellSources(notebook)
  });
  return {
    compiled,
    diagnostics,
    elapsedMs: now() - start,
    ...(options.sqlFiles === undefined ? {} : { sqlFiles: options.sqlFiles })
  };
}

/** The lineage graph of an analysed notebook, lint findings counted on its nodes. */
export function lineageOf(analysis: NotebookAnalysis): LineageGraph | null {
  return analysis.compiled === null
    ? null
    : buildLineage(analysis.compiled, analysis.diagnostics, analysis.sqlFiles);
}

/** The keys Arc accepts and requires for a stage type (core Arc 3.7.0 and the Delta stages); null for other types. */
export function stageKeys(
  type: string
): { allowed: string[]; required: string[]; oneOf: string[][] } | null {
  const keys = Object.hasOwn(STAGE_KEYS, type) ? STAGE_KEYS[type] : undefined;
  return keys === undefined
    ? null
    : {
        allowed: [...keys.allowed],
        required: [...keys.required],
        oneOf: keys.oneOf.map(group => [...group])
      };
}
