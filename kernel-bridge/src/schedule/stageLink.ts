/**
 * Where a failed stage of a run is in the notebook today: the runs panel
 * opens that cell when it is the same as in the run's version, and the
 * stage diff when it changed since. Pure.
 */
import { stageCells } from '../runs/stageCells';

function cellTexts(notebook: unknown): string[] {
  if (typeof notebook !== 'object' || notebook === null) {
    return [];
  }
  const cells = (notebook as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) {
    return [];
  }
  return cells.map(cell => {
    const source = (cell as { source?: unknown } | null)?.source;
    return Array.isArray(source)
      ? source.join('')
      : typeof source === 'string'
        ? source
        : '';
  });
}

export interface CellLink {
  /** The cell in the run's version. */
  cellAtVersion: number;
  /** The same stage in the working copy, when it can be found. */
  currentCell: number | null;
  /** True when the stage's cell differs from the run's version (or is gone). */
  changed: boolean;
}

/** Finds cell `cell` of `then` (the run's version) in `now` (the working copy). */
export function changedCell(
  then: unknown,
  now: unknown,
  cell: number
): CellLink {
  const before = cellTexts(then);
  const after = cellTexts(now);
  const text = before[cell];
  if (text === undefined) {
    return { cellAtVersion: cell, currentCell: null, changed: true };
  }
  if (after[cell] === text) {
    return { cellAtVersion: cell, currentCell: cell, changed: false };
  }
  const moved = after.indexOf(text);
  if (moved >= 0) {
    return { cellAtVersion: cell, currentCell: moved, changed: false };
  }
  // Edited: the stage of the same name, else the cell at the same place.
  const name = stageCells(then).find(s => s.cellIndex === cell)?.name ?? null;
  const same =
    name === null
      ? undefined
      : stageCells(now).find(s => s.name === name)?.cellIndex;
  return {
    cellAtVersion: cell,
    currentCell: same ?? (cell < after.length ? cell : null),
    changed: true
  };
}
