/**
 * Options on a magic line (`%sql name=… outputView=…`): read by compiling
 * the line as Arc does, written token by token, each write read back.
 */
import { javaTrim, javaTrimBounds, parseArgs, type MagicArg } from '../arcText';
import { compileNotebookJson } from '../compile';
import { NotebookError } from '../notebook';
import type {
  JsonObject,
  JsonValue,
  MagicStageKind,
  OptionValue,
  StageOption,
  StageOptions
} from '../types';
import {
  describeValue,
  hasControlCharacter,
  isOptionValue,
  oneCellNotebook,
  requireStageCell,
  sameJson,
  StageOptionsError,
  type StageCell
} from './common';

interface MagicLine {
  /** Offsets of Arc's first line (trimmed) in the source. */
  start: number;
  end: number;
  text: string;
}

/** Arc's magic line: the cell's first line as Arc reads it (trimmed, without a trailing comma that ends the cell). */
function magicLine(cell: StageCell): MagicLine {
  const text = cell.cell.text;
  const newline = text.indexOf('\n');
  const first = newline === -1 ? text : text.slice(0, newline);
  const [, end] = javaTrimBounds(first);
  return {
    start: cell.cell.start,
    end: cell.cell.start + end,
    text: first.slice(0, end)
  };
}

/** Offset just past a `key=value` token of parseArgs. */
function tokenEnd(key: string, arg: MagicArg): number {
  return arg.offset + key.length + 1 + arg.value.length;
}

/** What compile.ts pastes for an option: `v.stripPrefix("\"").stripSuffix("\"").trim`. */
function cleanValue(value: string): string {
  let v = value;
  if (v.startsWith('"')) {
    v = v.slice(1);
  }
  if (v.endsWith('"')) {
    v = v.slice(0, -1);
  }
  return javaTrim(v);
}

/** The stage Arc makes of a magic line alone (the body cannot change the options). */
function compileLine(line: string): JsonObject {
  const compiled = compileNotebookJson(oneCellNotebook(`${line}\nSELECT 1`));
  return compiled.job.stages[0] ?? {};
}

type Read = { value: JsonValue; inStage: boolean } | { problem: string };

function problemOf(error: unknown): string {
  if (error instanceof NotebookError) {
    return error.detail;
  }
  throw error;
}

/**
 * What Arc reads for each option of a magic line. When the line as a whole
 * breaks the stage, each option is read on its own to tell which one does.
 */
function readMagicValues(
  magic: string,
  line: string
): { type: JsonValue; values: Map<string, Read> } {
  const args = parseArgs(line);
  const values = new Map<string, Read>();
  const fromStage = (stage: JsonObject, key: string, arg: MagicArg): Read =>
    Object.hasOwn(stage, key)
      ? { value: stage[key] ?? null, inStage: true }
      : { value: cleanValue(arg.value), inStage: false };
  try {
    const stage = compileLine(line);
    for (const [key, arg] of args) {
      values.set(key, fromStage(stage, key, arg));
    }
    return { type: stage.type ?? null, values };
  } catch (error) {
    problemOf(error);
  }
  for (const [key, arg] of args) {
    const alone = `${magic} ${key}=${arg.value}`;
    if (parseArgs(alone).get(key)?.value !== arg.value) {
      values.set(key, {
        problem:
          'the quotes on the magic line make Arc read this option wrongly'
      });
      continue;
    }
    try {
      values.set(key, fromStage(compileLine(alone), key, arg));
    } catch (error) {
      values.set(key, { problem: problemOf(error) });
    }
  }
  let type: JsonValue = null;
  try {
    type = compileLine(magic).type ?? null;
  } catch (error) {
    problemOf(error);
  }
  return { type, values };
}

export function readMagic(cell: StageCell, kind: MagicStageKind): StageOptions {
  const magic = cell.item.magic ?? '';
  const line = magicLine(cell);
  const { type, values } = readMagicValues(magic, line.text);
  const options: StageOption[] = [];
  for (const [key, arg] of parseArgs(line.text)) {
    const read = values.get(key) ?? { problem: 'not read' };
    const base = {
      key,
      raw: arg.value,
      start: line.start + arg.offset,
      end: line.start + tokenEnd(key, arg)
    };
    if ('problem' in read) {
      options.push({
        ...base,
        inStage: true,
        editable: false,
        value: null,
        problem: read.problem
      });
    } else if (isOptionValue(read.value)) {
      options.push({
        ...base,
        inStage: read.inStage,
        editable: true,
        value: read.value
      });
    } else {
      options.push({
        ...base,
        inStage: read.inStage,
        editable: false,
        value: read.value
      });
    }
  }
  return {
    format: 'magic',
    magic,
    kind,
    type: typeof type === 'string' ? type : null,
    options
  };
}

/** How Arc's template uses an option (see compile.ts stageTemplate). */
type Treatment = 'text' | 'unquoted' | 'list' | 'map' | 'unused';

/**
 * Found by compiling the magic with the option set to 1: Arc quotes it
 * ("1"), pastes it unquoted (1, as `persist`), splits it into a list
 * (`environments`), reads it as a map (`sqlParams`), or leaves it out of the
 * stage (display options, `outputView` on `%log`).
 */
function treatment(magic: string, key: string): Treatment {
  const value = compileLine(`${magic} ${key}=1`)[key];
  if (value === undefined) {
    return 'unused';
  }
  if (Array.isArray(value)) {
    return 'list';
  }
  if (typeof value === 'object' && value !== null) {
    return 'map';
  }
  return typeof value === 'string' ? 'text' : 'unquoted';
}

const MAGIC_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const SHORT_ESCAPES: Record<string, string> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r'
};

/**
 * Text Arc pastes between the quotes of a HOCON string, unescaped: so
 * backslashes and control characters are escaped, and `"` is written as
 * \u0022 because a literal quote would also change where Arc's parser
 * splits the line. Spaces at the ends are escaped since Arc trims values.
 */
function hoconContent(value: string): string {
  let out = '';
  for (const c of value) {
    if (c === '\\') {
      out += '\\\\';
    } else if (c === '"') {
      out += '\\u0022';
    } else if (c < ' ') {
      out +=
        SHORT_ESCAPES[c] ??
        `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    } else {
      out += c;
    }
  }
  if (out.startsWith(' ')) {
    out = `\\u0020${out.slice(1)}`;
  }
  if (out.endsWith(' ')) {
    out = `${out.slice(0, -1)}\\u0020`;
  }
  return out;
}

/**
 * A value as parseArgs reads it back: quoted when it is empty or has a
 * space or apostrophe (either would change where Arc splits the line),
 * starts with '=' (it would join the key), or ends with ',' (Arc drops a
 * comma that ends the cell).
 */
function magicValueText(text: string): string {
  return text === '' ||
    /[ \t\n\v\f\r']/.test(text) ||
    text.startsWith('=') ||
    text.endsWith(',')
    ? `"${text}"`
    : text;
}

/** The `key=value` token for a change, and the value Arc will read back. */
function magicToken(
  magic: string,
  key: string,
  value: OptionValue
): { token: string; expected: JsonValue } {
  if (!MAGIC_KEY.test(key)) {
    throw new StageOptionsError(
      `${key}: a magic-line option name may only hold letters, digits, '_', '.' and '-'; put the option in a HOCON (%arc) cell instead`,
      { key }
    );
  }
  const how = treatment(magic, key);
  if (how === 'map') {
    throw new StageOptionsError(
      `${key}: a map on the magic line (key=value,key=value) cannot be set from the form; edit it in the cell`,
      { key }
    );
  }
  if (how === 'list') {
    if (!Array.isArray(value)) {
      throw new StageOptionsError(`${key}: give a list of names`, { key });
    }
    if (value.length === 0) {
      throw new StageOptionsError(
        `${key}: a magic line cannot give an empty list; without the option Arc reads [""], so the stage runs in no environment`,
        { key }
      );
    }
    if (value.length > 1 && value[value.length - 1] === '') {
      throw new StageOptionsError(
        `${key}: Arc drops empty names at the end of a comma-separated list`,
        { key }
      );
    }
    const comma = value.find(v => v.includes(','));
    if (comma !== undefined) {
      throw new StageOptionsError(
        `${key}: ${describeValue(comma)} contains ',', which separates names on the magic line; give each name as its own list item`,
        { key }
      );
    }
    return {
      token: `${key}=${magicValueText(hoconContent(value.join(',')))}`,
      expected: value
    };
  }
  if (Array.isArray(value)) {
    throw new StageOptionsError(
      `${key}: only environments takes a list on a magic line`,
      { key }
    );
  }
  if (how === 'unquoted') {
    if (typeof value === 'string') {
      throw new StageOptionsError(
        `${key}: Arc pastes this option into the stage unquoted, so give true, false or a number`,
        { key }
      );
    }
    return { token: `${key}=${String(value)}`, expected: value };
  }
  const text = String(value);
  if (how === 'text') {
    return {
      token: `${key}=${magicValueText(hoconContent(text))}`,
      expected: text
    };
  }
  // Arc leaves the option out of the stage, so it never reaches HOCON: no escapes.
  if (text.includes('"') || hasControlCharacter(text)) {
    throw new StageOptionsError(
      `${key}: Arc's magic-line parser cannot read '"', line breaks or control characters in this option`,
      { key }
    );
  }
  if (javaTrim(text) !== text) {
    throw new StageOptionsError(
      `${key}: Arc trims magic-line values, so the spaces around ${describeValue(text)} would be lost`,
      { key }
    );
  }
  return { token: `${key}=${magicValueText(text)}`, expected: text };
}

export function writeMagic(
  cell: StageCell,
  changes: [string, OptionValue | null][]
): string {
  const magic = cell.item.magic ?? '';
  const line = magicLine(cell);
  const before = readMagicValues(magic, line.text).values;
  const expected = new Map<string, JsonValue | null>();
  let text = line.text;
  for (const [key, value] of changes) {
    const current = before.get(key);
    if (value === null) {
      if (current === undefined) {
        continue;
      }
      expected.set(key, null);
      for (let arg = parseArgs(text).get(key); arg !== undefined;) {
        // The token goes with the whitespace Arc split it at.
        text = text.slice(0, arg.offset - 1) + text.slice(tokenEnd(key, arg));
        arg = parseArgs(text).get(key);
      }
      continue;
    }
    const { token, expected: reads } = magicToken(magic, key, value);
    if (
      current !== undefined &&
      'value' in current &&
      sameJson(current.value, reads)
    ) {
      continue;
    }
    expected.set(key, reads);
    const arg = parseArgs(text).get(key);
    text =
      arg === undefined
        ? `${text} ${token}`
        : text.slice(0, arg.offset) + token + text.slice(tokenEnd(key, arg));
  }
  if (expected.size === 0) {
    return cell.source;
  }
  const source =
    cell.source.slice(0, line.start) + text + cell.source.slice(line.end);
  const after = readMagicValues(
    magic,
    magicLine(requireStageCell(source)).text
  ).values;
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const got = after.get(key);
    const want = expected.get(key);
    const ok =
      want === undefined
        ? sameRead(before.get(key), got)
        : want === null
          ? got === undefined
          : got !== undefined && 'value' in got && sameJson(got.value, want);
    if (!ok) {
      throw new StageOptionsError(
        `${key}: Arc would read ${describeRead(got)} instead of ${
          want === undefined
            ? describeRead(before.get(key))
            : describeValue(want)
        }, because of how the magic line is quoted; edit the line in the cell`,
        { key }
      );
    }
  }
  return source;
}

function sameRead(a: Read | undefined, b: Read | undefined): boolean {
  if (a === undefined || b === undefined) {
    return a === b;
  }
  if ('problem' in a || 'problem' in b) {
    return 'problem' in a && 'problem' in b;
  }
  return a.inStage === b.inStage && sameJson(a.value, b.value);
}

function describeRead(read: Read | undefined): string {
  if (read === undefined) {
    return 'no value';
  }
  return 'problem' in read ? 'an error' : describeValue(read.value);
}
