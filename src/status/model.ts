import type { HealthResponse } from 'arcade-kernel-bridge';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import { toRequestError } from '../request';
import type { ArcadeStatus, IArcadeStatusModel } from '../tokens';

/**
 * How much longer each wait gets after another failed check.
 */
export const BACKOFF_GROWTH = 2;

/**
 * Milliseconds to wait before the next check after `failures` failed checks
 * in a row: the interval while healthy, then doubling up to `maxInterval`.
 *
 * Lumino's `Poll` has backoff too, but it draws a random wait whose range
 * starts below the interval right after a start or refresh, so a broken
 * bridge could be asked again within milliseconds; this schedule is
 * predictable and shows the user when the next check comes.
 */
export function nextDelay(
  failures: number,
  frequency: ArcadeStatusModel.IFrequency
): number {
  if (failures <= 0) {
    return frequency.interval;
  }
  return Math.min(
    frequency.maxInterval,
    frequency.interval * BACKOFF_GROWTH ** failures
  );
}

/**
 * Checks the bridge's health on a schedule and keeps the latest answer.
 *
 * A stopped bridge is asked less and less often (see `nextDelay`); the first
 * success returns to the normal interval. No checks run while the page is
 * hidden.
 */
export class ArcadeStatusModel implements IArcadeStatusModel {
  constructor(options: ArcadeStatusModel.IOptions) {
    this._check = options.check;
    this._frequency = normalize(
      options.frequency ?? ArcadeStatusModel.DEFAULTS
    );
    this._schedule(0);
  }

  get status(): ArcadeStatus {
    return this._status;
  }

  get changed(): ISignal<IArcadeStatusModel, ArcadeStatus> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get frequency(): ArcadeStatusModel.IFrequency {
    return this._frequency;
  }

  /**
   * Change how often the bridge is checked; checks at once so a shorter
   * interval takes effect without waiting out the old one.
   */
  configure(frequency: ArcadeStatusModel.IFrequency): void {
    const next = normalize(frequency);
    if (
      next.interval === this._frequency.interval &&
      next.maxInterval === this._frequency.maxInterval
    ) {
      return;
    }
    this._frequency = next;
    void this.refresh();
  }

  /**
   * Check now; resolves once the new status is known.
   */
  refresh(): Promise<void> {
    if (this._isDisposed) {
      return Promise.resolve();
    }
    if (!this._pending) {
      clearTimeout(this._timer);
      this._pending = this._runCheck().finally(() => {
        this._pending = null;
      });
    }
    return this._pending;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    clearTimeout(this._timer);
    Signal.clearData(this);
  }

  private async _runCheck(): Promise<void> {
    let next: ArcadeStatus;
    try {
      const health = await this._check();
      this._failures = 0;
      next = { state: 'connected', health, checkedAt: new Date() };
    } catch (error) {
      this._failures++;
      next = {
        state: 'error',
        error: toRequestError(error),
        checkedAt: new Date(),
        retryIn: nextDelay(this._failures, this._frequency)
      };
    }
    if (this._isDisposed) {
      return;
    }
    this._status = next;
    this._changed.emit(next);
    this._schedule(nextDelay(this._failures, this._frequency));
  }

  private _schedule(delay: number): void {
    clearTimeout(this._timer);
    this._timer = setTimeout(() => {
      if (document.visibilityState === 'hidden') {
        this._schedule(this._frequency.interval);
      } else {
        void this.refresh();
      }
    }, delay);
  }

  private _changed = new Signal<IArcadeStatusModel, ArcadeStatus>(this);
  private _check: () => Promise<HealthResponse>;
  private _failures = 0;
  private _frequency: ArcadeStatusModel.IFrequency;
  private _isDisposed = false;
  private _pending: Promise<void> | null = null;
  private _status: ArcadeStatus = { state: 'checking' };
  private _timer: ReturnType<typeof setTimeout> | undefined = undefined;
}

export namespace ArcadeStatusModel {
  /**
   * Check frequency in milliseconds.
   */
  export interface IFrequency {
    /** Wait between checks while the bridge answers. */
    interval: number;
    /** Longest wait between checks while the bridge fails. */
    maxInterval: number;
  }

  export interface IOptions {
    /** One health check; rejects when the bridge cannot be used. */
    check: () => Promise<HealthResponse>;
    frequency?: IFrequency;
  }

  export const DEFAULTS: IFrequency = {
    interval: 15_000,
    maxInterval: 300_000
  };
}

function normalize(
  frequency: ArcadeStatusModel.IFrequency
): ArcadeStatusModel.IFrequency {
  const interval = Math.max(1000, frequency.interval);
  return { interval, maxInterval: Math.max(interval, frequency.maxInterval) };
}
