/**
 * Stages Arc skips without a word (code stage-never-runs): no environment
 * of the project, or a cell whose `source` is one string.
 */
import { compileNotebookJson } from '../compile';
import type { CompiledStageInfo, CompileResponse } from '../types';
import { fieldAt, type Linter } from './linter';

export function checkEnvironments(
  linter: Linter,
  stage: CompiledStageInfo,
  environments: readonly string[]
): void {
  const own = (stage.environments ?? []).filter(e => e !== '');
  const configured = environments.join(', ');
  if (own.length === 0) {
    linter.add(
      fieldAt(stage, 'environments'),
      'warning',
      'stage-never-runs',
      `this stage has no environments, so Arc skips it in every run. Add environments=${environments.join(',')} (or the ones it should run in).`
    );
  } else if (!own.some(e => environments.includes(e))) {
    linter.add(
      fieldAt(stage, 'environments'),
      'warning',
      'stage-never-runs',
      `this stage runs only in ${own.join(', ')}, none of the project's environments (${configured}), so Arc never runs it. Change its environments or add ${own[0] ?? ''} to the project's environments.`
    );
  }
}

/**
 * What a cell whose `source` is one string would run if it were a list of
 * lines, by compiling it alone: null when a job would skip it anyway
 * (blank, or an interactive magic like %env).
 */
function wouldRun(source: string | undefined): string | null {
  if (source === undefined) {
    return 'its stage';
  }
  let compiled: CompileResponse;
  try {
    compiled = compileNotebookJson({
      metadata: { kernelspec: { name: 'arc' } },
      cells: [{ cell_type: 'code', source: [source] }]
    });
  } catch {
    return 'its stage';
  }
  const stage = compiled.stages[0];
  const plugin =
    compiled.plugins.config[0] ?? compiled.plugins.lifecycle[0] ?? null;
  const item = stage ?? plugin;
  if (item === null) {
    return null;
  }
  const kind = stage === undefined ? 'plugin' : 'stage';
  return item.type === null ? `its ${kind}` : `its ${item.type} ${kind}`;
}

export function checkStringSources(
  linter: Linter,
  compiled: CompileResponse,
  sources: readonly (string | null)[] | undefined
): void {
  for (const ignored of compiled.ignored) {
    if (ignored.reason !== 'source-not-a-list') {
      continue;
    }
    const source = sources?.[ignored.cell] ?? undefined;
    const runs = wouldRun(source);
    if (runs === null) {
      continue;
    }
    const firstLine = (source ?? '').split(/\r?\n/)[0] ?? '';
    linter.add(
      { cell: ignored.cell, line: 1, column: 1 },
      'error',
      'stage-never-runs',
      `this cell's "source" is one string, not a list of lines: Arc reads such a cell as empty and skips it without a word, so ${runs} never runs. Save the notebook with JupyterLab, which writes "source" as a list of lines.`,
      firstLine.length > 0
        ? { cell: ignored.cell, line: 1, column: firstLine.length + 1 }
        : undefined
    );
  }
}
