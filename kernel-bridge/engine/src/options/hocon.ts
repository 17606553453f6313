/**
 * Options of a HOCON stage cell: read from the parser's spans, written as
 * the smallest text edit that keeps comments, layout and substitutions.
 */
import {
  HoconError,
  LineIndex,
  objectToJson,
  parseHocon,
  toJson,
  type HoconMember,
  type HoconNode,
  type HoconObject
} from '../hocon';
import type { OptionValue, StageOption, StageOptions } from '../types';
import {
  describeValue,
  isOptionValue,
  requireStageCell,
  sameJson,
  StageOptionsError,
  type StageCell
} from './common';

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

export function readHocon(cell: StageCell): StageOptions | null {
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

export function writeHocon(
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
