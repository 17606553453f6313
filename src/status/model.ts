import type { HealthResponse } from 'arcade-engine';
import { Poll, type IPoll } from '@lumino/polling';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import { toRequestError } from '../request';
import type { ArcadeStatus, IArcadeStatusModel } from '../tokens';

/**
 * Checks the bridge's health with a Lumino `Poll` and keeps the latest answer.
 *
 * While the bridge fails, each wait is drawn between the interval and three
 * times the previous wait, never beyond `maxInterval` (the `Poll` backoff
 * JupyterLab's own services use); the first success returns to the interval.
 * No checks run while the page is hidden.
 */
export class ArcadeStatusModel implements IArcadeStatusModel {
  constructor(options: ArcadeStatusModel.IOptions) {
    this._frequency = normalize(
      options.frequency ?? ArcadeStatusModel.DEFAULTS
    );
    this._poll = new Poll<HealthResponse, unknown>({
      name: 'jupyterlab-arcade:status',
      factory: () => options.check(),
      auto: false,
      standby: 'when-hidden'
    });
    // Set after construction: the constructor raises `max` to at least 30 s.
    this._poll.frequency = pollFrequency(this._frequency);
    this._poll.ticked.connect(this._onTick, this);
    void this._poll.start();
  }

  get status(): ArcadeStatus {
    return this._status;
  }

  get changed(): ISignal<IArcadeStatusModel, ArcadeStatus> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._poll.isDisposed;
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
    this._poll.frequency = pollFrequency(next);
    void this.refresh();
  }

  /**
   * Check now; resolves once the new status is known.
   */
  async refresh(): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    await this._poll.refresh();
    // The tick after "refreshed" is scheduled once the check has settled.
    await this._poll.tick.catch(() => undefined);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _onTick(
    _: unknown,
    state: IPoll.State<HealthResponse, unknown, 'standby'>
  ): void {
    let next: ArcadeStatus;
    switch (state.phase) {
      case 'resolved':
      case 'reconnected':
        next = {
          state: 'connected',
          health: state.payload as HealthResponse,
          checkedAt: new Date(state.timestamp)
        };
        break;
      case 'rejected':
        next = {
          state: 'error',
          error: toRequestError(state.payload),
          checkedAt: new Date(state.timestamp),
          retryIn: state.interval
        };
        break;
      default:
        return;
    }
    this._status = next;
    this._changed.emit(next);
  }

  private readonly _changed = new Signal<IArcadeStatusModel, ArcadeStatus>(
    this
  );
  private _frequency: ArcadeStatusModel.IFrequency;
  private readonly _poll: Poll<HealthResponse, unknown>;
  private _status: ArcadeStatus = { state: 'checking' };
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

function pollFrequency(
  frequency: ArcadeStatusModel.IFrequency
): IPoll.Frequency {
  return {
    interval: frequency.interval,
    max: frequency.maxInterval,
    backoff: true
  };
}
