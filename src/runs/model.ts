import type {
  RunEvent,
  RunStage,
  RunStatus,
  RunSummary
} from 'arcade-kernel-bridge';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import type { ArcadeRequestError } from '../request';
import { toRequestError } from '../request';
import type { IRunsApi } from './api';

/**
 * One row of the run panel.
 */
export interface IStageRow {
  stage: RunStage;
  status: 'running' | 'finished' | 'failed';
  durationMs: number | null;
  records: number | null;
  reasons: string[];
}

/**
 * What the panel shows about a run, derived from its events only.
 */
export interface IRunView {
  status: RunStatus;
  stages: IStageRow[];
  /** A failure Arc could not pin on a stage. */
  runFailure: string[] | null;
  durationMs: number | null;
  exitCode: number | null;
  /** JVM output when Arc could not report the failure itself. */
  outputTail: string[];
}

export const EMPTY_VIEW: IRunView = {
  status: 'running',
  stages: [],
  runFailure: null,
  durationMs: null,
  exitCode: null,
  outputTail: []
};

function sameStage(a: RunStage, b: RunStage): boolean {
  return a.index === b.index && a.name === b.name;
}

/**
 * Applies events, in order, to a view; pure.
 */
export function applyEvents(view: IRunView, events: RunEvent[]): IRunView {
  let next: IRunView = { ...view, stages: [...view.stages] };
  const upsert = (stage: RunStage, change: Partial<IStageRow>): void => {
    const at = next.stages.findIndex(row => sameStage(row.stage, stage));
    const base: IStageRow =
      at >= 0
        ? next.stages[at]
        : {
            stage,
            status: 'running',
            durationMs: null,
            records: null,
            reasons: []
          };
    const row = { ...base, ...change };
    if (at >= 0) {
      next.stages[at] = row;
    } else {
      next.stages.push(row);
    }
  };
  for (const event of events) {
    switch (event.type) {
      case 'stage-started':
        upsert(event.stage, { status: 'running' });
        break;
      case 'stage-finished':
        upsert(event.stage, {
          status: 'finished',
          durationMs: event.durationMs,
          records: event.records
        });
        break;
      case 'stage-failed':
        if (event.stage === null) {
          next = {
            ...next,
            runFailure: [...(next.runFailure ?? []), ...event.reasons]
          };
        } else {
          upsert(event.stage, { status: 'failed', reasons: event.reasons });
        }
        break;
      case 'job-finished':
        next = {
          ...next,
          status: event.status,
          durationMs: event.durationMs,
          exitCode: event.exitCode,
          outputTail: event.outputTail,
          // A stage still "running" when the run ended did not finish.
          stages: next.stages.map(row =>
            row.status === 'running' && event.status !== 'succeeded'
              ? { ...row, status: 'failed' }
              : row
          )
        };
        break;
    }
  }
  return next;
}

/**
 * A batch run as the panel sees it: polls the bridge for new events until
 * the run ends.
 */
export class RunModel implements IDisposable {
  constructor(options: RunModel.IOptions) {
    this._api = options.api;
    this._interval = options.interval ?? 1000;
    this.notebookPath = options.notebookPath;
    this.environment = options.environment;
  }

  readonly notebookPath: string;
  readonly environment: string;

  get view(): IRunView {
    return this._view;
  }

  get runId(): string | null {
    return this._runId;
  }

  /** The last error talking to the bridge, cleared by the next success. */
  get error(): ArcadeRequestError | null {
    return this._error;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Start the run and follow it.
   */
  async start(vars: Record<string, string> = {}): Promise<void> {
    try {
      const { runId } = await this._api.start({
        path: this.notebookPath,
        environment: this.environment,
        vars
      });
      this._runId = runId;
      this._error = null;
      this._emit();
      await this._poll();
    } catch (error) {
      this._fail(error);
    }
  }

  async cancel(): Promise<void> {
    if (this._runId === null || this._view.status !== 'running') {
      return;
    }
    try {
      await this._api.cancel(this._runId);
    } catch (error) {
      this._fail(error);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    clearTimeout(this._timer);
    Signal.clearData(this);
  }

  private async _poll(): Promise<void> {
    if (this._isDisposed || this._runId === null) {
      return;
    }
    let summary: RunSummary | null = null;
    try {
      const page = await this._api.events(this._runId, this._lastSeq);
      summary = page.run;
      if (page.events.length > 0) {
        this._view = applyEvents(this._view, page.events);
        this._lastSeq = page.events[page.events.length - 1].seq;
      }
      this._error = null;
    } catch (error) {
      this._error = toRequestError(error);
    }
    if (this._isDisposed) {
      return;
    }
    this._emit();
    const finished =
      summary !== null &&
      summary.status !== 'running' &&
      this._lastSeq >= summary.lastSeq;
    if (!finished) {
      this._timer = setTimeout(() => void this._poll(), this._interval);
    }
  }

  private _fail(error: unknown): void {
    if (this._isDisposed) {
      return;
    }
    this._error = toRequestError(error);
    if (this._runId === null) {
      this._view = { ...this._view, status: 'failed' };
    }
    this._emit();
  }

  private _emit(): void {
    this._changed.emit();
  }

  private _api: IRunsApi;
  private _changed = new Signal<this, void>(this);
  private _error: ArcadeRequestError | null = null;
  private _interval: number;
  private _isDisposed = false;
  private _lastSeq = 0;
  private _runId: string | null = null;
  private _timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private _view: IRunView = EMPTY_VIEW;
}

export namespace RunModel {
  export interface IOptions {
    api: IRunsApi;
    /** Workspace-relative notebook path. */
    notebookPath: string;
    environment: string;
    /** Milliseconds between polls while the run is going. */
    interval?: number;
  }
}
