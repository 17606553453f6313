import { ArcadeError } from './errors';
import { javaTrimBounds } from './arcText';
import { LineIndex } from './hocon';
import type { SourceLocation } from './types';
import { ARC_KERNEL_NAME, isRecord } from './values';

/** Largest notebook compiled, in characters. */
export const MAX_NOTEBOOK_LENGTH = 32 * 1024 * 1024;

/** Where in the notebook an error is, as far as it is known. */
export interface NotebookErrorLocation {
  cell?: number;
  /** Line in the HOCON document Arc generates (Arc's "String: N"). */
  jobLine?: number;
  line?: number;
  column?: number;
}

/** The notebook cannot be read or compiled; the message names file, cell and line. */
export class NotebookError extends ArcadeError {
  readonly file: string;
  readonly location: NotebookErrorLocation;
  readonly detail: string;

  constructor(
    file: string,
    detail: string,
    location: NotebookErrorLocation = {}
  ) {
    super(
      'invalid_notebook',
      `${file}${describeLocation(location)}: ${detail}`
    );
    this.file = file;
    this.location = location;
    this.detail = detail;
  }
}

function describeLocation(location: NotebookErrorLocation): string {
  const parts: string[] = [];
  if (location.cell !== undefined) {
    parts.push(`cell ${location.cell + 1}`);
  }
  if (location.line !== undefined) {
    parts.push(`line ${location.line}`);
  }
  if (location.column !== undefined) {
    parts.push(`column ${location.column}`);
  }
  return parts.length === 0 ? '' : `: ${parts.join(', ')}`;
}

/** A code cell as Arc reads it. */
export interface CodeCell {
  /** Index among all cells. */
  cell: number;
  /** Index among code cells. */
  codeCell: number;
  /** The joined source as stored in the notebook. */
  source: string;
  /** Arc's view of the cell: trimmed, one trailing comma removed. */
  text: string;
  /** Offset of `text` in `source`. */
  start: number;
  /** `source` was a string, which Arc 3.7 reads as an empty cell. */
  sourceNotAList: boolean;
  lines: LineIndex;
}

export interface ReadNotebook {
  codeCells: CodeCell[];
  /** Indices of markdown, raw and other non-code cells. */
  otherCells: number[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return isRecord(value);
}

/** Jackson's JsonNode.asText for an element of `source`. */
function asText(value: Json): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'object') {
    return '';
  }
  return String(value);
}

function jsonErrorLocation(
  text: string,
  error: unknown
): NotebookErrorLocation {
  const message = error instanceof Error ? error.message : '';
  const match = /position (\d+)/.exec(message);
  if (match?.[1] === undefined) {
    return {};
  }
  const { line, column } = new LineIndex(text).locate(Number(match[1]));
  return { line, column };
}

function jsonErrorDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `not valid JSON (${message.replace(/\s+in JSON at position \d+.*$/s, '')})`;
}

/**
 * Arc's readIPYNB up to the cell list: JSON, `metadata.kernelspec.name ==
 * "arc"`, code cells only, each joined, trimmed (Java trim) and stripped of
 * one trailing comma.
 */
export function readNotebook(text: string, file: string): ReadNotebook {
  if (text.length > MAX_NOTEBOOK_LENGTH) {
    throw new NotebookError(
      file,
      `notebook is larger than ${MAX_NOTEBOOK_LENGTH / (1024 * 1024)} MiB`
    );
  }
  if (text.includes('\u0000')) {
    throw new NotebookError(
      file,
      'not a notebook: the file is binary (it contains NUL bytes)'
    );
  }
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (error) {
    throw new NotebookError(
      file,
      jsonErrorDetail(error),
      jsonErrorLocation(text, error)
    );
  }
  return readNotebookJson(root, file);
}

export function readNotebookJson(root: unknown, file: string): ReadNotebook {
  const notebook = root as Json;
  if (!isObject(notebook)) {
    throw new NotebookError(file, 'not a notebook: the JSON is not an object');
  }
  const metadata = notebook.metadata;
  const kernelspec = isObject(metadata) ? metadata.kernelspec : undefined;
  const name = isObject(kernelspec) ? kernelspec.name : undefined;
  if (name === undefined) {
    throw new NotebookError(
      file,
      'not an Arc notebook: metadata.kernelspec.name is missing',
      {}
    );
  }
  if (name !== ARC_KERNEL_NAME) {
    throw new NotebookError(
      file,
      `not an Arc notebook: kernelspec is ${JSON.stringify(name)}, Arc needs "${ARC_KERNEL_NAME}"`
    );
  }
  const cells = notebook.cells;
  if (!Array.isArray(cells)) {
    throw new NotebookError(file, 'not a notebook: "cells" is not a list');
  }
  const codeCells: CodeCell[] = [];
  const otherCells: number[] = [];
  cells.forEach((cell, index) => {
    if (!isObject(cell) || cell.cell_type === undefined) {
      throw new NotebookError(file, 'cell has no "cell_type"', { cell: index });
    }
    if (cell.cell_type !== 'code') {
      otherCells.push(index);
      return;
    }
    const rawSource = cell.source;
    if (rawSource === undefined) {
      throw new NotebookError(file, 'code cell has no "source"', {
        cell: index
      });
    }
    // Jackson iterates only list elements: a string source reads as "".
    const sourceNotAList = !Array.isArray(rawSource);
    const source = Array.isArray(rawSource)
      ? rawSource.map(asText).join('')
      : '';
    const [start, end] = javaTrimBounds(source);
    const trimmed = source.slice(start, end);
    let text = trimmed;
    if (trimmed.endsWith(',')) {
      text = trimmed.slice(0, -1);
    } else if (/,[\u0085\u2028\u2029]$/.test(trimmed)) {
      // Java's `$` also matches before a final line terminator.
      text = trimmed.slice(0, -2) + trimmed.slice(-1);
    }
    codeCells.push({
      cell: index,
      codeCell: codeCells.length,
      source,
      text,
      start,
      sourceNotAList,
      lines: new LineIndex(source)
    });
  });
  return { codeCells, otherCells };
}

/** A location inside a code cell from an offset in its source. */
export function locate(cell: CodeCell, offset: number): SourceLocation {
  const { line, column } = cell.lines.locate(offset);
  return { cell: cell.cell, line, column };
}
