import type { TranslationBundle } from '@jupyterlab/translation';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import type { ArcadeStatus, IArcadeStatusModel } from '../tokens';
import { presentStatus } from './format';

const CONNECTED_CLASS = 'jp-mod-connected';
const ERROR_CLASS = 'jp-mod-error';

/**
 * The status-bar item: "Arcade: connected" or "Arcade: <reason>".
 *
 * It only renders the model; clicking asks the owner to check again.
 */
export class ArcadeStatusItem extends Widget {
  constructor(options: ArcadeStatusItem.IOptions) {
    super({ node: document.createElement('button') });
    this._model = options.model;
    this._trans = options.trans;
    this._onActivate = options.onActivate;
    this.addClass('jp-Arcade-StatusItem');
    this.addClass('jp-StatusBar-GroupItem');
    this.node.setAttribute('type', 'button');
    this._label = document.createElement('span');
    this._label.className = 'jp-Arcade-StatusItem-label';
    this.node.appendChild(this._label);
    this._model.changed.connect(this._render, this);
    this._render(this._model, this._model.status);
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.changed.disconnect(this._render, this);
    super.dispose();
  }

  handleEvent(event: Event): void {
    if (event.type === 'click') {
      this._onActivate();
    }
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.node.addEventListener('click', this);
  }

  protected override onBeforeDetach(msg: Message): void {
    this.node.removeEventListener('click', this);
    super.onBeforeDetach(msg);
  }

  private _render(_: IArcadeStatusModel, status: ArcadeStatus): void {
    const { label, state, tooltip } = presentStatus(status, this._trans);
    this._label.textContent = label;
    this.node.title = tooltip;
    this.node.dataset.arcadeState = state;
    this.toggleClass(CONNECTED_CLASS, state === 'connected');
    this.toggleClass(ERROR_CLASS, state === 'error');
  }

  private _label: HTMLSpanElement;
  private _model: IArcadeStatusModel;
  private _onActivate: () => void;
  private _trans: TranslationBundle;
}

export namespace ArcadeStatusItem {
  export interface IOptions {
    model: IArcadeStatusModel;
    trans: TranslationBundle;
    /** Called when the user clicks the item. */
    onActivate: () => void;
  }
}
