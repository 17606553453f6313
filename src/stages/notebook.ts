import { CodeMirrorEditor } from '@jupyterlab/codemirror';
import type { Cell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import type { PanelLayout } from '@lumino/widgets';
import type { LintDiagnostic } from 'arcade-engine';
import { isArcNotebook } from '../notebook';
import type { INotebookStages } from '../tokens';
import type { IStagesApi } from './api';
import { showDiagnostics } from './editor';
import { StageHeaderWidget } from './headerView';
import { notebookForBridge } from './content';
import { StagesModel, type IStagesState } from './model';

/**
 * Everything Arcade shows on one open Arc notebook: stage headers above
 * stage cells and lint underlines in their editors.
 */
export class NotebookStages implements INotebookStages {
  constructor(options: NotebookStages.IOptions) {
    this.panel = options.panel;
    this._trans = options.trans;
    this._onProblems = options.onProblems;
    this.model = new StagesModel({
      api: options.api,
      content: () => notebookForBridge(this.panel.context.model.toJSON())
    });
    this.model.changed.connect(this._render, this);
    void this.panel.context.ready.then(() => {
      if (this._isDisposed) {
        return;
      }
      this.panel.context.model.contentChanged.connect(this._onContent, this);
      this._onContent();
    });
  }

  readonly panel: NotebookPanel;
  readonly model: StagesModel;

  get state(): IStagesState {
    return this.model.state;
  }

  get rendered(): ISignal<INotebookStages, IStagesState> {
    return this._rendered;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Compile and lint now, without waiting for the debounce.
   */
  refresh(): Promise<IStagesState> {
    return this.model.refresh();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    for (const header of this._headers.values()) {
      header.dispose();
    }
    this._headers.clear();
    this.model.dispose();
    Signal.clearData(this);
  }

  private _onContent(): void {
    if (isArcNotebook(this.panel)) {
      this.model.schedule();
    } else if (this._headers.size > 0) {
      for (const header of this._headers.values()) {
        header.dispose();
      }
      this._headers.clear();
    }
  }

  private _render(_: StagesModel, state: IStagesState): void {
    const cells = this.panel.content.widgets;
    const seen = new Set<Cell>();
    cells.forEach((cell, index) => {
      seen.add(cell);
      const header = state.headers.get(index) ?? null;
      let widget = this._headers.get(cell);
      if (header !== null && widget === undefined) {
        widget = new StageHeaderWidget({
          trans: this._trans,
          onProblems: this._onProblems
        });
        this._headers.set(cell, widget);
        const attach = widget;
        void cell.ready.then(() => {
          if (!attach.isDisposed && !cell.isDisposed) {
            (cell.layout as PanelLayout).insertWidget(0, attach);
          }
        });
      }
      widget?.setHeader(header);
      this._showDiagnostics(
        cell,
        state.diagnostics.filter(d => d.cell === index)
      );
    });
    for (const [cell, widget] of this._headers) {
      if (!seen.has(cell)) {
        widget.dispose();
        this._headers.delete(cell);
      }
    }
    this._rendered.emit(state);
  }

  private _showDiagnostics(
    cell: Cell,
    diagnostics: readonly LintDiagnostic[]
  ): void {
    const editor = cell.editor;
    if (!(editor instanceof CodeMirrorEditor)) {
      return;
    }
    if (diagnostics.length === 0 && !this._underlined.has(cell)) {
      return;
    }
    showDiagnostics(editor.editor, diagnostics);
    if (diagnostics.length > 0) {
      this._underlined.add(cell);
    } else {
      this._underlined.delete(cell);
    }
  }

  private readonly _trans: TranslationBundle;
  private readonly _onProblems: () => void;
  private readonly _headers = new Map<Cell, StageHeaderWidget>();
  private readonly _underlined = new WeakSet<Cell>();
  private _isDisposed = false;
  private readonly _rendered = new Signal<INotebookStages, IStagesState>(this);
}

export namespace NotebookStages {
  export interface IOptions {
    panel: NotebookPanel;
    api: IStagesApi;
    trans: TranslationBundle;
    onProblems: () => void;
  }
}
