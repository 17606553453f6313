import type { HealthResponse } from 'arcade-kernel-bridge';
import { ArcadeRequestError } from '../request';
import { ArcadeStatusModel, nextDelay } from '../status/model';
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

  check = (): Promise<HealthResponse> => {
    this.calls++;
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
    bridge = new FakeBridge();
    seen = [];
  });

  afterEach(() => {
    current?.dispose();
    current = undefined;
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

  it('computes the wait from the number of failures in a row', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(n => nextDelay(n, frequency))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 20_000, 20_000
    ]);
  });

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

  it('backs off by doubling the wait per failure up to the maximum', async () => {
    bridge.healthy = false;
    const model = start();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(retryDelays()).toEqual([2000, 4000, 8000, 16_000, 20_000, 20_000]);
    expect(model.status).toMatchObject({
      state: 'error',
      error: { kind: 'http', status: 503 }
    });
    // Checks at 0, 2, 6, 14, 30 and 50 s: six in a minute instead of sixty.
    expect(bridge.calls).toBe(6);
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
    await model.refresh();
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
