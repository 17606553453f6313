/**
 * What every lint rule shares: the options a lint runs with, the collector
 * of diagnostics, and positions inside a cell.
 */
import type {
  CompiledStageInfo,
  JsonValue,
  LintCode,
  LintDiagnostic,
  LintSeverity,
  SourceLocation,
  SqlFile
} from '../types';

export interface LintOptions {
  /** Environments the project deploys to. */
  environments: readonly string[];
  /** Name used in diagnostics. */
  file?: string;
  /** Source of every cell by index, for checks on cells Arc ignores (`%env`, a string `source`). */
  cellSources?: readonly (string | null)[];
  /**
   * The SQL files stages read from `inputURI`, by `sqlFileKey`. A stage
   * whose file is not in the map is not checked, as before the file is read.
   */
  sqlFiles?: ReadonlyMap<string, SqlFile>;
}

export class Linter {
  readonly diagnostics: LintDiagnostic[] = [];

  constructor(private readonly file: string) {}

  add(
    at: SourceLocation | null,
    severity: LintSeverity,
    code: LintCode,
    message: string,
    end?: SourceLocation
  ): void {
    this.diagnostics.push({
      file: this.file,
      cell: at?.cell ?? null,
      line: at?.line ?? 1,
      column: at?.column ?? 1,
      ...(end === undefined
        ? {}
        : { endLine: end.line, endColumn: end.column }),
      severity,
      code,
      message
    });
  }
}

/** Where a stage's field is written, or the stage itself when the field is not. */
export function fieldAt(stage: CompiledStageInfo, key: string): SourceLocation {
  return stage.fields[key] ?? stage.location;
}

/** A position `offset` characters into a text that starts at `at`. */
export function advance(
  at: SourceLocation,
  text: string,
  offset: number
): SourceLocation {
  let line = at.line;
  let column = at.column;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return { cell: at.cell, line, column };
}

/** True for a value Arc resolves at run time (`${X}` or a concatenation with one). */
export function isSubst(value: JsonValue | undefined): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    ('$subst' in value || '$concat' in value)
  );
}
