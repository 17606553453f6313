/** HOCON's character classes and escapes, as Typesafe Config reads them. */

/** Characters that may not appear in unquoted text (HOCON spec). */
export const FORBIDDEN_UNQUOTED = new Set('$"{}[]:=,+#`^?!@*&\\');

/**
 * Typesafe Config's whitespace: Java's Character.isWhitespace plus the
 * no-break spaces and the BOM. `\s` covers all of them except U+001C–U+001F.
 */
export function isWhitespace(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 0x80) {
    return (
      code === 0x20 ||
      (code >= 0x09 && code <= 0x0d) ||
      (code >= 0x1c && code <= 0x1f)
    );
  }
  return /\s/.test(c);
}

export function isNumber(text: string): boolean {
  return /^-?\d+(\.\d*)?([eE][+-]?\d+)?$/.test(text);
}

export const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t'
};

export function describe(c: string | undefined): string {
  if (c === undefined) {
    return 'end of input';
  }
  if (c === '\n') {
    return 'newline';
  }
  return JSON.stringify(c);
}
