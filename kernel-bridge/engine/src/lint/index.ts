/**
 * The notebook linter: a compile result → diagnostics saying what Arc will
 * do with each defect and how to fix it. One module per rule family.
 */
import { compileNotebook, compileNotebookJson } from '../compile';
import { NotebookError } from '../notebook';
import type { CompileResponse, LintDiagnostic } from '../types';
import { checkKeys } from './keys';
import { Linter, type LintOptions } from './linter';
import { checkIgnoredMagics, checkMagic } from './magics';
import { checkEnvironments, checkStringSources } from './neverRuns';
import { checkEnvSecrets, checkSecrets } from './secrets';
import { checkSql } from './sql';
import { ViewScope } from './views';

export type { LintOptions } from './linter';
export { didYouMean } from './suggest';

/** Lints a compile result. */
export function lintCompiled(
  compiled: CompileResponse,
  options: LintOptions
): LintDiagnostic[] {
  const linter = new Linter(options.file ?? 'notebook');
  const scope = new ViewScope(linter);

  checkStringSources(linter, compiled, options.cellSources);
  checkIgnoredMagics(linter, compiled, options.cellSources);
  checkEnvSecrets(linter, compiled, options.cellSources);

  compiled.stages.forEach((stage, index) => {
    const json = compiled.job.stages[index] ?? {};
    checkMagic(linter, stage);
    checkEnvironments(linter, stage, options.environments);
    checkKeys(linter, stage, json);
    checkSecrets(linter, stage, json);
    scope.checkId(stage, json, index);

    const reads = ViewScope.keyReads(stage, json);
    const creates: string[] = [];
    checkSql(linter, stage, json, options.sqlFiles, reads, creates);
    scope.checkReads(reads);
    scope.addOutputs(stage, json, index, creates);
  });
  return linter.diagnostics.sort(
    (a, b) =>
      (a.cell ?? -1) - (b.cell ?? -1) || a.line - b.line || a.column - b.column
  );
}

function compileErrorDiagnostic(file: string, error: unknown): LintDiagnostic {
  if (!(error instanceof NotebookError)) {
    throw error;
  }
  return {
    file,
    cell: error.location.cell ?? null,
    line: error.location.line ?? 1,
    column: error.location.column ?? 1,
    severity: 'error',
    code: 'compile-error',
    message: `${error.detail}: Arc cannot parse the job, so it runs nothing. Fix the cell.`
  };
}

/** Every cell's source as one string (null for a cell without one), by index. */
export function cellSources(notebook: unknown): (string | null)[] {
  if (typeof notebook !== 'object' || notebook === null) {
    return [];
  }
  const cells = (notebook as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) {
    return [];
  }
  return cells.map((cell: unknown) => {
    const source =
      typeof cell === 'object' && cell !== null
        ? (cell as { source?: unknown }).source
        : undefined;
    if (typeof source === 'string') {
      return source;
    }
    return Array.isArray(source)
      ? source.map(s => (typeof s === 'string' ? s : '')).join('')
      : null;
  });
}

/** Lints a notebook given as parsed JSON; compile errors become diagnostics. */
export function lintNotebookJson(
  notebook: unknown,
  options: LintOptions
): LintDiagnostic[] {
  const file = options.file ?? 'notebook';
  let compiled: CompileResponse;
  try {
    compiled = compileNotebookJson(notebook, { file });
  } catch (error) {
    return [compileErrorDiagnostic(file, error)];
  }
  return lintCompiled(compiled, {
    ...options,
    cellSources: cellSources(notebook)
  });
}

/** Lints notebook text (the .ipynb content); compile errors become diagnostics. */
export function lintNotebook(
  text: string,
  options: LintOptions
): LintDiagnostic[] {
  const file = options.file ?? 'notebook';
  let compiled: CompileResponse;
  try {
    compiled = compileNotebook(text, { file });
  } catch (error) {
    return [compileErrorDiagnostic(file, error)];
  }
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return lintCompiled(compiled, {
    ...options,
    cellSources: cellSources(parsed)
  });
}
