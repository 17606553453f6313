import { CodeMirrorEditor } from '@jupyterlab/codemirror';
import type { Cell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import type { PanelLayout } from '@lumino/widgets';
import type { DataRef, LintDiagnostic, TableRef } from 'arcade-engine';
import { dataRefKey } from 'arcade-engine/core';
import { isArcNotebook } from '../notebook';
import type { IArcadeCatalog, INotebookStages } from '../tokens';
import type { IStagesApi } from './api';
import { showDiagnostics } from './editor';
import { StageHeaderWidget } from './headerView';
import { notebookForBridge } from './content';
import { StagesModel, type IStagesState } from './model';

/** How long a reference's table is remembered; one that names none, less. */
const MATCH_TTL_MS = 30_000;
const NO_MATCH_TTL_MS = 10_000;
const MAX_REFS_PER_REQUEST = 200;

/**
 * Everything Arcade shows on one open Arc notebook: stage headers above
 * stage cells and lint underlines in their editors.
 */
export class NotebookStages implements INotebookStages {
  constructor(options: NotebookStages.IOptions) {
    this.panel = options.panel;
    this._trans = options.trans;
    this._onProblems = options.onProblems;
    this._api = options.api;
    this._catalog = options.catalog ?? null;
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
        const catalog = this._catalog;
        widget = new StageHeaderWidget({
          trans: this._trans,
          onProblems: this._onProblems,
          ...(catalog === null
            ? {}
            : {
                onPreview: (table: TableRef) =>
                  void catalog.preview(table, this.panel.id)
              })
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
    void this._matchTables(state);
  }

  /**
   * Asks the catalog which registered tables the stages read or write (the
   * bridge fills `${NAME}`s) and gives each header its preview buttons.
   */
  private async _matchTables(state: IStagesState): Promise<void> {
    const catalog = this._catalog;
    const compiled = state.compiled;
    if (catalog === null || compiled === null || !this._api.dataRefs) {
      return;
    }
    const request = ++this._matchRequest;
    const byCell = await this._api.dataRefs(compiled);
    const now = Date.now();
    const missing = new Map<string, DataRef>();
    for (const refs of byCell.values()) {
      for (const ref of refs) {
        const known = this._matches.get(dataRefKey(ref));
        if (known === undefined || known.until <= now) {
          missing.set(dataRefKey(ref), ref);
        }
      }
    }
    const asked = [...missing].slice(0, MAX_REFS_PER_REQUEST);
    if (asked.length > 0) {
      try {
        const answers = await catalog.match(asked.map(([, ref]) => ref));
        const at = Date.now();
        asked.forEach(([key], i) => {
          const table = answers[i] ?? null;
          this._matches.set(key, {
            table,
            until: at + (table === null ? NO_MATCH_TTL_MS : MATCH_TTL_MS)
          });
        });
      } catch (error) {
        // No preview buttons, nothing else lost: the catalog may be unreachable.
        if (!this._matchFailed) {
          this._matchFailed = true;
          console.warn('Arcade: the catalog could not match stage data', error);
        }
      }
    }
    if (request !== this._matchRequest || this._isDisposed) {
      return;
    }
    this.panel.content.widgets.forEach((cell, index) => {
      const widget = this._headers.get(cell);
      if (widget === undefined) {
        return;
      }
      const tables = new Map<string, TableRef>();
      for (const ref of byCell.get(index) ?? []) {
        const table = this._matches.get(dataRefKey(ref))?.table ?? null;
        if (table !== null) {
          tables.set(`${table.database}.${table.table}`, table);
        }
      }
      widget.setTables([...tables.values()]);
    });
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
  private readonly _api: IStagesApi;
  private readonly _catalog: IArcadeCatalog | null;
  private readonly _matches = new Map<
    string,
    { table: TableRef | null; until: number }
  >();
  private _matchRequest = 0;
  private _matchFailed = false;
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
    /** The catalog, for *Preview in Athena* on headers of stages that use registered tables. */
    catalog?: IArcadeCatalog | null;
  }
}
