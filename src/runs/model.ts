import type { RunEvent, RunStage, RunStatus, RunSummary } from 'arcade-engine';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
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
    const base: IStageRow = next.stages[at] ?? {
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
 * the run ends, backing off while the bridge does not answer and standing
 * by while the page is hidden.
 */
export class RunModel implements IDisposable {
  constructor(options: RunModel.IOptions) {
    this._api = options.api;
    this._interval = options.interval ?? 1000;
    this.notebookPath = options.notebookPath;
    this.environment = options.environment;
    this._poll = new Poll<boolean, unknown>({
      name: 'jupyterlab-arcade:run',
      factory: () => this._fetch(),
      auto: false,
      standby: 'when-hidden'
    });
    this._poll.frequency = {
      interval: this._interval,
      max: Math.max(this._interval, 30_000),
      backoff: true
    };
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
    let runId: string;
    try {
      ({ runId } = await this._api.start({
        path: this.notebookPath,
        environment: this.environment,
        vars
      }));
    } catch (error) {
      this._fail(error);
      return;
    }
    await this.follow(runId);
  }

  /**
   * Follow a run that was started before, e.g. by this panel before a page
   * reload: its events are read from the first one.
   */
  async follow(runId: string): Promise<void> {
    if (this._isDisposed || this._runId !== null) {
      return;
    }
    this._runId = runId;
    this._error = null;
    this._emit();
    let finished = false;
    try {
      finished = await this._fetch();
    } catch {
      // Kept in `error`; the poll below tries again with backoff.
    }
    if (!finished && !this._isDisposed) {
      void this._poll.schedule({ interval: this._interval, phase: 'started' });
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
    this._poll.dispose();
    Signal.clearData(this);
  }

  /**
   * Read the events after the last one seen.
   *
   * @returns whether the run has ended and every event of it has been read.
   */
  private async _fetch(): Promise<boolean> {
    if (this._isDisposed || this._runId === null) {
      return true;
    }
    let summary: RunSummary;
    try {
      const page = await this._api.events(this._runId, this._lastSeq);
      summary = page.run;
      const last = page.events[page.events.length - 1];
      if (last !== undefined) {
        this._view = applyEvents(this._view, page.events);
        this._lastSeq = last.seq;
      }
      this._error = null;
    } catch (error) {
      this._error = toRequestError(error);
      this._emit();
      throw this._error;
    }
    this._emit();
    const finished =
      summary.status !== 'running' && this._lastSeq >= summary.lastSeq;
    if (finished) {
      void this._poll.stop();
    }
    return finished;
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
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private readonly _api: IRunsApi;
  private readonly _changed = new Signal<this, void>(this);
  private _error: ArcadeRequestError | null = null;
  private readonly _interval: number;
  private _isDisposed = false;
  private _lastSeq = 0;
  private readonly _poll: Poll<boolean, unknown>;
  private _runId: string | null = null;
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
