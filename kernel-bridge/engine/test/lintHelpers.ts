/** Helpers shared by the lint tests. */
import { lintNotebook } from '../src/lint';
import type { LintDiagnostic } from '../src/types';
import { DEFECT_NOTEBOOKS, defect, notebook } from './helpers';

export const ENVIRONMENTS = ['dev', 'test', 'prod'];

export function lint(cells: string[]): LintDiagnostic[] {
  return lintNotebook(notebook(cells), {
    file: 'job.ipynb',
    environments: ENVIRONMENTS
  });
}

export function only(
  diagnostics: LintDiagnostic[],
  code: string
): LintDiagnostic[] {
  return diagnostics.filter(d => d.code === code);
}

export function defectLint(
  name: (typeof DEFECT_NOTEBOOKS)[number],
  environments = ENVIRONMENTS
): LintDiagnostic[] {
  return lintNotebook(defect(name), { file: name, environments });
}

export const SQL = '%sql outputView=out environments=dev';
