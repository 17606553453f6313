/**
 * The edit engine behind the stage options form: reads a stage cell's
 * options as Arc 3.7.0 reads them, and writes changed options back into the
 * cell's text with every other character left as it was. Pure (no I/O), so
 * the frontend bundles it.
 *
 * What Arc makes of a cell is never guessed here: cells are classified by
 * the compiler's own cell rules, magic-line values are read by compiling the
 * line, and every write is checked by reading the result back, so a value
 * Arc would misread is refused instead of written.
 */
import { ArcadeError } from '../errors';
import { javaTrim, javaTrimBounds, parseArgs, type MagicArg } from './arcText';
import { compileNotebookJson, generateJobText } from './compile';
import {
  HoconError,
  LineIndex,
  objectToJson,
  parseHocon,
  toJson,
  type HoconMember,
  type HoconNode,
  type HoconObject
} from './hocon';
import { NotebookError, readNotebookJson, type CodeCell } from './notebook';
import type {
  JsonObject,
  JsonValue,
  MagicStageKind,
  OptionValue,
  StageOption,
  StageOptions
} from './types';

/** A stage cell's options cannot be read, or a change cannot be written as asked. */
export class StageOptionsError extends ArcadeError {
  /** The option the problem is about, if it is about one. */
  readonly key: string | null;
  /** 1-based position in the cell's source, when the cell itself is at fault. */
  readonly line: number | null;
  readonly column: number | null;

  constructor(
    message: string,
    where: { key?: string; line?: number; column?: number } = {}
  ) {
    super('bad_request', message);
    this.name = 'StageOptionsError';
    this.key = where.key ?? null;
    this.line = where.line ?? null;
    this.column = where.column ?? null;
  }
}

type Item = ReturnType<typeof generateJobText>['items'][number];

interface StageCell {
  source: string;
  cell: CodeCell;
  item: Item;
}

/** The cell as a one-cell Arc notebook. */
function oneCellNotebook(source: string): unknown {
  return {
    metadata: { kernelspec: { name: 'arc' } },
    cells: [{ cell_type: 'code', source: [source] }]
  };
}

/** The cell as the compiler classifies it; null when Arc does not make a stage of it. */
function stageCell(source: string): StageCell | null {
  const read = readNotebookJson(oneCellNotebook(source), 'cell');
  const item = generateJobText(read).items[0];
  const cell = read.codeCells[0];
  if (
    item === undefined ||
    cell === undefined ||
    item.kind === 'configplugin' ||
    item.kind === 'lifecycleplugin'
  ) {
    return null;
  }
  return { source, cell, item };
}

function requireStageCell(source: string): StageCell {
  const cell = stageCell(source);
  if (cell === null) {
    throw new StageOptionsError(
      'this cell is not a stage: Arc runs only HOCON cells and %sql, %sqlvalidate, %log, %configexecute, %metadatafilter, %metadatavalidate and %arc cells as stages'
    );
  }
  return cell;
}

function isMagicKind(kind: Item['kind']): kind is MagicStageKind {
  return (
    kind !== 'hocon' &&
    kind !== 'arc' &&
    kind !== 'configplugin' &&
    kind !== 'lifecycleplugin'
  );
}

function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((v, i) => sameJson(v, b[i]))
    );
  }
  if (
    typeof a === 'object' &&
    a !== null &&
    typeof b === 'object' &&
    b !== null
  ) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every(k => Object.hasOwn(a, k) && sameJson(a[k], b[k]));
  }
  return a === b;
}

function isOptionValue(value: JsonValue): value is OptionValue {
  return (
    typeof value === 'string' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    typeof value === 'boolean' ||
    (Array.isArray(value) && value.every(v => typeof v === 'string'))
  );
}

function describeValue(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x20) {
      return true;
    }
  }
  return false;
}

/** A change as the browser sent it, checked to be a value the form can write. */
function checkChange(key: string, value: unknown): OptionValue | null {
  if (key === '') {
    throw new StageOptionsError('an option needs a name', { key });
  }
  if (value === null) {
    return null;
  }
  if (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (Array.isArray(value) && value.every(v => typeof v === 'string'))
  ) {
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new StageOptionsError(
        `${key}: ${String(value)} is not a number HOCON can hold`,
        { key }
      );
    }
    return value;
  }
  throw new StageOptionsError(
    `${key}: ${describeValue(value)} is not text, a number, true/false or a list of text`,
    { key }
  );
}

// ---------------------------------------------------------------- magic lines

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

function readMagic(cell: StageCell, kind: MagicStageKind): StageOptions {
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

function writeMagic(
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

// ---------------------------------------------------------------- HOCON cells

/** A member with offsets in the cell's source. */
interface Member {
  path: string[];
  keyStart: number;
  keyEnd: number;
  separator: HoconMember['separator'];
  valueStart: number;
  valueEnd: number;
  value: HoconNode;
}

interface HoconStage {
  source: string;
  object: HoconObject;
  members: Member[];
  /** Source offset of the closing brace. */
  close: number;
  /** Source offsets of a start, and of an end, in the parsed text. */
  at: (offset: number) => number;
  endAt: (offset: number) => number;
}

/** The list Arc's document puts stage cells in. */
const FRAME_START = '{"stages": [\n';
const FRAME_END = '\n]}';

/** The cell's stage object; null when the cell holds no value at all (only comments). */
function parseHoconStage(cell: StageCell): HoconStage | null {
  const { source, item } = cell;
  // Arc strips margins from the whole document, so from the cell's text too.
  const text = item.text.stripMargin();
  const at = (offset: number): number =>
    text.origin(Math.max(0, offset - FRAME_START.length)).offset;
  const endAt = (offset: number): number =>
    offset - FRAME_START.length <= 0 ? at(offset) : at(offset - 1) + 1;
  let root: HoconObject;
  try {
    root = parseHocon(FRAME_START + text.text + FRAME_END);
  } catch (error) {
    if (!(error instanceof HoconError)) {
      throw error;
    }
    const offset =
      error.offset - FRAME_START.length >= text.text.length
        ? endAt(FRAME_START.length + text.text.length)
        : at(error.offset);
    const { line, column } = new LineIndex(source).locate(offset);
    throw new StageOptionsError(
      `line ${line}, column ${column}: ${error.message}`,
      { line, column }
    );
  }
  const list = root.fields.get('stages')?.value;
  const items = list?.kind === 'array' ? list.items : [];
  const object = items[0];
  if (object === undefined) {
    return null;
  }
  if (items.length > 1) {
    throw new StageOptionsError(
      `this cell holds ${items.length} stages; the options form edits cells with one`
    );
  }
  if (object.kind !== 'object') {
    throw new StageOptionsError('this cell is not one HOCON object { … }');
  }
  const close = endAt(object.end) - 1;
  if (source[close] !== '}') {
    throw new StageOptionsError('this cell is not one HOCON object { … }');
  }
  const members = object.members.map(m => ({
    path: m.path,
    keyStart: at(m.keyOffset),
    keyEnd: endAt(m.keyEnd),
    separator: m.separator,
    valueStart: at(m.value.offset),
    valueEnd: endAt(m.value.end),
    value: m.value
  }));
  return { source, object, members, close, at, endAt };
}

function requireHoconStage(source: string): HoconStage {
  const stage = parseHoconStage(requireStageCell(source));
  if (stage === null) {
    throw new StageOptionsError('this cell holds no stage');
  }
  return stage;
}

function readHocon(cell: StageCell): StageOptions | null {
  const stage = parseHoconStage(cell);
  if (stage === null) {
    return null;
  }
  const json = objectToJson(stage.object);
  const options: StageOption[] = [];
  for (const [key, field] of stage.object.fields) {
    const member = stage.members.filter(m => m.path[0] === key).at(-1);
    const value = toJson(field.value);
    const start = member?.keyStart ?? stage.at(field.keyOffset);
    const end = member?.valueEnd ?? stage.endAt(field.value.end);
    const raw =
      member !== undefined && member.path.length === 1
        ? stage.source.slice(member.valueStart, member.valueEnd)
        : stage.source.slice(start, end);
    const base = { key, raw, start, end, inStage: true };
    const simple =
      field.value.kind === 'string' ||
      field.value.kind === 'number' ||
      field.value.kind === 'boolean' ||
      (field.value.kind === 'array' &&
        field.value.items.every(i => i.kind === 'string'));
    options.push(
      simple && isOptionValue(value)
        ? { ...base, editable: true, value }
        : { ...base, editable: false, value }
    );
  }
  return {
    format: 'hocon',
    magic: cell.item.magic,
    type: typeof json.type === 'string' ? json.type : null,
    options
  };
}

/** HOCON's whitespace on one line (newlines end it). */
function isInlineSpace(c: string | undefined): boolean {
  if (c === undefined || c === '\n') {
    return false;
  }
  const code = c.charCodeAt(0);
  return (code >= 0x1c && code <= 0x1f) || /\s/.test(c);
}

function lineStart(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1;
}

function onlySpace(text: string): boolean {
  for (const c of text) {
    if (!isInlineSpace(c)) {
      return false;
    }
  }
  return true;
}

/** Text before a member on its line that leaves the member starting the line, for Arc (which strips a margin '|'). */
function isIndent(text: string): boolean {
  return onlySpace(text.endsWith('|') ? text.slice(0, -1) : text);
}

/** What follows a member's value on its line: its comma, a comment, then the line's end. */
interface Trailing {
  /** Offset of the comma after the value on the same line, if any. */
  comma: number | null;
  /** Offset just past the value, its comma and a comment. */
  end: number;
  /** Nothing but spaces follows `end` on the line. */
  endsLine: boolean;
}

function trailing(source: string, from: number): Trailing {
  let p = from;
  let end = from;
  let comma: number | null = null;
  while (isInlineSpace(source[p])) {
    p++;
  }
  if (source[p] === ',') {
    comma = p;
    p++;
    end = p;
    while (isInlineSpace(source[p])) {
      p++;
    }
  }
  if (source[p] === '#' || source.startsWith('//', p)) {
    const newline = source.indexOf('\n', p);
    p = newline === -1 ? source.length : newline;
    end = p;
    while (end > from && isInlineSpace(source[end - 1])) {
      end--;
    }
  }
  return { comma, end, endsLine: p === source.length || source[p] === '\n' };
}

function sameLine(source: string, from: number, to: number): boolean {
  return !source.slice(from, to).includes('\n');
}

interface Edit {
  from: number;
  to: number;
  text: string;
}

/** Applies edits to the original offsets; edits at one offset keep their order. */
function applyEdits(source: string, edits: Edit[]): string {
  let out = source;
  const last = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => b.edit.from - a.edit.from || b.index - a.index);
  for (const { edit } of last) {
    out = out.slice(0, edit.from) + edit.text + out.slice(edit.to);
  }
  return out;
}

/** Removing the last member also removes the comma it left behind, unless the fields end with commas. */
function danglingComma(
  stage: HoconStage,
  index: number,
  after: Trailing
): Edit[] {
  const previous = stage.members[index - 1];
  if (index !== stage.members.length - 1 || after.comma !== null || !previous) {
    return [];
  }
  const comma = trailing(stage.source, previous.valueEnd).comma;
  return comma === null ? [] : [{ from: comma, to: comma + 1, text: '' }];
}

function removeMember(stage: HoconStage, index: number): string {
  const { source, members } = stage;
  const member = members[index] as Member;
  const previous = members[index - 1];
  const next = members[index + 1];
  const after = trailing(source, member.valueEnd);
  const start = lineStart(source, member.keyStart);
  if (isIndent(source.slice(start, member.keyStart)) && after.endsLine) {
    // The member has its lines to itself: they go, with its comment.
    const newline = source.indexOf('\n', after.end);
    return applyEdits(source, [
      {
        from: start,
        to: newline === -1 ? source.length : newline + 1,
        text: ''
      },
      ...danglingComma(stage, index, after)
    ]);
  }
  if (
    next !== undefined &&
    after.comma !== null &&
    sameLine(source, member.valueEnd, next.keyStart)
  ) {
    return applyEdits(source, [
      { from: member.keyStart, to: next.keyStart, text: '' }
    ]);
  }
  if (
    previous !== undefined &&
    sameLine(source, previous.valueEnd, member.keyStart)
  ) {
    return applyEdits(source, [
      { from: previous.valueEnd, to: member.valueEnd, text: '' }
    ]);
  }
  let from = member.keyStart;
  while (from > start && isInlineSpace(source[from - 1])) {
    from--;
  }
  let to = after.end;
  if (!after.endsLine) {
    while (isInlineSpace(source[to])) {
      to++;
    }
  }
  return applyEdits(source, [
    { from, to, text: '' },
    ...danglingComma(stage, index, after)
  ]);
}

const UNQUOTED_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Key and separator written like the neighbouring field's. */
function fieldText(stage: HoconStage, key: string, value: string): string {
  const { source, members } = stage;
  const last = members.at(-1);
  const quoted =
    last === undefined ||
    source[last.keyStart] === '"' ||
    !UNQUOTED_KEY.test(key) ||
    key === 'include';
  const separator = [...members]
    .reverse()
    .map(m => source.slice(m.keyEnd, m.valueStart))
    .find(text => /^[^\S\n]*[:=][^\S\n]*$/.test(text));
  return `${quoted ? JSON.stringify(key) : key}${separator ?? ': '}${value}`;
}

function lineEnding(source: string, near: number): string {
  const newline = source.indexOf('\n', near);
  if (newline !== -1) {
    return source[newline - 1] === '\r' ? '\r\n' : '\n';
  }
  return source.includes('\r\n') ? '\r\n' : '\n';
}

function insertMember(stage: HoconStage, key: string, value: string): string {
  const { source, members, close } = stage;
  const field = fieldText(stage, key, value);
  const last = members.at(-1);
  if (last === undefined) {
    const open = stage.at(stage.object.offset);
    const inner = source.slice(open + 1, close);
    if (!inner.includes('\n')) {
      return applyEdits(source, [
        { from: close, to: close, text: inner === '' ? field : `${field} ` }
      ]);
    }
    const eol = lineEnding(source, open);
    const start = lineStart(source, close);
    const indent = source.slice(start, close);
    return onlySpace(indent)
      ? applyEdits(source, [
          { from: start, to: start, text: `${indent}  ${field}${eol}` }
        ])
      : applyEdits(source, [
          { from: close, to: close, text: `${eol}  ${field}${eol}` }
        ]);
  }
  const after = trailing(source, last.valueEnd);
  const start = lineStart(source, last.keyStart);
  const indent = source.slice(start, last.keyStart);
  if (!isIndent(indent)) {
    // Fields on one line: continue the line.
    if (after.comma !== null) {
      return applyEdits(source, [
        { from: after.comma + 1, to: after.comma + 1, text: ` ${field},` }
      ]);
    }
    const previous = members.at(-2);
    const gap =
      previous === undefined
        ? ''
        : source.slice(previous.valueEnd, last.keyStart);
    const between = /^[^\S\n]*,[^\S\n]*$/.test(gap) ? gap : ', ';
    return applyEdits(source, [
      { from: last.valueEnd, to: last.valueEnd, text: `${between}${field}` }
    ]);
  }
  const eol = lineEnding(source, last.valueEnd);
  if (after.comma !== null) {
    return applyEdits(source, [
      { from: after.end, to: after.end, text: `${eol}${indent}${field},` }
    ]);
  }
  const commas = members.some(
    m => m !== last && trailing(source, m.valueEnd).comma !== null
  );
  return applyEdits(source, [
    ...(commas ? [{ from: last.valueEnd, to: last.valueEnd, text: ',' }] : []),
    { from: after.end, to: after.end, text: `${eol}${indent}${field}` }
  ]);
}

/** Whether a line after the first starts with spaces and '|', which Arc's stripMargin would cut. */
function hasMargin(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n' || text[i] === '\f') {
      let j = i + 1;
      while (
        j < text.length &&
        text.charCodeAt(j) <= 0x20 &&
        text[j] !== '\n' &&
        text[j] !== '\f'
      ) {
        j++;
      }
      if (text[j] === '|') {
        return true;
      }
    }
  }
  return false;
}

function stringText(
  value: string,
  old: Member | undefined,
  source: string
): string {
  const triple = old !== undefined && source.startsWith('"""', old.valueStart);
  if (
    triple &&
    !value.includes('"""') &&
    !value.endsWith('"') &&
    !hasMargin(value)
  ) {
    return `"""${value}"""`;
  }
  return JSON.stringify(value);
}

/** A list laid out like the one it replaces (one line, or one item a line). */
function listText(
  value: string[],
  old: Member | undefined,
  stage: HoconStage
): string {
  const items = value.map(v => JSON.stringify(v));
  const { source } = stage;
  if (old?.value.kind !== 'array') {
    return `[${items.join(', ')}]`;
  }
  const oldItems = old.value.items.map(i => ({
    start: stage.at(i.offset),
    end: stage.endAt(i.end)
  }));
  const first = oldItems[0];
  const second = oldItems[1];
  const closeBracket = old.valueEnd - 1;
  if (first !== undefined && items.length > 0) {
    const itemIndent = source.slice(
      lineStart(source, first.start),
      first.start
    );
    const closeIndent = source.slice(
      lineStart(source, closeBracket),
      closeBracket
    );
    if (
      !sameLine(source, old.valueStart, first.start) &&
      onlySpace(itemIndent) &&
      onlySpace(closeIndent) &&
      !sameLine(source, first.end, closeBracket)
    ) {
      const eol = lineEnding(source, old.valueStart);
      return `[${eol}${items.map(i => itemIndent + i).join(`,${eol}`)}${eol}${closeIndent}]`;
    }
  }
  const between =
    first !== undefined &&
    second !== undefined &&
    /^[^\S\n]*,[^\S\n]*$/.test(source.slice(first.end, second.start))
      ? source.slice(first.end, second.start)
      : ', ';
  return `[${items.join(between)}]`;
}

function hoconValueText(
  value: OptionValue,
  old: Member | undefined,
  stage: HoconStage
): string {
  if (Array.isArray(value)) {
    return listText(value, old, stage);
  }
  if (typeof value === 'string') {
    return stringText(value, old, stage.source);
  }
  return String(value);
}

/**
 * One step of a change. Removing a key removes its members one at a time;
 * setting it replaces the value of its last member, once no later member
 * (`key.x = …`, `key += …`) would change what Arc reads.
 */
function hoconStep(
  stage: HoconStage,
  key: string,
  value: OptionValue | null
): { source: string; done: boolean } {
  const index = stage.members.findLastIndex(m => m.path[0] === key);
  const member = stage.members[index];
  if (member === undefined) {
    return value === null
      ? { source: stage.source, done: true }
      : {
          source: insertMember(
            stage,
            key,
            hoconValueText(value, undefined, stage)
          ),
          done: true
        };
  }
  if (
    value === null ||
    member.path.length > 1 ||
    member.separator === null ||
    member.separator === '+='
  ) {
    return { source: removeMember(stage, index), done: false };
  }
  return {
    source: applyEdits(stage.source, [
      {
        from: member.valueStart,
        to: member.valueEnd,
        text: hoconValueText(value, member, stage)
      }
    ]),
    done: true
  };
}

function writeHocon(
  cell: StageCell,
  changes: [string, OptionValue | null][]
): string {
  const before = objectToJson(requireHoconStage(cell.source).object);
  const expected = new Map(Object.entries(before));
  let source = cell.source;
  for (const [key, value] of changes) {
    if (
      value === null
        ? !Object.hasOwn(before, key)
        : sameJson(before[key], value)
    ) {
      continue;
    }
    if (value === null) {
      expected.delete(key);
    } else {
      expected.set(key, value);
    }
    for (let done = false; !done;) {
      const step = hoconStep(requireHoconStage(source), key, value);
      source = step.source;
      done = step.done;
    }
  }
  const after = objectToJson(requireHoconStage(source).object);
  const wrong = [...Object.keys(after), ...expected.keys()].find(
    key => !sameJson(after[key], expected.get(key))
  );
  if (wrong !== undefined) {
    throw new StageOptionsError(
      `${wrong}: Arc would read ${describeValue(after[wrong])} instead of ${describeValue(expected.get(wrong))}; edit the cell itself`,
      { key: wrong }
    );
  }
  return source;
}

// ---------------------------------------------------------------- public API

/**
 * A stage cell's options as Arc reads them, from the cell's source. Null
 * when Arc does not make a stage of the cell (markdown-like magics such as
 * %conf, plugins, empty cells). Throws StageOptionsError, with the line and
 * column, when the cell's HOCON does not parse, and when the cell holds
 * more than one stage.
 */
export function readStageOptions(source: string): StageOptions | null {
  const cell = stageCell(source);
  if (cell === null) {
    return null;
  }
  const kind = cell.item.kind;
  return isMagicKind(kind) ? readMagic(cell, kind) : readHocon(cell);
}

/**
 * The cell's source with `changes` made: each key set to its value, or
 * removed when the value is null. Everything outside the changed options'
 * text stays as it was; a change to the value an option already has
 * changes nothing. Throws StageOptionsError (naming the key) for a value
 * Arc could not read back exactly, and for cells readStageOptions refuses.
 */
export function writeStageOptions(
  source: string,
  changes: Readonly<Record<string, OptionValue | null>>
): string {
  const entries = Object.entries(changes).map(
    ([key, value]): [string, OptionValue | null] => [
      key,
      checkChange(key, value)
    ]
  );
  if (entries.length === 0) {
    return source;
  }
  const cell = requireStageCell(source);
  return isMagicKind(cell.item.kind)
    ? writeMagic(cell, entries)
    : writeHocon(cell, entries);
}
