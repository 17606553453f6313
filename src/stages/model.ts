import type { CompileResponse, LintDiagnostic } from 'arcade-engine';
import type { IDisposable } from '@lumino/disposable';
import { Debouncer } from '@lumino/polling';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import { toRequestError, type ArcadeRequestError } from '../request';
import type { IStagesApi } from './api';
import { stageHeaders, type IStageHeader } from './header';

/** How long the notebook must stay unchanged before it is compiled again. */
export const DEBOUNCE_MS = 300;

/**
 * What the bridge said about one version of the notebook's content.
 */
export interface IStagesState {
  compiled: CompileResponse | null;
  headers: Map<number, IStageHeader>;
  diagnostics: LintDiagnostic[];
  /** Why the last compile or lint failed, if it did. */
  error: ArcadeRequestError | null;
}

export const EMPTY_STATE: IStagesState = {
  compiled: null,
  headers: new Map(),
  diagnostics: [],
  error: null
};

/**
 * Compiles and lints one notebook's content through the bridge, debounced,
 * and keeps the answer for the latest content only.
 */
export class StagesModel implements IDisposable {
  constructor(options: StagesModel.IOptions) {
    this._api = options.api;
    this._content = options.content;
    this._debouncer = new Debouncer(
      () => this.refresh(),
      options.debounce ?? DEBOUNCE_MS
    );
  }

  get state(): IStagesState {
    return this._state;
  }

  get changed(): ISignal<this, IStagesState> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Compile again after the debounce delay; a later call restarts the delay.
   */
  schedule(): void {
    if (this._isDisposed) {
      return;
    }
    void this._debouncer.invoke();
  }

  /**
   * Compile and lint the current content now.
   */
  async refresh(): Promise<IStagesState> {
    const request = ++this._request;
    const notebook = this._content();
    let compiled: CompileResponse | null = null;
    let diagnostics: LintDiagnostic[] = [];
    let error: ArcadeRequestError | null = null;
    let unparsable = false;
    try {
      compiled = await this._api.compile(notebook);
    } catch (reason) {
      error = toRequestError(reason);
      // Arc cannot parse the notebook: the linter says where, as a diagnostic.
      unparsable = error.code === 'invalid_notebook';
    }
    if (compiled !== null || unparsable) {
      try {
        diagnostics = (await this._api.lint(notebook)).diagnostics;
        if (unparsable && diagnostics.length > 0) {
          error = null;
        }
      } catch (reason) {
        error = toRequestError(reason);
      }
    }
    if (request !== this._request || this._isDisposed) {
      // A newer edit started another compile; its answer wins.
      return this._state;
    }
    this._state = {
      compiled,
      headers: compiled ? stageHeaders(compiled, diagnostics) : new Map(),
      diagnostics,
      error
    };
    this._changed.emit(this._state);
    return this._state;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._debouncer.dispose();
    Signal.clearData(this);
  }

  private readonly _api: IStagesApi;
  private readonly _content: () => unknown;
  private readonly _debouncer: Debouncer<IStagesState>;
  private _state: IStagesState = EMPTY_STATE;
  private _request = 0;
  private _isDisposed = false;
  private readonly _changed = new Signal<this, IStagesState>(this);
}

export namespace StagesModel {
  export interface IOptions {
    api: IStagesApi;
    /** The notebook JSON to compile, read when a compile starts. */
    content: () => unknown;
    debounce?: number;
  }
}
