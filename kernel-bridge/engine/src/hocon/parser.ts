import type {
  HoconArray,
  HoconMember,
  HoconNode,
  HoconObject,
  HoconString,
  HoconSubstitution
} from './ast';
import { HoconError } from './error';
import { describe, ESCAPES, FORBIDDEN_UNQUOTED, isWhitespace } from './lexical';
import { concatenate, insertField, type ValuePiece } from './tree';

export interface ParseOptions {
  /** Deepest nesting of objects and arrays accepted. */
  maxDepth?: number;
  /** Longest text accepted, in UTF-16 code units. */
  maxLength?: number;
}

export const DEFAULT_MAX_DEPTH = 100;
export const DEFAULT_MAX_LENGTH = 64 * 1024 * 1024;

/** Recursive-descent HOCON parser that keeps substitutions unresolved. */
class Parser {
  private pos = 0;
  private depth = 0;
  private arrayDepth = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number
  ) {}

  private fail(message: string, offset = this.pos): never {
    throw new HoconError(message, offset);
  }

  private peek(ahead = 0): string | undefined {
    return this.text[this.pos + ahead];
  }

  private startsComment(): boolean {
    const c = this.peek();
    return c === '#' || (c === '/' && this.peek(1) === '/');
  }

  /** Skips whitespace and comments; newlines only when asked. */
  private skipBlank(newlines: boolean): void {
    for (;;) {
      const c = this.peek();
      if (c === undefined) {
        return;
      }
      if (c === '\n') {
        if (!newlines) {
          return;
        }
        this.pos++;
      } else if (isWhitespace(c)) {
        this.pos++;
      } else if (this.startsComment()) {
        const end = this.text.indexOf('\n', this.pos);
        this.pos = end === -1 ? this.text.length : end;
      } else {
        return;
      }
    }
  }

  private enter(offset: number): void {
    this.depth++;
    if (this.depth > this.maxDepth) {
      this.fail(
        `objects and arrays are nested deeper than ${this.maxDepth} levels`,
        offset
      );
    }
  }

  parseDocument(): HoconObject {
    this.skipBlank(true);
    let root: HoconObject;
    if (this.peek() === '{') {
      root = this.parseBracedObject();
    } else if (this.peek() === '[') {
      this.fail('a HOCON document must be an object, not an array');
    } else {
      root = this.parseFields(false, this.pos);
    }
    this.skipBlank(true);
    if (this.pos < this.text.length) {
      this.fail(
        `unexpected ${describe(this.peek())} after the end of the document`
      );
    }
    return root;
  }

  private parseBracedObject(): HoconObject {
    const offset = this.pos;
    this.pos++;
    return this.parseFields(true, offset);
  }

  private parseFields(braced: boolean, offset: number): HoconObject {
    this.enter(offset);
    const object: HoconObject = {
      kind: 'object',
      offset,
      end: offset,
      fields: new Map(),
      members: []
    };
    // null before the first field, then whether a separator followed the last one
    let separated: boolean | null = null;
    for (;;) {
      this.skipBlank(true);
      const c = this.peek();
      if (c === undefined) {
        if (braced) {
          this.fail("expecting '}' to close this object", offset);
        }
        break;
      }
      if (c === '}') {
        if (!braced) {
          this.fail("unbalanced '}'");
        }
        this.pos++;
        break;
      }
      if (separated === false) {
        this.fail(
          `expecting ',' or a newline after a field, got ${describe(c)}`
        );
      }
      if (c === ',') {
        this.fail(
          separated === null
            ? "expecting a key, got ','"
            : "expecting a field after ',', got ','"
        );
      }
      this.parseField(object);
      separated = this.elementSeparator();
    }
    this.depth--;
    object.end = this.pos;
    return object;
  }

  /**
   * Typesafe Config's element separator: newlines, then at most one comma.
   * Returns whether there was one.
   */
  private elementSeparator(): boolean {
    let newline = false;
    for (;;) {
      this.skipBlank(false);
      const c = this.peek();
      if (c === '\n') {
        newline = true;
        this.pos++;
      } else if (c === ',') {
        this.pos++;
        return true;
      } else {
        return newline;
      }
    }
  }

  private parseField(object: HoconObject): void {
    const keyOffset = this.pos;
    if (this.text.startsWith('include', this.pos)) {
      const next = this.peek(7);
      if (next !== undefined && (isWhitespace(next) || next === '"')) {
        this.fail('include is not supported in Arc notebooks');
      }
    }
    const path = this.parseKey();
    const keyEnd = this.pos;
    this.skipBlank(false);
    const c = this.peek();
    let append = false;
    let separator: HoconMember['separator'] = null;
    let value: HoconNode | null;
    if (c === '{') {
      value = this.parseValue();
    } else if (c === ':' || c === '=' || (c === '+' && this.peek(1) === '=')) {
      append = c === '+';
      separator = c === '+' ? '+=' : c;
      if (append && this.arrayDepth > 0) {
        // Typesafe Config expands += to ${path}, which cannot point into a list.
        this.fail(
          '+= does not work inside a list (a Typesafe Config limitation)'
        );
      }
      this.pos += append ? 2 : 1;
      this.skipBlank(true);
      value = this.parseValue();
    } else {
      this.fail(
        `expecting ':', '=' or '{' after the key "${path.join('.')}", got ${describe(c)}`
      );
    }
    if (value === null) {
      this.fail(
        `expecting a value for "${path.join('.')}", got ${describe(this.peek())}`
      );
    }
    object.members.push({ path, keyOffset, keyEnd, separator, value });
    insertField(object, path, value, append, keyOffset, keyEnd);
  }

  /** A key is a path expression: unquoted parts split on '.', quoted parts kept. */
  private parseKey(): string[] {
    const start = this.pos;
    const segments: string[] = [];
    let current = '';
    let currentHasText = false;
    let parts = 0;
    for (;;) {
      const c = this.peek();
      if (c === '"') {
        current += this.parseQuoted().value;
        currentHasText = true;
        parts++;
      } else if (c !== undefined && c !== '\n' && isWhitespace(c)) {
        const wsStart = this.pos;
        while (
          this.peek() !== undefined &&
          this.peek() !== '\n' &&
          isWhitespace(this.peek() ?? '')
        ) {
          this.pos++;
        }
        const next = this.peek();
        if (
          parts > 0 &&
          next !== undefined &&
          (next === '"' || this.isUnquotedStart())
        ) {
          current += this.text.slice(wsStart, this.pos);
        } else {
          this.pos = wsStart;
          break;
        }
      } else if (c !== undefined && this.isUnquotedStart()) {
        const textOffset = this.pos;
        const text = this.readUnquoted();
        parts++;
        for (const ch of text) {
          if (ch === '.') {
            if (!currentHasText) {
              this.fail(`bad key "${text}": empty path element`, textOffset);
            }
            segments.push(current);
            current = '';
            currentHasText = false;
          } else {
            current += ch;
            currentHasText = true;
          }
        }
      } else {
        break;
      }
    }
    if (parts === 0) {
      this.fail(`expecting a key, got ${describe(this.peek())}`, start);
    }
    if (!currentHasText) {
      this.fail('bad key: empty path element', start);
    }
    segments.push(current);
    return segments;
  }

  private isUnquotedStart(): boolean {
    const c = this.peek();
    return (
      c !== undefined &&
      !FORBIDDEN_UNQUOTED.has(c) &&
      !isWhitespace(c) &&
      !this.startsComment()
    );
  }

  private readUnquoted(): string {
    const start = this.pos;
    while (this.isUnquotedStart()) {
      this.pos++;
    }
    return this.text.slice(start, this.pos);
  }

  private parseQuoted(): HoconString {
    const offset = this.pos;
    if (this.text.startsWith('"""', this.pos)) {
      const close = this.text.indexOf('"""', this.pos + 3);
      if (close === -1) {
        this.fail('unterminated triple-quoted string', offset);
      }
      // Quotes right before the closing three belong to the string.
      let end = close + 3;
      while (this.text[end] === '"') {
        end++;
      }
      this.pos = end;
      return {
        kind: 'string',
        offset,
        end,
        value: this.text.slice(offset + 3, end - 3)
      };
    }
    this.pos++;
    let value = '';
    let runStart = this.pos;
    for (;;) {
      const c = this.peek();
      if (c === undefined) {
        this.fail('unterminated quoted string', offset);
      }
      if (c === '"') {
        value += this.text.slice(runStart, this.pos);
        this.pos++;
        return { kind: 'string', offset, end: this.pos, value };
      }
      if (c === '\\') {
        value += this.text.slice(runStart, this.pos);
        const e = this.peek(1);
        if (e === 'u') {
          const hex = this.text.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.fail('bad \\u escape in quoted string');
          }
          value += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
        } else {
          const escaped = e === undefined ? undefined : ESCAPES[e];
          if (escaped === undefined) {
            this.fail(
              `bad escape ${describe(`\\${e ?? ''}`)} in quoted string`
            );
          }
          value += escaped;
          this.pos += 2;
        }
        runStart = this.pos;
      } else if (c < ' ') {
        this.fail(
          c === '\n'
            ? 'quoted string has a newline; close the quote or use """'
            : `unescaped control character ${describe(c)} in quoted string`
        );
      } else {
        this.pos++;
      }
    }
  }

  private parseSubstitution(): HoconSubstitution {
    const offset = this.pos;
    this.pos += 2;
    const optional = this.peek() === '?';
    if (optional) {
      this.pos++;
    }
    const exprStart = this.pos;
    this.skipInlineSpace();
    const path = this.parseKeyOrFail(offset);
    this.skipInlineSpace();
    if (this.peek() !== '}') {
      this.fail(
        `expecting '}' to close the substitution, got ${describe(this.peek())}`,
        offset
      );
    }
    const expression = this.text.slice(exprStart, this.pos).trim();
    this.pos++;
    return {
      kind: 'substitution',
      offset,
      end: this.pos,
      path,
      expression,
      optional
    };
  }

  private parseKeyOrFail(offset: number): string[] {
    const c = this.peek();
    if (c !== '"' && !this.isUnquotedStart()) {
      this.fail(
        `expecting a path in the substitution, got ${describe(c)}`,
        offset
      );
    }
    return this.parseKey();
  }

  private skipInlineSpace(): void {
    while (
      this.peek() !== undefined &&
      this.peek() !== '\n' &&
      isWhitespace(this.peek() ?? '')
    ) {
      this.pos++;
    }
  }

  private parseArray(): HoconArray {
    const offset = this.pos;
    this.pos++;
    this.enter(offset);
    const items: HoconNode[] = [];
    let separated = true;
    this.arrayDepth++;
    for (;;) {
      this.skipBlank(true);
      const c = this.peek();
      if (c === ']') {
        this.pos++;
        break;
      }
      if (c === undefined) {
        this.fail("expecting ']' to close this array", offset);
      }
      if (!separated) {
        this.fail(`expecting ',' or ']' in an array, got ${describe(c)}`);
      }
      const value = this.parseValue();
      if (value === null) {
        this.fail(`expecting an array element, got ${describe(this.peek())}`);
      }
      items.push(value);
      separated = this.elementSeparator();
    }
    this.depth--;
    this.arrayDepth--;
    return { kind: 'array', offset, end: this.pos, items };
  }

  /** A value concatenation up to ',', '}', ']', a newline or a comment. */
  private parseValue(): HoconNode | null {
    const pieces: ValuePiece[] = [];
    for (;;) {
      const c = this.peek();
      if (
        c === undefined ||
        c === ',' ||
        c === '}' ||
        c === ']' ||
        c === '\n' ||
        this.startsComment()
      ) {
        break;
      }
      const offset = this.pos;
      if (isWhitespace(c)) {
        this.skipInlineSpace();
        pieces.push({
          kind: 'space',
          offset,
          text: this.text.slice(offset, this.pos)
        });
      } else if (c === '{') {
        pieces.push(this.parseBracedObject());
      } else if (c === '[') {
        pieces.push(this.parseArray());
      } else if (c === '"') {
        pieces.push(this.parseQuoted());
      } else if (c === '$' && this.peek(1) === '{') {
        pieces.push(this.parseSubstitution());
      } else if (this.isUnquotedStart()) {
        pieces.push({ kind: 'unquoted', offset, text: this.readUnquoted() });
      } else {
        this.fail(
          `reserved character ${describe(c)} is not allowed outside quotes`
        );
      }
    }
    while (pieces[0]?.kind === 'space') {
      pieces.shift();
    }
    while (pieces[pieces.length - 1]?.kind === 'space') {
      pieces.pop();
    }
    return concatenate(pieces);
  }
}

/**
 * Parses HOCON text into a tree with substitutions unresolved.
 * Throws HoconError (with an offset) on any syntax error or limit.
 */
export function parseHocon(
  text: string,
  options: ParseOptions = {}
): HoconObject {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text.length > maxLength) {
    throw new HoconError(
      `HOCON text is longer than ${maxLength} characters`,
      0
    );
  }
  return new Parser(
    text,
    options.maxDepth ?? DEFAULT_MAX_DEPTH
  ).parseDocument();
}
