/**
 * The rows of a query result in a windowed DOM grid: a sticky header of
 * typed column names, a row-number column, only the rows in view in the DOM
 * (so 10,000 rows scroll like 100), further pages asked for near the end.
 * Plain DOM rather than a canvas: the first rows are on screen in one frame
 * even where the browser draws canvases without a GPU, text can be selected
 * and copied, and the theme's CSS variables style it (dark theme included).
 */
import type { ResultColumn, ResultValue } from 'arcade-engine';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import { element } from '../dom';
import { rowsInView } from './windowing';

/** Pixels per row; `.jp-Arcade-Grid-row` in style/catalog.css has the same height. */
export const GRID_ROW_HEIGHT = 22;
const OVERSCAN = 10;
const DEFAULT_VIEW = 400;
/** Rows from the end that ask for the next page. */
const NEAR_END = 50;
const ROW_NUMBER_WIDTH = 56;

const NUMERIC =
  /^(tinyint|smallint|int|integer|bigint|double|float|real|decimal)/i;

/** The result's columns and rows, appended page by page. */
export class ResultModel {
  columns: ResultColumn[] = [];
  rows: ResultValue[][] = [];
  /** Called when the grid shows rows close to the last one loaded. */
  onNearEnd: () => void = () => undefined;
  /** Emitted after `reset` and `append`. */
  readonly changed = new Signal<this, 'reset' | 'append'>(this);

  /** A column header: the name and Athena's type. */
  headerText(column: number): string {
    const c = this.columns[column];
    return c === undefined ? '' : `${c.name} : ${c.type}`;
  }

  /** A cell as shown; SQL NULL is `NULL`. */
  cellText(row: number, column: number): string {
    const value = this.rows[row]?.[column] ?? null;
    return value === null ? 'NULL' : String(value);
  }

  isNumeric(column: number): boolean {
    return NUMERIC.test(this.columns[column]?.type ?? '');
  }

  reset(columns: ResultColumn[], rows: ResultValue[][]): void {
    this.columns = columns;
    this.rows = rows;
    this.changed.emit('reset');
  }

  append(rows: ResultValue[][]): void {
    if (rows.length === 0) {
      return;
    }
    this.rows = [...this.rows, ...rows];
    this.changed.emit('append');
  }
}

/** A column's width from its header and the first rows' text: between 64 and 360 px. */
export function columnWidth(header: string, values: readonly string[]): number {
  const longest = values.reduce(
    (n, text) => Math.max(n, text.length),
    header.length
  );
  return Math.round(Math.min(360, Math.max(64, longest * 7.2 + 18)));
}

export class ResultGrid extends Widget {
  constructor(
    readonly model: ResultModel,
    label: string
  ) {
    super();
    this.addClass('jp-Arcade-Grid');
    this.node.tabIndex = 0;
    this.node.setAttribute('role', 'grid');
    this.node.setAttribute('aria-label', label);
    this._header = element('div', 'jp-Arcade-Grid-header');
    this._header.setAttribute('role', 'row');
    this._body = element('div', 'jp-Arcade-Grid-body');
    this._rows = element('div', 'jp-Arcade-Grid-rows');
    this._body.appendChild(this._rows);
    this.node.append(this._header, this._body);
    this.node.addEventListener('scroll', () => {
      this._scheduleRender();
    });
    model.changed.connect((_, change) => {
      if (change === 'reset') {
        this._layoutColumns();
      }
      // Drawn now: the first rows are on screen in the next frame.
      this.render();
    }, this);
  }

  /** Draws the header and the rows in view. */
  render(): void {
    const model = this.model;
    const count = model.rows.length;
    this.node.setAttribute('aria-rowcount', String(count + 1));
    this._body.style.height = `${count * GRID_ROW_HEIGHT}px`;
    const view = this.node.clientHeight || DEFAULT_VIEW;
    const { first, last } = rowsInView(
      Math.max(0, this.node.scrollTop - this._header.offsetHeight),
      view,
      GRID_ROW_HEIGHT,
      count,
      OVERSCAN
    );
    this._rows.style.transform = `translateY(${first * GRID_ROW_HEIGHT}px)`;
    const rows: HTMLElement[] = [];
    for (let r = first; r < last; r++) {
      rows.push(this._row(r));
    }
    this._rows.replaceChildren(...rows);
    if (count > 0 && last >= count - NEAR_END) {
      model.onNearEnd();
    }
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    cancelAnimationFrame(this._frame);
    Signal.clearData(this);
    super.dispose();
  }

  protected override onAfterShow(): void {
    this.render();
  }

  protected override onResize(): void {
    this._scheduleRender();
  }

  private _layoutColumns(): void {
    const model = this.model;
    const sample = model.rows.slice(0, 100);
    const widths = model.columns.map((_, c) =>
      columnWidth(
        model.headerText(c),
        sample.map((__, r) => model.cellText(r, c))
      )
    );
    const template = [ROW_NUMBER_WIDTH, ...widths].map(w => `${w}px`).join(' ');
    const total = [ROW_NUMBER_WIDTH, ...widths].reduce((a, b) => a + b, 0);
    this.node.style.setProperty('--jp-Arcade-Grid-columns', template);
    this.node.style.setProperty('--jp-Arcade-Grid-width', `${total}px`);
    this.node.setAttribute('aria-colcount', String(model.columns.length + 1));
    const cells = [element('div', 'jp-Arcade-Grid-corner')];
    model.columns.forEach((column, c) => {
      const cell = element(
        'div',
        'jp-Arcade-Grid-columnHeader',
        model.headerText(c)
      );
      cell.setAttribute('role', 'columnheader');
      cell.title = `${column.name} (${column.type})`;
      if (model.isNumeric(c)) {
        cell.classList.add('jp-mod-number');
      }
      cells.push(cell);
    });
    this._header.replaceChildren(...cells);
    this._numeric = model.columns.map((_, c) => model.isNumeric(c));
    this.node.scrollTop = 0;
  }

  private _row(r: number): HTMLElement {
    const model = this.model;
    const row = element('div', 'jp-Arcade-Grid-row');
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(r + 2));
    const number = element('div', 'jp-Arcade-Grid-rowHeader', String(r + 1));
    number.setAttribute('role', 'rowheader');
    row.appendChild(number);
    for (let c = 0; c < model.columns.length; c++) {
      const text = model.cellText(r, c);
      const cell = element('div', 'jp-Arcade-Grid-cell', text);
      cell.setAttribute('role', 'gridcell');
      if (this._numeric[c] === true) {
        cell.classList.add('jp-mod-number');
      }
      if (model.rows[r]?.[c] === null) {
        cell.classList.add('jp-mod-null');
      }
      if (text.length > 40) {
        cell.title = text;
      }
      row.appendChild(cell);
    }
    return row;
  }

  private _scheduleRender(): void {
    if (this._frame === 0) {
      this._frame = requestAnimationFrame(() => {
        this._frame = 0;
        this.render();
      });
    }
  }

  private readonly _header: HTMLElement;
  private readonly _body: HTMLElement;
  private readonly _rows: HTMLElement;
  private _numeric: boolean[] = [];
  private _frame = 0;
}
