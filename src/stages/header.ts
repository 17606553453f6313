import type { CompileResponse, JsonValue, LintDiagnostic } from 'arcade-engine';

/**
 * What the header above one stage cell shows.
 */
export interface IStageHeader {
  /** 0-based index of the cell among all notebook cells. */
  cell: number;
  /** Position in the compiled job's stages. */
  stage: number;
  /** Arc stage type, e.g. `SQLTransform`; the magic when the type is not a plain string. */
  type: string;
  name: string | null;
  outputView: string | null;
  /** Null when the cell's `environments` is not a plain list of strings. */
  environments: string[] | null;
  errors: number;
  warnings: number;
  /** The magic as written, e.g. `%sqlvaildate`; null for HOCON cells. */
  magic: string | null;
}

function text(value: JsonValue | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * Count diagnostics per cell; notebook-wide ones (no cell) belong to no header.
 */
export function countByCell(
  diagnostics: readonly LintDiagnostic[]
): Map<number, { errors: number; warnings: number }> {
  const counts = new Map<number, { errors: number; warnings: number }>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.cell === null) {
      continue;
    }
    const count = counts.get(diagnostic.cell) ?? { errors: 0, warnings: 0 };
    if (diagnostic.severity === 'error') {
      count.errors += 1;
    } else if (diagnostic.severity === 'warning') {
      count.warnings += 1;
    }
    counts.set(diagnostic.cell, count);
  }
  return counts;
}

/**
 * The header of every stage cell, by cell index, from a compile response
 * and the lint diagnostics of the same notebook content.
 */
export function stageHeaders(
  compiled: CompileResponse,
  diagnostics: readonly LintDiagnostic[] = []
): Map<number, IStageHeader> {
  const counts = countByCell(diagnostics);
  const headers = new Map<number, IStageHeader>();
  for (const info of compiled.stages) {
    const stage = compiled.job.stages[info.index] ?? {};
    const count = counts.get(info.cell) ?? { errors: 0, warnings: 0 };
    headers.set(info.cell, {
      cell: info.cell,
      stage: info.index,
      type: info.type ?? info.magic ?? info.kind,
      name: text(stage.name),
      outputView: text(stage.outputView),
      environments: info.environments,
      errors: count.errors,
      warnings: count.warnings,
      magic: info.magic
    });
  }
  return headers;
}
