import type { IStageHeader } from './header';

/**
 * The notebook as the bridge expects it: like a saved `.ipynb`, where a
 * cell's source is a list of lines. JupyterLab's model holds one string,
 * which Arc would read as an empty cell.
 */
export function notebookForBridge(notebook: unknown): unknown {
  if (
    typeof notebook !== 'object' ||
    notebook === null ||
    !Array.isArray((notebook as { cells?: unknown }).cells)
  ) {
    return notebook;
  }
  const cells = (notebook as { cells: unknown[] }).cells.map(cell => {
    if (
      typeof cell !== 'object' ||
      cell === null ||
      typeof (cell as { source?: unknown }).source !== 'string'
    ) {
      return cell;
    }
    const source = (cell as { source: string }).source;
    return { ...cell, source: source.match(/[^\n]*\n|[^\n]+$/g) ?? [] };
  });
  return { ...notebook, cells };
}

/**
 * Names and views already used, and the view a new stage below `index` most
 * likely reads: the last output view above it.
 */
export function insertionContext(
  headers: Iterable<IStageHeader>,
  index: number
): { names: string[]; views: string[]; inputView: string | null } {
  const names: string[] = [];
  const views: string[] = [];
  let inputView: string | null = null;
  let inputCell = -1;
  for (const header of headers) {
    if (header.name) {
      names.push(header.name);
    }
    if (header.outputView) {
      views.push(header.outputView);
      if (header.cell <= index && header.cell > inputCell) {
        inputView = header.outputView;
        inputCell = header.cell;
      }
    }
  }
  return { names, views, inputView };
}
