/**
 * The edit engine behind the stage options form: reads a stage cell's
 * options as Arc 3.7.0 reads them, and writes changed options back into the
 * cell's text with every other character left as it was. Pure (no I/O), so
 * the frontend bundles it. One module for magic lines, one for HOCON cells.
 *
 * What Arc makes of a cell is never guessed here: cells are classified by
 * the compiler's own cell rules, magic-line values are read by compiling the
 * line, and every write is checked by reading the result back, so a value
 * Arc would misread is refused instead of written.
 */
import type { OptionValue, StageOptions } from '../types';
import {
  checkChange,
  isMagicKind,
  requireStageCell,
  stageCell
} from './common';
import { readHocon, writeHocon } from './hocon';
import { readMagic, writeMagic } from './magic';

export { StageOptionsError } from './common';

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
