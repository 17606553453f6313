import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import { isArcNotebook } from '../notebook';
import type { IArcadeCatalog, IArcadeStages, INotebookStages } from '../tokens';
import type { IStagesApi } from './api';
import { NotebookStages } from './notebook';

/**
 * Keeps a `NotebookStages` for every open notebook and says which one is
 * current; what the `IArcadeStages` token provides.
 */
export class StagesRegistry implements IArcadeStages, IDisposable {
  constructor(options: StagesRegistry.IOptions) {
    this._notebooks = options.notebooks;
    options.notebooks.widgetAdded.connect((_, panel) => {
      this._add(panel, options);
    }, this);
    options.notebooks.currentChanged.connect(this._updateCurrent, this);
    options.notebooks.forEach(panel => this._add(panel, options));
  }

  get current(): INotebookStages | null {
    return this._current;
  }

  get currentChanged(): ISignal<IArcadeStages, INotebookStages | null> {
    return this._currentChanged;
  }

  get rendered(): ISignal<IArcadeStages, INotebookStages> {
    return this._rendered;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get(panel: NotebookPanel): INotebookStages | null {
    return this._stages.get(panel) ?? null;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    for (const entry of this._stages.values()) {
      entry.dispose();
    }
    this._stages.clear();
    Signal.clearData(this);
  }

  private _add(panel: NotebookPanel, options: StagesRegistry.IOptions): void {
    if (this._stages.has(panel)) {
      return;
    }
    const entry = new NotebookStages({
      panel,
      api: options.api,
      trans: options.trans,
      onProblems: options.onProblems,
      catalog: options.catalog ?? null
    });
    this._stages.set(panel, entry);
    entry.rendered.connect(() => this._rendered.emit(entry), this);
    // A notebook becomes an Arc notebook once loaded, or when its kernel changes.
    void panel.context.ready.then(() => this._updateCurrent());
    panel.context.model.metadataChanged.connect(this._updateCurrent, this);
    panel.disposed.connect(() => {
      entry.dispose();
      this._stages.delete(panel);
      this._updateCurrent();
    }, this);
  }

  private _updateCurrent(): void {
    const panel = this._notebooks.currentWidget;
    const entry =
      panel !== null && !panel.isDisposed && isArcNotebook(panel)
        ? (this._stages.get(panel) ?? null)
        : null;
    if (entry !== this._current) {
      this._current = entry;
      this._currentChanged.emit(entry);
    }
  }

  private readonly _notebooks: INotebookTracker;
  private readonly _stages = new Map<NotebookPanel, NotebookStages>();
  private _current: INotebookStages | null = null;
  private _isDisposed = false;
  private readonly _currentChanged = new Signal<
    IArcadeStages,
    INotebookStages | null
  >(this);
  private readonly _rendered = new Signal<IArcadeStages, INotebookStages>(this);
}

export namespace StagesRegistry {
  export interface IOptions {
    notebooks: INotebookTracker;
    api: IStagesApi;
    trans: TranslationBundle;
    /** Show the Problems panel (from a stage header's lint button). */
    onProblems: () => void;
    /** The catalog, when its plugin is present: preview buttons on stage headers. */
    catalog?: IArcadeCatalog | null;
  }
}
