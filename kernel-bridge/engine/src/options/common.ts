/**
 * What reading and writing stage options share: which cells are stages (by
 * the compiler's own cell rules), the error, and the checks on a change.
 */
import { ArcadeError } from '../errors';
import { generateJobText } from '../compile';
import { readNotebookJson, type CodeCell } from '../notebook';
import type { JsonValue, MagicStageKind, OptionValue } from '../types';

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

export type Item = ReturnType<typeof generateJobText>['items'][number];

export interface StageCell {
  source: string;
  cell: CodeCell;
  item: Item;
}

/** The cell as a one-cell Arc notebook. */
export function oneCellNotebook(source: string): unknown {
  return {
    metadata: { kernelspec: { name: 'arc' } },
    cells: [{ cell_type: 'code', source: [source] }]
  };
}

/** The cell as the compiler classifies it; null when Arc does not make a stage of it. */
export function stageCell(source: string): StageCell | null {
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

export function requireStageCell(source: string): StageCell {
  const cell = stageCell(source);
  if (cell === null) {
    throw new StageOptionsError(
      'this cell is not a stage: Arc runs only HOCON cells and %sql, %sqlvalidate, %log, %configexecute, %metadatafilter, %metadatavalidate and %arc cells as stages'
    );
  }
  return cell;
}

export function isMagicKind(kind: Item['kind']): kind is MagicStageKind {
  return (
    kind !== 'hocon' &&
    kind !== 'arc' &&
    kind !== 'configplugin' &&
    kind !== 'lifecycleplugin'
  );
}

export function sameJson(
  a: JsonValue | undefined,
  b: JsonValue | undefined
): boolean {
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

export function isOptionValue(value: JsonValue): value is OptionValue {
  return (
    typeof value === 'string' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    typeof value === 'boolean' ||
    (Array.isArray(value) && value.every(v => typeof v === 'string'))
  );
}

export function describeValue(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x20) {
      return true;
    }
  }
  return false;
}

/** A change as the browser sent it, checked to be a value the form can write. */
export function checkChange(key: string, value: unknown): OptionValue | null {
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
