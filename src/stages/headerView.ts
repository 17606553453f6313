import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { IStageHeader } from './header';

/**
 * The strip above a stage cell: type, name, output view, environments and
 * lint state. It only displays; the model computes what it shows.
 */
export class StageHeaderWidget extends Widget {
  constructor(options: StageHeaderWidget.IOptions) {
    super();
    this._trans = options.trans;
    this._onProblems = options.onProblems;
    this.addClass('jp-Arcade-StageHeader');
    this.node.tabIndex = 0;
    this.node.setAttribute('role', 'group');
  }

  /**
   * Show a stage, or null for a cell that is no stage (the header hides).
   */
  setHeader(header: IStageHeader | null): void {
    const trans = this._trans;
    this.node.replaceChildren();
    this.setHidden(header === null);
    if (header === null) {
      return;
    }
    const type = this._span('type', header.type);
    type.title = header.magic
      ? trans.__('Stage type %1, from %2', header.type, header.magic)
      : trans.__('Stage type %1', header.type);
    this.node.appendChild(type);
    if (header.name) {
      this.node.appendChild(this._span('name', header.name));
    }
    if (header.outputView) {
      const view = this._span('view', `→ ${header.outputView}`);
      view.title = trans.__('Output view %1', header.outputView);
      this.node.appendChild(view);
    }
    const environments = document.createElement('span');
    environments.className = 'jp-Arcade-StageHeader-environments';
    const envs = header.environments ?? [];
    if (header.environments !== null && envs.every(e => e === '')) {
      const none = this._span('environment', trans.__('no environment'));
      none.classList.add('jp-mod-warning');
      none.title = trans.__(
        'Without environments Arc skips this stage in every environment'
      );
      environments.appendChild(none);
    }
    for (const env of envs.filter(e => e !== '')) {
      environments.appendChild(this._span('environment', env));
    }
    this.node.appendChild(environments);
    this.node.appendChild(this._lint(header));
    const parts = [
      header.type,
      header.name ?? '',
      header.outputView ? trans.__('output view %1', header.outputView) : '',
      trans.__('%1 errors, %2 warnings', header.errors, header.warnings)
    ];
    this.node.setAttribute(
      'aria-label',
      trans.__('Stage: %1', parts.filter(p => p !== '').join(', '))
    );
  }

  private _lint(header: IStageHeader): HTMLElement {
    const trans = this._trans;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'jp-Arcade-StageHeader-lint';
    if (header.errors > 0) {
      button.classList.add('jp-mod-error');
    } else if (header.warnings > 0) {
      button.classList.add('jp-mod-warning');
    } else {
      button.classList.add('jp-mod-ok');
    }
    const counts = [
      header.errors > 0 ? `✕ ${header.errors}` : '',
      header.warnings > 0 ? `⚠ ${header.warnings}` : ''
    ].filter(Boolean);
    button.textContent =
      counts.length === 0 ? trans.__('✓ lint') : counts.join('  ');
    button.title = trans.__(
      '%1 errors, %2 warnings. Show problems',
      header.errors,
      header.warnings
    );
    button.addEventListener('click', () => this._onProblems());
    return button;
  }

  private _span(part: string, text: string): HTMLElement {
    const span = document.createElement('span');
    span.className = `jp-Arcade-StageHeader-${part}`;
    span.textContent = text;
    return span;
  }

  private readonly _trans: TranslationBundle;
  private readonly _onProblems: () => void;
}

export namespace StageHeaderWidget {
  export interface IOptions {
    trans: TranslationBundle;
    onProblems: () => void;
  }
}
