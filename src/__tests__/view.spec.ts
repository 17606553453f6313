import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import { ArcadeRequestError } from '../request';
import { ArcadeStatusItem } from '../status/view';
import type { ArcadeStatus, IArcadeStatusModel } from '../tokens';
import { makeHealth } from './fixtures';

class StubModel implements IArcadeStatusModel {
  status: ArcadeStatus = { state: 'checking' };
  readonly changed: Signal<IArcadeStatusModel, ArcadeStatus> = new Signal(this);
  isDisposed = false;

  refresh(): Promise<void> {
    return Promise.resolve();
  }

  dispose(): void {
    this.isDisposed = true;
  }

  set(status: ArcadeStatus): void {
    this.status = status;
    this.changed.emit(status);
  }
}

describe('ArcadeStatusItem', () => {
  let model: StubModel;
  let item: ArcadeStatusItem;
  let activations: number;

  beforeEach(() => {
    model = new StubModel();
    activations = 0;
    item = new ArcadeStatusItem({
      model,
      trans: nullTranslator.load('jupyterlab_arcade'),
      onActivate: () => activations++
    });
    Widget.attach(item, document.body);
  });

  afterEach(() => {
    item.dispose();
  });

  it('follows the model from checking to connected to error', () => {
    expect(item.node.textContent).toBe('Arcade: checking…');
    expect(item.hasClass('jp-Arcade-StatusItem')).toBe(true);

    model.set({
      state: 'connected',
      health: makeHealth(),
      checkedAt: new Date()
    });
    expect(item.node.textContent).toBe('Arcade: connected');
    expect(item.node.title).toMatch(/^Arcade bridge 0\.1\.0 connected/);
    expect(item.hasClass('jp-mod-connected')).toBe(true);
    expect(item.hasClass('jp-mod-error')).toBe(false);

    model.set({
      state: 'error',
      error: new ArcadeRequestError({
        kind: 'http',
        status: 503,
        message: 'Service Unavailable'
      }),
      checkedAt: new Date(),
      retryIn: 30_000
    });
    expect(item.node.textContent).toBe(
      'Arcade: bridge not reachable (HTTP 503)'
    );
    expect(item.hasClass('jp-mod-connected')).toBe(false);
    expect(item.hasClass('jp-mod-error')).toBe(true);
  });

  it('asks for a new check when clicked', () => {
    item.node.click();
    expect(activations).toBe(1);
  });

  it('stops following the model once disposed', () => {
    item.dispose();
    model.set({
      state: 'connected',
      health: makeHealth(),
      checkedAt: new Date()
    });
    expect(item.node.textContent).toBe('Arcade: checking…');
  });
});
