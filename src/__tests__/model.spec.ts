import type { HealthResponse } from 'arcade-engine';
import { ArcadeRequestError } from '../request';
import { ArcadeStatusModel } from '../status/model';
import type { ArcadeStatus } from '../tokens';
import { makeHealth } from './fixtures';

const frequency = { interval: 1000, maxInterval: 20_000 };

function unreachable(): ArcadeRequestError {
  return new ArcadeRequestError({
    kind: 'http',
    status: 503,
    message: 'Service Unavailable'
  });
}

/**
 * A bridge whose next answers the test decides.
 */
class FakeBridge {
  calls = 0;
  healthy = true;
  /** When each check came, by the (fake) clock. */
  times: number[] = [];

  check = (): Promise<HealthResponse> => {
    this.calls++;
    this.times.push(Date.now());
    return this.healthy
      ? Promise.resolve(makeHealth())
      : Promise.reject(unreachable());
  };
}

describe('ArcadeStatusModel', () => {
  let bridge: FakeBridge;
  let current: ArcadeStatusModel | undefined;
  let seen: ArcadeStatus[];

  beforeEach(() => {
    jest.useFakeTimers();
    // The Poll draws each wait at random within its backoff range: take the middle.
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    bridge = new FakeBridge();
    seen = [];
  });

  afterEach(() => {
    current?.dispose();
    current = undefined;
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  function start(): ArcadeStatusModel {
    const model = new ArcadeStatusModel({ check: bridge.check, frequency });
    model.changed.connect((_, status) => seen.push(status));
    current = model;
    return model;
  }

  /** Waits between checks, read from the error statuses the model emitted. */
  function retryDelays(): number[] {
    return seen.flatMap(s => (s.state === 'error' ? [s.retryIn] : []));
  }

  it('starts as checking and becomes connected after the first check', async () => {
    const model = start();
    expect(model.status.state).toBe('checking');
    await jest.advanceTimersByTimeAsync(0);
    expect(bridge.calls).toBe(1);
    expect(model.status).toMatchObject({
      state: 'connected',
      health: { version: '0.1.0' }
    });
  });

  it('keeps checking at the configured interval while healthy', async () => {
    start();
    await jest.advanceTimersByTimeAsync(0);
    await jest.advanceTimersByTimeAsync(5000);
    expect(bridge.calls).toBe(6);
    expect(seen.every(s => s.state === 'connected')).toBe(true);
  });

  it('backs off while the bridge fails, up to the maximum wait', async () => {
    bridge.healthy = false;
    const model = start();
    await jest.advanceTimersByTimeAsync(90_000);
    const delays = retryDelays();
    // Each wait grows (up to threefold) until it reaches the maximum.
    for (let i = 2; i < delays.length; i++) {
      expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] ?? 0);
      expect(delays[i]).toBeLessThanOrEqual(3 * (delays[i - 1] ?? 0));
    }
    expect(delays.slice(-2)).toEqual([20_000, 20_000]);
    expect(model.status).toMatchObject({
      state: 'error',
      error: { kind: 'http', status: 503 }
    });
    // A dozen checks in a minute and a half instead of ninety.
    expect(bridge.calls).toBeLessThanOrEqual(12);
  });

  it('checks again exactly when the status says it will', async () => {
    bridge.healthy = false;
    start();
    await jest.advanceTimersByTimeAsync(60_000);
    const delays = retryDelays();
    const gaps = bridge.times
      .slice(1)
      .map((t, i) => t - (bridge.times[i] ?? 0));
    expect(gaps).toEqual(delays.slice(0, gaps.length));
  });

  it('returns to the normal interval once the bridge answers again', async () => {
    bridge.healthy = false;
    const model = start();
    await jest.advanceTimersByTimeAsync(12_000);
    expect(model.status.state).toBe('error');
    bridge.healthy = true;
    await jest.advanceTimersByTimeAsync(20_000);
    expect(model.status.state).toBe('connected');
    const callsWhenBack = bridge.calls;
    await jest.advanceTimersByTimeAsync(3000);
    expect(bridge.calls).toBe(callsWhenBack + 3);
  });

  it('checks at once on refresh, without waiting for the backoff', async () => {
    bridge.healthy = false;
    const model = start();
    await jest.advanceTimersByTimeAsync(12_000);
    const calls = bridge.calls;
    bridge.healthy = true;
    const refreshed = model.refresh();
    await jest.advanceTimersByTimeAsync(0);
    await refreshed;
    expect(bridge.calls).toBe(calls + 1);
    expect(model.status.state).toBe('connected');
  });

  it('wraps unexpected failures in a typed error', async () => {
    const model = new ArcadeStatusModel({
      check: () => Promise.reject(new TypeError('bad body')),
      frequency
    });
    current = model;
    await jest.advanceTimersByTimeAsync(0);
    const status = model.status;
    expect(status.state).toBe('error');
    if (status.state === 'error') {
      expect(status.error).toBeInstanceOf(ArcadeRequestError);
      expect(status.error.kind).toBe('invalid-response');
      expect(status.error.message).toBe('bad body');
    }
  });

  it('applies a new interval from the settings', async () => {
    const model = start();
    await jest.advanceTimersByTimeAsync(0);
    model.configure({ interval: 5000, maxInterval: 60_000 });
    expect(model.frequency).toEqual({ interval: 5000, maxInterval: 60_000 });
    await jest.advanceTimersByTimeAsync(0);
    const calls = bridge.calls;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(bridge.calls).toBe(calls + 2);
  });

  it('stands by while the page is hidden and checks again once shown', async () => {
    const setHidden = (hidden: boolean): void => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => (hidden ? 'hidden' : 'visible')
      });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    start();
    await jest.advanceTimersByTimeAsync(0);
    setHidden(true);
    try {
      // One more check may run (Poll lingers a tick), then none.
      await jest.advanceTimersByTimeAsync(2000);
      const calls = bridge.calls;
      await jest.advanceTimersByTimeAsync(10_000);
      expect(bridge.calls).toBe(calls);
      setHidden(false);
      await jest.advanceTimersByTimeAsync(2000);
      expect(bridge.calls).toBeGreaterThan(calls);
    } finally {
      setHidden(false);
    }
  });

  it('stops checking when disposed', async () => {
    const model = start();
    await jest.advanceTimersByTimeAsync(0);
    model.dispose();
    const calls = bridge.calls;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(bridge.calls).toBe(calls);
    expect(model.isDisposed).toBe(true);
  });
});
