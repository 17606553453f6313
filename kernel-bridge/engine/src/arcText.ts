/**
 * The string operations Arc 3.7.0 applies to notebook cells, with Java and
 * Scala semantics (they differ from JavaScript's in the corners), plus a text
 * builder that remembers where each generated character came from.
 */

/** Java's String.trim: strips every char <= U+0020 at both ends. */
export function javaTrimBounds(text: string): [number, number] {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) {
    start++;
  }
  while (end > start && text.charCodeAt(end - 1) <= 0x20) {
    end--;
  }
  return [start, end];
}

export function javaTrim(text: string): string {
  const [start, end] = javaTrimBounds(text);
  return text.slice(start, end);
}

/** Java's String.split with a literal separator: trailing empty strings are dropped. */
export function javaSplit(text: string, separator: string): string[] {
  if (text === '') {
    return [''];
  }
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') {
    parts.pop();
  }
  return parts;
}

/** Java regex `\s`. */
function isJavaSpace(c: string | undefined): boolean {
  return (
    c === ' ' ||
    c === '\t' ||
    c === '\n' ||
    c === '\u000b' ||
    c === '\f' ||
    c === '\r'
  );
}

export interface MagicArg {
  value: string;
  /** Offset of the `key=value` token in the parsed input. */
  offset: number;
}

/**
 * Arc's parseArgs. It splits on whitespace followed by balanced double
 * quotes and no apostrophe outside them (`\s(?=([^"']*"[^"]*")*[^"']*$)`),
 * drops tokens starting with '%', and splits each token at the first '='
 * that is neither doubled nor last. Computed in one backward pass instead of
 * the regex, which is quadratic on long lines.
 */
export function parseArgs(input: string): Map<string, MagicArg> {
  const n = input.length;
  // canSplit[i]: the suffix from i matches ([^"']*"[^"]*")*[^"']*$
  const outside = new Uint8Array(n + 1);
  const inside = new Uint8Array(n + 1);
  outside[n] = 1;
  for (let i = n - 1; i >= 0; i--) {
    const c = input[i];
    if (c === '"') {
      outside[i] = inside[i + 1] ?? 0;
      inside[i] = outside[i + 1] ?? 0;
    } else if (c === "'") {
      outside[i] = 0;
      inside[i] = inside[i + 1] ?? 0;
    } else {
      outside[i] = outside[i + 1] ?? 0;
      inside[i] = inside[i + 1] ?? 0;
    }
  }
  const args = new Map<string, MagicArg>();
  let tokenStart = 0;
  const take = (end: number): void => {
    const token = input.slice(tokenStart, end);
    if (token.startsWith('%')) {
      return;
    }
    for (let j = 0; j < token.length - 1; j++) {
      if (token[j] === '=' && token[j + 1] !== '=') {
        args.set(token.slice(0, j), {
          value: token.slice(j + 1),
          offset: tokenStart
        });
        return;
      }
    }
  };
  for (let i = 0; i < n; i++) {
    if (isJavaSpace(input[i]) && outside[i + 1] === 1) {
      take(i);
      tokenStart = i + 1;
    }
  }
  take(n);
  return args;
}

/** Where a generated character came from: a notebook cell (or none, -1). */
export interface Origin {
  cell: number;
  /** Offset in the cell's source. */
  offset: number;
}

interface Span {
  start: number;
  length: number;
  cell: number;
  offset: number;
  /** Every character of a fixed span maps to `offset` (template text). */
  fixed: boolean;
}

/** Generated text with a map back to notebook cells. */
export class MappedText {
  private parts: string[] = [];
  private spans: Span[] = [];
  private length = 0;
  private cached: string | null = null;

  /** Text copied from a cell: offsets map one to one. */
  copy(text: string, cell: number, offset: number): this {
    return this.push(text, cell, offset, false);
  }

  /** Text Arc adds (templates, options): all of it maps to one place. */
  add(text: string, cell = -1, offset = 0): this {
    return this.push(text, cell, offset, true);
  }

  append(other: MappedText): this {
    const base = this.length;
    for (const span of other.spans) {
      this.spans.push({ ...span, start: span.start + base });
    }
    this.parts.push(other.text);
    this.length += other.length;
    this.cached = null;
    return this;
  }

  private push(
    text: string,
    cell: number,
    offset: number,
    fixed: boolean
  ): this {
    if (text.length === 0) {
      return this;
    }
    this.spans.push({
      start: this.length,
      length: text.length,
      cell,
      offset,
      fixed
    });
    this.parts.push(text);
    this.length += text.length;
    this.cached = null;
    return this;
  }

  get text(): string {
    this.cached ??= this.parts.join('');
    if (this.parts.length > 1) {
      this.parts = [this.cached];
    }
    return this.cached;
  }

  origin(position: number): Origin {
    let low = 0;
    let high = this.spans.length - 1;
    if (high < 0) {
      return { cell: -1, offset: 0 };
    }
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.spans[mid]?.start ?? 0) <= position) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    const span = this.spans[low] as Span;
    const within = Math.min(Math.max(position - span.start, 0), span.length);
    return {
      cell: span.cell,
      offset: span.fixed ? span.offset : span.offset + within
    };
  }

  /**
   * Like origin, but text Arc adds around all cells (the job frame) is
   * attributed to the end of the closest cell before it: a cell left open
   * is where the parser runs into the frame.
   */
  originNear(position: number): Origin {
    const origin = this.origin(position);
    if (origin.cell !== -1) {
      return origin;
    }
    for (let i = this.spans.length - 1; i >= 0; i--) {
      const span = this.spans[i] as Span;
      if (span.start <= position && span.cell !== -1) {
        return {
          cell: span.cell,
          offset: span.fixed ? span.offset : span.offset + span.length
        };
      }
    }
    return origin;
  }

  /**
   * Scala 2.12's stripMargin: on every line (lines end at LF or FF), leading
   * chars <= U+0020 followed by '|' are removed together with the '|'. Arc
   * applies it to text that includes the cells, so a SQL line starting with
   * `  ||` loses its first '|'.
   */
  stripMargin(): MappedText {
    const text = this.text;
    const removed: [number, number][] = [];
    let lineStart = 0;
    while (lineStart <= text.length) {
      let i = lineStart;
      while (
        i < text.length &&
        text.charCodeAt(i) <= 0x20 &&
        text[i] !== '\n' &&
        text[i] !== '\f'
      ) {
        i++;
      }
      if (text[i] === '|') {
        removed.push([lineStart, i + 1]);
      }
      let next = lineStart;
      while (next < text.length && text[next] !== '\n' && text[next] !== '\f') {
        next++;
      }
      lineStart = next + 1;
    }
    if (removed.length === 0) {
      return this;
    }
    const result = new MappedText();
    let spanIndex = 0;
    let cursor = 0;
    const keep = (from: number, to: number): void => {
      while (spanIndex < this.spans.length && from < to) {
        const span = this.spans[spanIndex] as Span;
        const spanEnd = span.start + span.length;
        if (spanEnd <= from) {
          spanIndex++;
          continue;
        }
        const a = Math.max(from, span.start);
        const b = Math.min(to, spanEnd);
        result.push(
          text.slice(a, b),
          span.cell,
          span.fixed ? span.offset : span.offset + (a - span.start),
          span.fixed
        );
        from = b;
        if (b === spanEnd) {
          spanIndex++;
        }
      }
    };
    for (const [from, to] of removed) {
      keep(cursor, from);
      cursor = to;
      while (spanIndex < this.spans.length) {
        const span = this.spans[spanIndex] as Span;
        if (span.start + span.length <= cursor) {
          spanIndex++;
        } else {
          break;
        }
      }
    }
    keep(cursor, text.length);
    return result;
  }
}
