import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { TableRef } from 'arcade-engine';
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
    this._onPreview = options.onPreview ?? null;
    this.addClass('jp-Arcade-StageHeader');
    this.node.tabIndex = 0;
    this.node.setAttribute('role', 'group');
  }

  /**
   * Show a stage, or null for a cell that is no stage (the header hides).
   */
  setHeader(header: IStageHeader | null): void {
    this._header = header;
    this._render();
  }

  /** The registered tables this stage reads or writes: a *Preview in Athena* button each. */
  setTables(tables: readonly TableRef[]): void {
    const key = tables.map(t => `${t.database}.${t.table}`).join('\n');
    if (key === this._tablesKey) {
      return;
    }
    this._tablesKey = key;
    this._tables = [...tables];
    this._render();
  }

  private _render(): void {
    const header = this._header;
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
    const onPreview = this._onPreview;
    if (onPreview !== null) {
      for (const table of this._tables) {
        this.node.appendChild(this._preview(table, onPreview));
      }
    }
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

  private _preview(
    table: TableRef,
    onPreview: (table: TableRef) => void
  ): HTMLElement {
    const trans = this._trans;
    const name = `${table.database}.${table.table}`;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'jp-Arcade-StageHeader-preview';
    button.dataset.table = name;
    button.textContent =
      this._tables.length === 1
        ? trans.__('Preview in Athena')
        : trans.__('Preview %1', table.table);
    button.title = trans.__(
      'Preview %1 in Athena: its first rows, below this notebook',
      name
    );
    button.addEventListener('click', () => onPreview(table));
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
  private readonly _onPreview: ((table: TableRef) => void) | null;
  private _header: IStageHeader | null = null;
  private _tables: TableRef[] = [];
  private _tablesKey = '';
}

export namespace StageHeaderWidget {
  export interface IOptions {
    trans: TranslationBundle;
    onProblems: () => void;
    /** Preview a table the stage reads or writes; without it no preview buttons. */
    onPreview?: (table: TableRef) => void;
  }
}
