/**
 * Which notebook cell each stage of a run came from.
 *
 * Arc's log names a running stage but not its cell, so the cells are read
 * the way Arc 3.7.0 reads them (`ConfigUtils.parseIPYNBCells`): code cells
 * only, trimmed, trailing comma removed; a cell is a stage when it is not a
 * magic or starts with one of the stage magics.
 */

/** A stage cell of a notebook, with what can be read without running Arc. */
export interface StageCell {
  /** Index among all cells of the notebook, the one the UI shows. */
  cellIndex: number;
  /** `name` of the stage, null when it cannot be read without HOCON resolution. */
  name: string | null;
  /** `environments` of the stage, null when not readable. */
  environments: string[] | null;
}

const STAGE_MAGICS = [
  '%arc',
  '%configexecute',
  '%log',
  '%metadatafilter',
  '%metadatavalidate',
  '%sql'
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Arc joins `source` only when it is a list of lines; a plain string reads as empty. */
function cellText(cell: Record<string, unknown>): string {
  const source = cell.source;
  if (!Array.isArray(source)) {
    return '';
  }
  return source
    .filter((line): line is string => typeof line === 'string')
    .join('')
    .trim()
    .replace(/,$/, '');
}

/** `key=value` options of a magic line; values may be double-quoted. */
export function magicOptions(line: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const match of line.matchAll(/([A-Za-z_]\w*)=("[^"]*"|\S*)/g)) {
    const [, key, raw] = match;
    if (key !== undefined && raw !== undefined) {
      options.set(key, raw.replace(/^"|"$/g, '').trim());
    }
  }
  return options;
}

function hoconString(body: string, key: string): string | null {
  const match = new RegExp(
    `"?${key}"?\\s*[:=]\\s*"((?:[^"\\\\]|\\\\.)*)"`
  ).exec(body);
  return match?.[1] ?? null;
}

function hoconEnvironments(body: string): string[] | null {
  const match = /"?environments"?\s*[:=]\s*\[([^\]]*)\]/.exec(body);
  if (match?.[1] === undefined) {
    return null;
  }
  const items = match[1].split(',').map(item => item.trim());
  if (items.some(item => !/^"[^"]*"$/.test(item) && item !== '')) {
    return null;
  }
  return items.filter(item => item !== '').map(item => item.slice(1, -1));
}

function stageCellOf(text: string, cellIndex: number): StageCell | null {
  const lower = text.toLowerCase();
  if (!lower.startsWith('%')) {
    return text === ''
      ? null
      : {
          cellIndex,
          name: hoconString(text, 'name'),
          environments: hoconEnvironments(text)
        };
  }
  if (!STAGE_MAGICS.some(magic => lower.startsWith(magic))) {
    return null;
  }
  const newline = text.indexOf('\n');
  const magicLine = newline < 0 ? text : text.slice(0, newline);
  if (lower.startsWith('%arc')) {
    const body = newline < 0 ? '' : text.slice(newline + 1);
    return {
      cellIndex,
      name: hoconString(body, 'name'),
      environments: hoconEnvironments(body)
    };
  }
  const options = magicOptions(magicLine);
  return {
    cellIndex,
    name: options.get('name') ?? '',
    environments: (options.get('environments') ?? '').split(',')
  };
}

/** The stage cells of a parsed `.ipynb`, in Arc's order. */
export function stageCells(notebook: unknown): StageCell[] {
  if (!isObject(notebook) || !Array.isArray(notebook.cells)) {
    return [];
  }
  const cells: StageCell[] = [];
  notebook.cells.forEach((cell: unknown, cellIndex) => {
    if (isObject(cell) && cell.cell_type === 'code') {
      const stage = stageCellOf(cellText(cell), cellIndex);
      if (stage !== null) {
        cells.push(stage);
      }
    }
  });
  return cells;
}

/**
 * Maps the stages of one run to cells. Arc runs the stage cells whose
 * environments include the run's, in order, so each started stage is the
 * next such cell with its name.
 */
export class CellLocator {
  constructor(
    private readonly cells: StageCell[],
    private readonly environment: string
  ) {}

  /** The cell of the next stage Arc started; advances past it. */
  nextStarted(name: string): number | null {
    for (let i = this.cursor; i < this.cells.length; i++) {
      const cell = this.cells[i];
      if (cell === undefined) {
        break;
      }
      const runs =
        cell.environments === null ||
        cell.environments.includes(this.environment);
      if (runs && (cell.name === null || cell.name === name)) {
        this.cursor = i + 1;
        return cell.cellIndex;
      }
    }
    return null;
  }

  /** The cell of a configuration error's `stageIndex` (counts every stage cell). */
  byStageIndex(stageIndex: number | null): number | null {
    if (stageIndex === null) {
      return null;
    }
    return this.cells[stageIndex]?.cellIndex ?? null;
  }

  private cursor = 0;
}
