/**
 * Arc (SQLUtils.injectParameters) replaces `${ k }` / `${k=default}` for
 * each sqlParams key, fails when a key has no placeholder, and fails when a
 * `${word}` placeholder is left over. We substitute the same way before
 * parsing, keeping a map from the substituted text back to the cell, so an
 * error reported inside a parameter's value points at its `${…}`.
 */
import type { SqlParamUse, SqlParamValues } from './types';

/** Where substituted text came from: [substitutedStart, originalStart, originalEnd, length]. */
export interface Piece {
  at: number;
  from: number;
  to: number;
  length: number;
  verbatim: boolean;
}

/** Prefix of the identifier that stands for a value Arc only knows at run time. */
export const LATE_BOUND = '__arcade_param_';

const PLACEHOLDER = /\$\{(\s*)(\w*)(\s*)(?:=[^}]+)?\}/g;

/** Parameter substitution as Arc does it, with an offset map. */
export function substituteParams(
  sql: string,
  params: SqlParamValues
): {
  text: string;
  pieces: Piece[];
  missing: SqlParamUse[];
  used: Set<string>;
} {
  const pieces: Piece[] = [];
  const missing: SqlParamUse[] = [];
  const used = new Set<string>();
  let text = '';
  let last = 0;
  const verbatim = (to: number): void => {
    if (to > last) {
      pieces.push({
        at: text.length,
        from: last,
        to,
        length: to - last,
        verbatim: true
      });
      text += sql.slice(last, to);
    }
  };
  for (const match of sql.matchAll(PLACEHOLDER)) {
    const name = match[2] ?? '';
    const start = match.index;
    const end = start + match[0].length;
    const spaced = (match[1] ?? '') !== '' || (match[3] ?? '') !== '';
    const known = Object.hasOwn(params, name);
    if (known || !spaced) {
      if (known) {
        used.add(name);
      } else {
        missing.push({ name, start, end });
      }
      verbatim(start);
      // An unknown or late-bound value parses as an identifier, which fits
      // wherever a table name, column or expression may stand.
      const value = (known ? params[name] : null) ?? `${LATE_BOUND}${name}`;
      pieces.push({
        at: text.length,
        from: start,
        to: end,
        length: value.length,
        verbatim: false
      });
      text += value;
      last = end;
    }
  }
  verbatim(sql.length);
  return { text, pieces, missing, used };
}

/** `text` with each `${k}` placeholder replaced by `value(k)`, where that is not null. */
export function fillParams(
  text: string,
  value: (name: string) => string | null
): string {
  return text.replace(
    PLACEHOLDER,
    (match, _before, name: string) => value(name) ?? match
  );
}

/** Maps an offset in the substituted text back to the original sql. */
export function mapBack(pieces: Piece[], offset: number): number {
  for (const piece of pieces) {
    if (offset < piece.at + piece.length || piece === pieces.at(-1)) {
      return piece.verbatim
        ? Math.min(piece.from + Math.max(offset - piece.at, 0), piece.to)
        : piece.from;
    }
  }
  return offset;
}

/** Maps an exclusive end offset back: the end of a substituted `${…}` is its `}`. */
export function mapBackEnd(pieces: Piece[], end: number): number {
  const last = end - 1;
  for (const piece of pieces) {
    if (last < piece.at + piece.length || piece === pieces.at(-1)) {
      return piece.verbatim
        ? Math.min(piece.from + Math.max(last - piece.at, 0), piece.to - 1) + 1
        : piece.to;
    }
  }
  return end;
}

/** Offset of 1-based line/column in text. */
export function offsetOf(
  lineStarts: number[],
  line: number,
  column: number
): number {
  return (lineStarts[line - 1] ?? 0) + column - 1;
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}
