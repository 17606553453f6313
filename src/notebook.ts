import type { JupyterFrontEnd } from '@jupyterlab/application';
import { NotebookPanel, type INotebookTracker } from '@jupyterlab/notebook';
import { isArcKernelspec } from 'arcade-engine/core';

/**
 * True for a notebook whose kernelspec is the Arc kernel; false until its
 * file has loaded, since the kernelspec is only known then.
 */
export function isArcNotebook(panel: NotebookPanel): boolean {
  return (
    panel.context.isReady &&
    isArcKernelspec(panel.context.model.getMetadata('kernelspec'))
  );
}

/**
 * Activate a notebook and go to a cell (0-based); with a line (1-based),
 * put the cursor there in edit mode.
 */
export async function showCell(
  shell: JupyterFrontEnd.IShell,
  panel: NotebookPanel,
  cellIndex: number,
  line?: number,
  column?: number
): Promise<void> {
  const notebook = panel.content;
  const cell = notebook.widgets[cellIndex];
  if (panel.isDisposed || cell === undefined) {
    return;
  }
  shell.activateById(panel.id);
  notebook.activeCellIndex = cellIndex;
  await notebook.scrollToItem(cellIndex, 'center');
  await cell.ready;
  if (line !== undefined && cell.editor) {
    notebook.mode = 'edit';
    const position = {
      line: Math.max(0, line - 1),
      column: Math.max(0, (column ?? 1) - 1)
    };
    cell.editor.setCursorPosition(position);
    cell.editor.revealPosition(position);
    cell.editor.focus();
  } else {
    cell.node.focus();
  }
}

/**
 * The open notebook at `path`, opened if it is not (as when the layout
 * restorer brings back a panel before its notebook).
 */
export async function openNotebook(
  commands: JupyterFrontEnd['commands'],
  notebooks: INotebookTracker,
  path: string
): Promise<NotebookPanel | null> {
  const open = notebooks.find(panel => panel.context.path === path);
  if (open !== undefined) {
    return open;
  }
  const opened: unknown = await commands.execute('docmanager:open', { path });
  return opened instanceof NotebookPanel ? opened : null;
}

/** Inserts a code cell below the active one, makes it active and shows it. */
export function insertCodeCellBelow(
  panel: NotebookPanel,
  source: string
): void {
  const notebook = panel.content;
  const model = notebook.model;
  if (!model) {
    return;
  }
  const index = Math.max(0, notebook.activeCellIndex) + 1;
  model.sharedModel.insertCell(Math.min(index, model.cells.length), {
    cell_type: 'code',
    source,
    metadata: {}
  });
  notebook.activeCellIndex = Math.min(index, model.cells.length - 1);
  void notebook.scrollToItem(notebook.activeCellIndex, 'center');
}
