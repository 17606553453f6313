import type {
  ArgoLogLine,
  ArgoRunDetail,
  ArgoRunRow,
  ScheduleRow
} from 'arcade-engine';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { Signal, type ISignal } from '@lumino/signaling';
import { toRequestError, type ArcadeRequestError } from '../request';
import type { ScheduleApi } from './api';
import { runEnded } from './format';

/** The log lines the panel keeps of the selected run (the oldest are dropped). */
export const MAX_PANEL_LOG_LINES = 5000;

/**
 * The runs panel's state: the project's schedules and runs (those of one
 * notebook, or all), and the selected run with its steps and its log,
 * followed while it runs. Polls only while the panel is visible.
 */
export class ArgoRunsModel implements IDisposable {
  constructor(options: ArgoRunsModel.IOptions) {
    this.api = options.api;
    this._listPoll = new Poll<void, unknown>({
      name: 'jupyterlab-arcade:argo-runs',
      factory: () => this._fetchList(),
      auto: false,
      standby: 'when-hidden',
      frequency: {
        interval: options.listInterval ?? 3000,
        max: 60_000,
        backoff: true
      }
    });
    this._runPoll = new Poll<void, unknown>({
      name: 'jupyterlab-arcade:argo-run',
      factory: () => this._fetchRun(),
      auto: false,
      standby: 'when-hidden',
      frequency: {
        interval: options.runInterval ?? 500,
        max: 30_000,
        backoff: true
      }
    });
  }

  readonly api: ScheduleApi;

  get schedules(): ScheduleRow[] {
    return this._schedules;
  }

  get runs(): ArgoRunRow[] {
    return this._runs;
  }

  /** Repository path of the notebook runs are shown for; null for all. */
  get notebook(): string | null {
    return this._notebook;
  }

  get selected(): ArgoRunDetail | null {
    return this._detail;
  }

  get selectedName(): string | null {
    return this._selectedName;
  }

  get logs(): readonly ArgoLogLine[] {
    return this._logs;
  }

  /** Lines dropped from the start of the kept log. */
  get droppedLines(): number {
    return this._dropped;
  }

  get error(): ArcadeRequestError | null {
    return this._error;
  }

  get changed(): ISignal<this, 'list' | 'run' | 'logs'> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Starts polling (again). */
  start(): void {
    void this._listPoll.start();
    if (this._selectedName !== null) {
      void this._runPoll.start();
    }
  }

  /** Stops polling until `start`. */
  pause(): void {
    void this._listPoll.stop();
    void this._runPoll.stop();
  }

  setNotebook(notebook: string | null): void {
    if (notebook === this._notebook) {
      return;
    }
    this._notebook = notebook;
    void this.refresh();
  }

  /** Reads the lists (and the selected run) now. */
  async refresh(): Promise<void> {
    await this._listPoll.refresh();
    await this._listPoll.tick;
    if (this._selectedName !== null) {
      await this._runPoll.refresh();
    }
  }

  /** Shows (and follows) a run; null closes the details. */
  select(name: string | null): void {
    if (name === this._selectedName) {
      return;
    }
    this._selectedName = name;
    this._detail = null;
    this._logs = [];
    this._dropped = 0;
    this._next = 0;
    this._changed.emit('run');
    this._changed.emit('logs');
    if (name !== null) {
      void this._runPoll.start().then(() => this._runPoll.refresh());
    } else {
      void this._runPoll.stop();
    }
  }

  /** Follows the selected run again (after Retry or Resubmit). */
  follow(): void {
    if (this._selectedName !== null) {
      void this._runPoll.start().then(() => this._runPoll.refresh());
    }
  }

  /** Replaces the lists, as a fetch would (tests and benchmarks feed it). */
  setLists(schedules: ScheduleRow[], runs: ArgoRunRow[]): void {
    this._schedules = schedules;
    this._runs = runs;
    this._changed.emit('list');
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._listPoll.dispose();
    this._runPoll.dispose();
    Signal.clearData(this);
  }

  private async _fetchList(): Promise<void> {
    try {
      const [schedules, runs] = await Promise.all([
        this.api.schedules(),
        this.api.runs(this._notebook ?? undefined)
      ]);
      this._error = null;
      this.setLists(
        this._notebook === null
          ? schedules
          : schedules.filter(s => s.notebooks.includes(this._notebook ?? '')),
        runs
      );
    } catch (reason) {
      this._error = toRequestError(reason);
      this._changed.emit('list');
      throw reason;
    }
  }

  private async _fetchRun(): Promise<void> {
    const name = this._selectedName;
    if (name === null) {
      return;
    }
    try {
      const [detail, logs] = await Promise.all([
        this.api.run(name),
        this.api.logs(name, this._next)
      ]);
      if (name !== this._selectedName) {
        return;
      }
      this._error = null;
      this._detail = detail;
      this._changed.emit('run');
      if (logs.lines.length > 0) {
        const all = [...this._logs, ...logs.lines];
        const drop = Math.max(0, all.length - MAX_PANEL_LOG_LINES);
        this._dropped += drop;
        this._logs = drop === 0 ? all : all.slice(drop);
        this._changed.emit('logs');
      }
      this._next = logs.next;
      if (runEnded(detail) && logs.done) {
        void this._runPoll.stop();
      }
    } catch (reason) {
      this._error = toRequestError(reason);
      this._changed.emit('run');
      throw reason;
    }
  }

  private readonly _listPoll: Poll<void, unknown>;
  private readonly _runPoll: Poll<void, unknown>;
  private readonly _changed = new Signal<this, 'list' | 'run' | 'logs'>(this);
  private _schedules: ScheduleRow[] = [];
  private _runs: ArgoRunRow[] = [];
  private _notebook: string | null = null;
  private _selectedName: string | null = null;
  private _detail: ArgoRunDetail | null = null;
  private _logs: ArgoLogLine[] = [];
  private _dropped = 0;
  private _next = 0;
  private _error: ArcadeRequestError | null = null;
  private _disposed = false;
}

export namespace ArgoRunsModel {
  export interface IOptions {
    api: ScheduleApi;
    /** Milliseconds between reads of the lists (3 s by default). */
    listInterval?: number;
    /** Milliseconds between reads of the followed run (0.5 s by default). */
    runInterval?: number;
  }
}
