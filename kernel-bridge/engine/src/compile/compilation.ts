/**
 * What one compile shares: its options, the generated document's locations
 * mapped back to notebook cells, its errors, and each item's compile info.
 */
import { ArcadeError } from '../errors';
import type { MappedText } from '../arcText';
import {
  HoconError,
  LineIndex,
  type HoconNode,
  type HoconObject
} from '../hocon';
import {
  locate,
  NotebookError,
  type CodeCell,
  type ReadNotebook
} from '../notebook';
import type {
  CompiledPluginInfo,
  CompiledStageInfo,
  JsonObject,
  JsonValue,
  SourceLocation
} from '../types';
import type { Item } from './jobText';

export interface CompileOptions {
  /** Name used in error messages. */
  file?: string;
  /** Substitution values, like Arc's `--KEY=value`. */
  vars?: Readonly<Record<string, string>>;
  /** `vars` are all the values Arc will have: missing `${?X}` vanish, missing `${X}` are errors. */
  complete?: boolean;
  /** Deepest HOCON nesting accepted. */
  maxDepth?: number;
  /**
   * Reuse what earlier compiles found for cells whose text did not change
   * (default true). The result is the same either way; tests compare both.
   */
  reuse?: boolean;
}

export function field(object: HoconObject, key: string): HoconNode | undefined {
  return object.fields.get(key)?.value;
}

export function collectUnresolved(value: JsonValue, into: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach(v => {
      collectUnresolved(v, into);
    });
  } else if (typeof value === 'object' && value !== null) {
    const subst = value.$subst;
    if (
      typeof subst === 'string' &&
      Object.keys(value).every(k => k === '$subst' || k === 'optional')
    ) {
      into.add(subst);
      return;
    }
    Object.values(value).forEach(v => {
      collectUnresolved(v, into);
    });
  }
}

export class Compilation {
  private readonly cells = new Map<number, CodeCell>();
  private readonly lines: LineIndex;

  constructor(
    private readonly file: string,
    private readonly doc: MappedText,
    read: ReadNotebook
  ) {
    for (const cell of read.codeCells) {
      this.cells.set(cell.cell, cell);
    }
    this.lines = new LineIndex(doc.text);
  }

  locationOf(offset: number): SourceLocation | null {
    const origin = this.doc.origin(offset);
    const cell = this.cells.get(origin.cell);
    return cell === undefined ? null : locate(cell, origin.offset);
  }

  /** The location of a value's content (inside its quotes). */
  valueLocation(node: HoconNode): SourceLocation | null {
    let offset = node.offset;
    if (node.kind === 'string') {
      const text = this.doc.text;
      offset += text.startsWith('"""', offset)
        ? 3
        : text[offset] === '"'
          ? 1
          : 0;
    }
    return this.locationOf(offset);
  }

  jobLine(offset: number): number {
    return this.lines.locate(offset).line;
  }

  error(error: unknown): ArcadeError {
    if (error instanceof ArcadeError) {
      return error;
    }
    if (error instanceof HoconError) {
      const origin = this.doc.originNear(error.offset);
      const cell = this.cells.get(origin.cell);
      const location = cell === undefined ? null : locate(cell, origin.offset);
      const line = this.jobLine(error.offset);
      if (location === null) {
        return new NotebookError(
          this.file,
          `${error.message} (line ${line} of the generated job)`
        );
      }
      return new NotebookError(this.file, error.message, {
        ...location,
        jobLine: line
      });
    }
    if (error instanceof RangeError) {
      return new NotebookError(
        this.file,
        'the notebook is nested too deeply to compile'
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    return new NotebookError(this.file, `could not compile: ${message}`);
  }

  fields(
    object: HoconObject,
    prefix: string,
    into: Record<string, SourceLocation>
  ): void {
    for (const [key, entry] of object.fields) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const location = this.valueLocation(entry.value);
      if (location !== null) {
        into[path] = location;
      }
      if (entry.value.kind === 'object') {
        this.fields(entry.value, path, into);
      }
    }
  }
}

export function itemList(
  root: HoconObject,
  path: string[],
  what: string,
  compilation: Compilation
): HoconNode[] {
  let node: HoconNode | undefined = root;
  for (const key of path) {
    node = node?.kind === 'object' ? field(node, key) : undefined;
  }
  if (node?.kind !== 'array') {
    throw compilation.error(
      new HoconError(
        `the cells break the job structure: ${what} is not a list`,
        node?.offset ?? 0
      )
    );
  }
  return node.items;
}

function stringList(value: JsonValue | undefined): string[] | null {
  return Array.isArray(value) && value.every(v => typeof v === 'string')
    ? value
    : null;
}

/** What the compile result says about one stage or plugin cell. */
export function itemInfo(
  item: Item,
  json: JsonObject,
  location: SourceLocation,
  fields: Record<string, SourceLocation>,
  index: number,
  jobLine: number
): CompiledPluginInfo | CompiledStageInfo {
  const base = {
    index,
    cell: item.cell.cell,
    codeCell: item.cell.codeCell,
    magic: item.magic,
    type: typeof json.type === 'string' ? json.type : null,
    location:
      item.kind === 'hocon' ? location : locate(item.cell, item.cell.start),
    jobLine,
    fields
  };
  return item.kind === 'configplugin' || item.kind === 'lifecycleplugin'
    ? { ...base, kind: item.kind }
    : {
        ...base,
        kind: item.kind,
        environments: stringList(json.environments)
      };
}
