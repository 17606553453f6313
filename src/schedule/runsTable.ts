/**
 * The runs table of the Argo runs panel, windowed: only the rows in view
 * (and a few around them) are in the DOM, so a thousand runs draw as fast
 * as twenty, and scrolling draws the next rows on the next frame.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ArgoRunRow } from 'arcade-engine';
import { element } from '../dom';
import { formatSeconds, formatStart, phaseClass } from './format';

/** Height of a run's row in pixels (style/schedule.css holds it to this). */
export const ROW_HEIGHT = 24;
/** Rows drawn beyond each edge of the view. */
const OVERSCAN = 10;
/** Height assumed before the table is laid out (hidden, or in tests). */
const DEFAULT_VIEW = 400;

export function phaseBadge(phase: string): HTMLElement {
  return element(
    'span',
    `jp-Arcade-ArgoRuns-phase jp-mod-${phaseClass(phase)}`,
    phase
  );
}

export class RunsTable {
  constructor(
    trans: TranslationBundle,
    private readonly _onSelect: (name: string) => void
  ) {
    this.node = element('div', 'jp-Arcade-ArgoRuns-tableBox');
    this._table = element('table', 'jp-Arcade-ArgoRuns-table');
    this._table.setAttribute('aria-label', trans.__('Runs'));
    const head = element('thead', '');
    const headRow = element('tr', '');
    for (const title of [
      trans.__('Phase'),
      trans.__('Run'),
      trans.__('Trigger'),
      trans.__('Started'),
      trans.__('Duration'),
      trans.__('Version')
    ]) {
      headRow.appendChild(element('th', '', title));
    }
    head.appendChild(headRow);
    this._rows = element('tbody', 'jp-Arcade-ArgoRuns-rows');
    this._table.append(head, this._rows);
    this.node.appendChild(this._table);
    this.node.addEventListener('scroll', () => {
      if (this._frame === 0) {
        this._frame = requestAnimationFrame(() => {
          this._frame = 0;
          this.render();
        });
      }
    });
    this._rows.addEventListener('click', event => {
      const name = (event.target as HTMLElement).closest('tr')?.dataset.run;
      if (name !== undefined) {
        this._onSelect(name);
      }
    });
    this._rows.addEventListener('keydown', event => {
      const row = (event.target as HTMLElement).closest('tr');
      const index = Number(row?.dataset.index ?? -1);
      if (event.key === 'Enter' && row?.dataset.run !== undefined) {
        this._onSelect(row.dataset.run);
      } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        this.focusRow(index + (event.key === 'ArrowDown' ? 1 : -1));
      }
    });
  }

  readonly node: HTMLDivElement;

  /** Shows these runs, `selected` highlighted. */
  setRuns(runs: readonly ArgoRunRow[], selected: string | null): void {
    this._runs = runs;
    this._selected = selected;
    this._table.setAttribute('aria-rowcount', String(runs.length + 1));
    this.render();
  }

  setSelected(selected: string | null): void {
    this._selected = selected;
    for (const row of Array.from(this._rows.querySelectorAll('tr'))) {
      const on = row.dataset.run !== undefined && row.dataset.run === selected;
      row.classList.toggle('jp-mod-selected', on);
      row.setAttribute('aria-selected', String(on));
    }
  }

  /** Scrolls row `index` into view and focuses it. */
  focusRow(index: number): void {
    if (index < 0 || index >= this._runs.length) {
      return;
    }
    const view = this.node.clientHeight || DEFAULT_VIEW;
    const top = index * ROW_HEIGHT;
    if (top < this.node.scrollTop) {
      this.node.scrollTop = top;
    } else if (top + 2 * ROW_HEIGHT > this.node.scrollTop + view) {
      this.node.scrollTop = top + 2 * ROW_HEIGHT - view;
    }
    this.render();
    this._rows.querySelector<HTMLElement>(`tr[data-index="${index}"]`)?.focus();
  }

  /** Draws the rows in view, with spacers standing for the others. */
  render(): void {
    const total = this._runs.length;
    const view = this.node.clientHeight || DEFAULT_VIEW;
    const first = Math.max(
      0,
      Math.floor(this.node.scrollTop / ROW_HEIGHT) - OVERSCAN
    );
    const last = Math.min(
      total,
      Math.ceil((this.node.scrollTop + view) / ROW_HEIGHT) + OVERSCAN
    );
    const fragment = document.createDocumentFragment();
    fragment.appendChild(this._spacer(first * ROW_HEIGHT));
    for (let i = first; i < last; i++) {
      const run = this._runs[i];
      if (run !== undefined) {
        fragment.appendChild(this._row(run, i));
      }
    }
    fragment.appendChild(this._spacer((total - last) * ROW_HEIGHT));
    this._rows.replaceChildren(fragment);
  }

  private _spacer(height: number): HTMLTableRowElement {
    const tr = element('tr', 'jp-Arcade-ArgoRuns-spacer');
    tr.setAttribute('aria-hidden', 'true');
    tr.style.height = `${height}px`;
    return tr;
  }

  private _row(run: ArgoRunRow, index: number): HTMLTableRowElement {
    const tr = element('tr', 'jp-Arcade-ArgoRuns-row');
    tr.dataset.run = run.name;
    tr.dataset.index = String(index);
    tr.setAttribute('aria-rowindex', String(index + 2));
    tr.tabIndex = 0;
    const selected = run.name === this._selected;
    tr.classList.toggle('jp-mod-selected', selected);
    tr.setAttribute('aria-selected', String(selected));
    const phase = element('td', '');
    phase.appendChild(phaseBadge(run.phase));
    const version = element('td', '');
    const code = element('code', '', run.commit?.slice(0, 7) ?? '–');
    code.title = run.versionUri ?? '';
    version.appendChild(code);
    tr.append(
      phase,
      element('td', 'jp-Arcade-ArgoRuns-name', run.name),
      element('td', '', run.trigger),
      element('td', '', formatStart(run.startedAt)),
      element('td', '', formatSeconds(run.durationSeconds)),
      version
    );
    return tr;
  }

  private readonly _table: HTMLTableElement;
  private readonly _rows: HTMLTableSectionElement;
  private _runs: readonly ArgoRunRow[] = [];
  private _selected: string | null = null;
  private _frame = 0;
}
