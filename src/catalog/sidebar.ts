/**
 * The Data sidebar: catalog → database → table → columns, drawn as a
 * windowed list (only the rows in view are in the DOM, so 20,000 tables
 * scroll as smoothly as twenty), with a filter box, refresh, keyboard access,
 * icons by table format, and tables that can be dragged into a cell.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { TableSummary } from 'arcade-engine';
import { draggedTableName } from 'arcade-engine/core';
import { rowsInView } from './windowing';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import { button, element } from '../dom';
import type { CatalogTree, ITreeRow } from './tree';

/** Height of a row in pixels (style/catalog.css holds it to this). */
export const ROW_HEIGHT = 22;
const OVERSCAN = 12;
const DEFAULT_VIEW = 600;

const FORMAT_MARK: Record<string, string> = {
  DELTA: 'Δ',
  ICEBERG: 'I',
  PARQUET: 'P',
  CSV: 'C',
  JSON: 'J',
  UNKNOWN: '?'
};

export interface IDataSidebarActions {
  preview(database: string, table: TableSummary): void;
  details(database: string, table: TableSummary): void;
  queryInNotebook(database: string, table: TableSummary): void;
}

export class DataSidebar extends Widget {
  constructor(
    readonly tree: CatalogTree,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.id = 'jp-Arcade-data';
    this.addClass('jp-Arcade-Data');
    this.title.caption = _trans.__('Data: tables in the catalog (Athena)');

    const header = element('div', 'jp-Arcade-Data-header');
    this._search = element('input', 'jp-Arcade-Data-filter jp-mod-styled');
    this._search.type = 'search';
    this._search.placeholder = _trans.__('Filter tables');
    this._search.setAttribute('aria-label', _trans.__('Filter tables by name'));
    this._search.addEventListener('input', () => {
      this.tree.setFilter(this._search.value);
    });
    this._search.addEventListener('keydown', event => {
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        this._focusRow(0);
      }
    });
    const refresh = button(
      '⟳',
      'jp-Arcade-Data-refresh',
      _trans.__('Refresh the catalog'),
      () => {
        void this.tree.refresh();
      }
    );
    header.append(this._search, refresh);
    this._status = element('div', 'jp-Arcade-Data-status');
    this._status.setAttribute('role', 'status');

    this._scroller = element('div', 'jp-Arcade-Data-scroller');
    this._scroller.tabIndex = -1;
    this._spacer = element('div', 'jp-Arcade-Data-spacer');
    this._list = element('ul', 'jp-Arcade-Data-rows');
    this._list.setAttribute('role', 'tree');
    this._list.setAttribute('aria-label', _trans.__('Catalog'));
    this._spacer.appendChild(this._list);
    this._scroller.appendChild(this._spacer);
    this._scroller.addEventListener('scroll', () => {
      this._scheduleRender();
    });
    this._list.addEventListener('click', event => {
      const target = event.target as HTMLElement;
      const row = this._rowOf(target);
      if (row === null) {
        return;
      }
      const action =
        target.closest<HTMLElement>('[data-action]')?.dataset.action;
      this._activate(row, action ?? 'toggle');
    });
    this._list.addEventListener('dblclick', event => {
      const row = this._rowOf(event.target as HTMLElement);
      if (row?.kind === 'table' && row.table !== null) {
        this.actions.preview(row.database, row.table);
      }
    });
    this._list.addEventListener('keydown', event => {
      this._onKey(event);
    });
    this._list.addEventListener('dragstart', event => {
      const row = this._rowOf(event.target as HTMLElement);
      if (
        row?.kind === 'table' &&
        row.table !== null &&
        event.dataTransfer !== null
      ) {
        event.dataTransfer.setData(
          'text/plain',
          draggedTableName(row.database, row.table.name)
        );
        event.dataTransfer.effectAllowed = 'copy';
      }
    });
    this.node.append(header, this._status, this._scroller);
    this.tree.changed.connect(this._scheduleRender, this);
  }

  /** What the table buttons do (set by the catalog commands). */
  actions: IDataSidebarActions = {
    preview: () => undefined,
    details: () => undefined,
    queryInNotebook: () => undefined
  };

  /** The filter box (focused by the command that opens the sidebar). */
  get filterInput(): HTMLInputElement {
    return this._search;
  }

  /** Draws the rows in view now (the benchmark measures this). */
  render(): void {
    const rows = this.tree.rows();
    this._spacer.style.height = `${rows.length * ROW_HEIGHT}px`;
    const view = this._scroller.clientHeight || DEFAULT_VIEW;
    const { first, last } = rowsInView(
      this._scroller.scrollTop,
      view,
      ROW_HEIGHT,
      rows.length,
      OVERSCAN
    );
    this._list.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    const focused = (document.activeElement as HTMLElement | null)?.dataset.key;
    const items: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const row = rows[i];
      if (row === undefined) {
        continue;
      }
      items.push(this._item(row, i));
      if (row.kind === 'more') {
        // Reaching the end of what is loaded loads the next page.
        this._loadMore(row);
      }
    }
    this._list.replaceChildren(...items);
    if (focused !== undefined) {
      this._list
        .querySelector<HTMLElement>(`[data-key="${CSS.escape(focused)}"]`)
        ?.focus();
    }
    const error = this.tree.error;
    this._status.textContent =
      error !== null
        ? this._trans.__('The catalog could not be read: %1', error)
        : rows.length === 0 && !this.tree.loading
          ? this._trans.__('No databases in the catalog.')
          : '';
    this._status.classList.toggle('jp-mod-error', error !== null);
  }

  /** Emitted each time the sidebar is shown (the catalog loads on the first). */
  readonly shown = new Signal<this, void>(this);

  protected override onAfterShow(): void {
    this.render();
    this.shown.emit();
  }

  protected override onResize(): void {
    this._scheduleRender();
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    cancelAnimationFrame(this._frame);
    this.tree.changed.disconnect(this._scheduleRender, this);
    super.dispose();
  }

  private _scheduleRender(): void {
    if (this._frame === 0) {
      this._frame = requestAnimationFrame(() => {
        this._frame = 0;
        this.render();
      });
    }
  }

  private _loadMore(row: ITreeRow): void {
    if (row.key === 'm:') {
      void this.tree.loadMoreDatabases();
    } else {
      void this.tree.loadMoreTables(row.database);
    }
  }

  private _item(row: ITreeRow, index: number): HTMLElement {
    const item = element('li', `jp-Arcade-Data-row jp-mod-${row.kind}`);
    item.dataset.index = String(index);
    item.dataset.key = row.key;
    item.style.paddingLeft = `${4 + row.depth * 14}px`;
    item.setAttribute('role', 'treeitem');
    item.setAttribute('aria-level', String(row.depth + 1));
    item.tabIndex = -1;
    const expandable = row.kind === 'database' || row.kind === 'table';
    if (expandable) {
      item.setAttribute('aria-expanded', String(row.expanded));
    }
    const caret = element(
      'span',
      'jp-Arcade-Data-caret',
      expandable ? (row.expanded ? '▾' : '▸') : ''
    );
    item.appendChild(caret);
    switch (row.kind) {
      case 'database':
        item.append(
          element('span', 'jp-Arcade-Data-icon jp-mod-database', '⛁'),
          element('span', 'jp-Arcade-Data-label', row.label)
        );
        break;
      case 'table': {
        const format = row.table?.format ?? 'UNKNOWN';
        const icon = element(
          'span',
          `jp-Arcade-Data-icon jp-mod-${format.toLowerCase()}`,
          FORMAT_MARK[format] ?? '?'
        );
        icon.title = format;
        item.draggable = true;
        item.title = `${row.database}.${row.label} (${format})${row.table?.location === null || row.table?.location === undefined ? '' : `\n${row.table.location}`}`;
        const actions = element('span', 'jp-Arcade-Data-actions');
        for (const [action, label, title] of [
          ['preview', '▶', this._trans.__('Preview the first rows')],
          ['details', 'ⓘ', this._trans.__('Schema, location and history')],
          [
            'query',
            '+',
            this._trans.__('Query in notebook: add a %sql stage cell')
          ]
        ] as const) {
          const act = element('span', 'jp-Arcade-Data-action', label);
          act.dataset.action = action;
          act.title = title;
          act.setAttribute('role', 'button');
          act.setAttribute('aria-label', title);
          actions.appendChild(act);
        }
        item.append(
          icon,
          element('span', 'jp-Arcade-Data-label', row.label),
          actions
        );
        break;
      }
      case 'column':
        item.append(
          element('span', 'jp-Arcade-Data-label', row.label),
          element('span', 'jp-Arcade-Data-detail', row.detail)
        );
        break;
      case 'more':
        item.append(
          element(
            'span',
            'jp-Arcade-Data-muted',
            this._trans.__('Loading more…')
          )
        );
        break;
      case 'loading':
        item.append(
          element('span', 'jp-Arcade-Data-muted', this._trans.__('Loading…'))
        );
        break;
      case 'empty':
        item.append(
          element(
            'span',
            'jp-Arcade-Data-muted',
            this.tree.filter === ''
              ? this._trans.__('No tables')
              : this._trans.__('No table matches "%1"', this.tree.filter)
          )
        );
        break;
      case 'error':
        item.classList.add('jp-mod-error');
        item.append(element('span', 'jp-Arcade-Data-label', row.label));
        item.title = row.label;
        break;
    }
    return item;
  }

  private _rowOf(target: HTMLElement): ITreeRow | null {
    const index = Number(
      target.closest<HTMLElement>('[data-index]')?.dataset.index ?? -1
    );
    return this.tree.rows()[index] ?? null;
  }

  private _activate(row: ITreeRow, action: string): void {
    if (row.kind === 'table' && row.table !== null) {
      if (action === 'preview') {
        this.actions.preview(row.database, row.table);
        return;
      }
      if (action === 'details') {
        this.actions.details(row.database, row.table);
        return;
      }
      if (action === 'query') {
        this.actions.queryInNotebook(row.database, row.table);
        return;
      }
    }
    if (row.kind === 'database' || row.kind === 'table') {
      void this.tree.toggle(row.key);
    }
  }

  private _focusRow(index: number): void {
    const rows = this.tree.rows();
    const target = Math.max(0, Math.min(index, rows.length - 1));
    const top = target * ROW_HEIGHT;
    const view = this._scroller.clientHeight || DEFAULT_VIEW;
    if (
      top < this._scroller.scrollTop ||
      top + ROW_HEIGHT > this._scroller.scrollTop + view
    ) {
      this._scroller.scrollTop = Math.max(0, top - view / 2);
    }
    this.render();
    this._list.querySelector<HTMLElement>(`[data-index="${target}"]`)?.focus();
  }

  private _onKey(event: KeyboardEvent): void {
    const item = (event.target as HTMLElement).closest<HTMLElement>(
      '[data-index]'
    );
    const index = Number(item?.dataset.index ?? -1);
    const row = this.tree.rows()[index];
    if (row === undefined) {
      return;
    }
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        event.preventDefault();
        this._focusRow(index + (event.key === 'ArrowDown' ? 1 : -1));
        break;
      case 'ArrowRight':
        if (
          (row.kind === 'database' || row.kind === 'table') &&
          !row.expanded
        ) {
          event.preventDefault();
          void this.tree.toggle(row.key);
        }
        break;
      case 'ArrowLeft':
        if ((row.kind === 'database' || row.kind === 'table') && row.expanded) {
          event.preventDefault();
          void this.tree.toggle(row.key);
        }
        break;
      case 'Enter':
        event.preventDefault();
        this._activate(row, row.kind === 'table' ? 'preview' : 'toggle');
        break;
      case 'i':
        if (row.kind === 'table') {
          this._activate(row, 'details');
        }
        break;
    }
  }

  private readonly _search: HTMLInputElement;
  private readonly _status: HTMLDivElement;
  private readonly _scroller: HTMLDivElement;
  private readonly _spacer: HTMLDivElement;
  private readonly _list: HTMLUListElement;
  private _frame = 0;
}
