import type { GitLogEntry, GitStatusResponse } from 'arcade-engine';
import { Poll } from '@lumino/polling';
import { Signal, type ISignal } from '@lumino/signaling';
import { toRequestError, type ArcadeRequestError } from '../request';
import type { IArcadeGitModel } from '../tokens';
import type { GitApi } from './api';

/** Status is read again at most this often when nothing asks sooner. */
export const STATUS_INTERVAL_MS = 30_000;
export const HISTORY_LENGTH = 20;

/**
 * The workspace repository's state for the Git panel. It is read again on
 * a slow poll (standby while the page is hidden), when a file is saved, and
 * when the page regains focus — never in a tight loop.
 */
export class GitModel implements IArcadeGitModel {
  constructor(readonly api: GitApi) {
    this._poll = new Poll({
      auto: false,
      factory: () => this._read(),
      frequency: {
        interval: STATUS_INTERVAL_MS,
        backoff: true,
        max: 5 * STATUS_INTERVAL_MS
      },
      standby: 'when-hidden',
      name: 'arcade:git-status'
    });
  }

  get status(): GitStatusResponse | null {
    return this._status;
  }

  get history(): GitLogEntry[] {
    return this._history;
  }

  get error(): ArcadeRequestError | null {
    return this._error;
  }

  /** True while an operation (commit, push…) is under way. */
  get busy(): boolean {
    return this._busy > 0;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  start(): void {
    void this._poll.start();
  }

  /**
   * Reads status and history now and resolves once this read is in: a
   * poll tick already under way may have started before the change the
   * caller wants to see (a push, a commit).
   */
  async refresh(): Promise<void> {
    try {
      await this._read();
    } catch {
      // The error is in `error`; the poll backs off on its own reads.
    }
  }

  /** Runs an operation, marking the model busy, and reads the state again after it. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    this._busy += 1;
    this._changed.emit();
    try {
      return await work();
    } finally {
      this._busy -= 1;
      await this.refresh();
    }
  }

  /** The folder the panel follows; its repository is shown. */
  get repo(): string {
    return this.api.repo;
  }

  /** Follows another folder (the file browser's or the current document's). */
  setRepo(folder: string): void {
    const next = folder === '' ? '.' : folder;
    if (next === this.api.repo) {
      return;
    }
    this.api.repo = next;
    void this.refresh();
  }

  /** Takes a status an operation answered with, without another request. */
  setStatus(status: GitStatusResponse): void {
    // Newer than any read still on its way: that read's answer is dropped.
    this._shown = ++this._reads;
    this._status = status;
    this._changed.emit();
  }

  dispose(): void {
    this._poll.dispose();
    Signal.clearData(this);
  }

  /**
   * Reads status (and history when HEAD moved). Reads overlap — a poll tick
   * and a refresh after a push — so an answer to a read that started before
   * the one shown is stale and dropped: it must not bring back, say, the
   * commits the push just sent.
   */
  private async _read(): Promise<void> {
    const read = ++this._reads;
    try {
      const status = await this.api.status();
      // The history (with each commit's files) changes only with HEAD or the repository.
      const key = `${status.repo}@${status.head ?? ''}`;
      const history =
        key === this._historyKey
          ? null
          : (await this.api.log(HISTORY_LENGTH)).entries;
      if (read < this._shown) {
        return;
      }
      this._shown = read;
      if (history !== null) {
        this._history = history;
        this._historyKey = key;
      }
      this._status = status;
      this._error = null;
    } catch (error) {
      if (read < this._shown) {
        return;
      }
      this._shown = read;
      this._error = toRequestError(error);
      this._status = null;
      this._history = [];
      this._historyKey = '';
      this._changed.emit();
      if (this._error.code === 'not_found') {
        return; // not a repository: nothing to back off from
      }
      throw error; // the poll backs off
    }
    this._changed.emit();
  }

  private readonly _poll: Poll;
  private _status: GitStatusResponse | null = null;
  private _history: GitLogEntry[] = [];
  private _historyKey = '';
  private _error: ArcadeRequestError | null = null;
  private _busy = 0;
  /** Reads started, and the newest whose answer is shown. */
  private _reads = 0;
  private _shown = 0;
  private readonly _changed = new Signal<this, void>(this);
}
