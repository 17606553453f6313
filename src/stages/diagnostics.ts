import type { LintDiagnostic } from 'arcade-engine';

/** A span of a cell's source, as offsets. */
export interface ISourceRange {
  from: number;
  to: number;
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\n') {
      starts.push(i + 1);
    }
  }
  return starts;
}

function offset(
  source: string,
  starts: number[],
  line: number,
  column: number
): number {
  const index = Math.min(Math.max(line, 1), starts.length) - 1;
  const next = starts[index + 1];
  const lineEnd = next === undefined ? source.length : next - 1;
  return Math.min((starts[index] ?? 0) + Math.max(column, 1) - 1, lineEnd);
}

/**
 * Where a diagnostic sits in its cell's source. Without an end, it covers
 * the word at its start, or the rest of the line when it starts on a space;
 * positions beyond the source are clamped so a stale diagnostic still shows.
 */
export function diagnosticRange(
  source: string,
  diagnostic: Pick<LintDiagnostic, 'line' | 'column' | 'endLine' | 'endColumn'>
): ISourceRange {
  const starts = lineStarts(source);
  const from = offset(source, starts, diagnostic.line, diagnostic.column);
  let to: number;
  if (diagnostic.endLine !== undefined && diagnostic.endColumn !== undefined) {
    to = offset(source, starts, diagnostic.endLine, diagnostic.endColumn);
  } else {
    const rest = source.slice(from).split('\n', 1)[0] ?? '';
    const word = /^[\w.$%{}-]+/.exec(rest);
    to = from + (word ? word[0].length : rest.length);
  }
  if (to <= from) {
    // An empty range at the end of a line still needs one character to underline.
    return from < source.length
      ? { from, to: from + 1 }
      : { from: Math.max(0, from - 1), to: from };
  }
  return { from, to };
}
