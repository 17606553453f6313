/**
 * A table preview: an Athena query with the row limit from settings, its
 * rows in a windowed grid (grid.ts) with typed column headers and further
 * pages loaded as the grid scrolls near the end, a status
 * line (state, time, rows, bytes scanned, estimated cost) and Cancel, which
 * stops the query in Athena — as closing the preview does.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { QueryStatus, TableSummary } from 'arcade-engine';
import { BoxLayout, Widget } from '@lumino/widgets';
import { toRequestError } from '../request';
import { describeFailure } from '../status/format';
import { button, element } from '../dom';
import type { CatalogApi } from './api';
import { ResultGrid, ResultModel } from './grid';
import { statusLine } from './format';

const PAGE = 500;

export class TablePreview extends Widget {
  constructor(
    private readonly _api: CatalogApi,
    readonly database: string,
    readonly table: TableSummary,
    private readonly _trans: TranslationBundle,
    private readonly _queryInNotebook: () => void
  ) {
    super();
    this.addClass('jp-Arcade-Preview');
    this.id = `jp-Arcade-preview-${Math.random().toString(36).slice(2)}`;
    this.title.label = `${database}.${table.name}`;
    this.title.caption = this._trans.__(
      'Preview of %1.%2 (Athena)',
      database,
      table.name
    );
    this.title.closable = true;
    const bar = new Widget({ node: element('div', 'jp-Arcade-Preview-bar') });
    this._status = element('span', 'jp-Arcade-Preview-status');
    this._status.setAttribute('role', 'status');
    this._cancel = button(
      this._trans.__('Cancel'),
      'jp-Arcade-Preview-cancel',
      this._trans.__('Stop the query in Athena'),
      () => {
        void this.cancel();
      }
    );
    const query = button(
      this._trans.__('Query in notebook'),
      'jp-Arcade-Preview-query',
      this._trans.__('Add a %sql stage cell that reads this table'),
      () => {
        this._queryInNotebook();
      }
    );
    const rerun = button(
      '⟳',
      'jp-Arcade-Preview-rerun',
      this._trans.__('Run the preview again'),
      () => {
        void this.start();
      }
    );
    bar.node.append(this._status, this._cancel, rerun, query);
    this._model.onNearEnd = () => {
      void this._loadMore();
    };
    this._grid = new ResultGrid(
      this._model,
      this._trans.__('Rows of %1.%2', database, table.name)
    );
    this._grid.addClass('jp-Arcade-Preview-grid');
    const layout = new BoxLayout({ direction: 'top-to-bottom', spacing: 0 });
    BoxLayout.setStretch(bar, 0);
    BoxLayout.setStretch(this._grid, 1);
    layout.addWidget(bar);
    layout.addWidget(this._grid);
    this.layout = layout;
  }

  /** The query's id once started. */
  get queryId(): string | null {
    return this._queryId;
  }

  get state(): QueryStatus['state'] | null {
    return this._latest?.state ?? null;
  }

  /** Starts (or restarts) the preview query and follows it. */
  async start(): Promise<void> {
    await this._stopRunning();
    const run = ++this._run;
    this._latest = null;
    this._more = null;
    this._model.reset([], []);
    this._started = performance.now();
    this._showStatus();
    this._tick = window.setInterval(() => {
      this._showStatus();
    }, 100);
    try {
      const started = await this._api.preview(this.database, this.table.name);
      if (run !== this._run) {
        return;
      }
      this._queryId = started.queryId;
      this._cancel.disabled = false;
      let attempt = 0;
      for (;;) {
        const status = await this._api.status(started.queryId);
        if (run !== this._run) {
          return;
        }
        this._latest = status;
        if (status.state !== 'QUEUED' && status.state !== 'RUNNING') {
          break;
        }
        await new Promise(resolve =>
          setTimeout(
            resolve,
            [25, 25, 50, 50, 100, 100, 200, 300, 500][attempt++] ?? 1000
          )
        );
      }
      if (this._latest.state === 'SUCCEEDED') {
        performance.mark(`arcade-preview-succeeded:${started.queryId}`);
        const page = await this._api.results(started.queryId, undefined, PAGE);
        if (run !== this._run) {
          return;
        }
        performance.mark(`arcade-preview-page:${started.queryId}`);
        this._more = page.nextToken;
        this._model.reset(page.columns, page.rows);
        requestAnimationFrame(() => {
          performance.mark(`arcade-preview-rows:${started.queryId}`);
          this.node.dataset.rows = String(this._model.rows.length);
        });
      }
    } catch (error) {
      if (run === this._run) {
        this._failure = describeFailure(toRequestError(error), this._trans);
      }
    } finally {
      if (run === this._run) {
        window.clearInterval(this._tick);
        this._cancel.disabled = true;
        this._showStatus();
      }
    }
  }

  /** Stops the query in Athena; the preview says Cancelled. */
  async cancel(): Promise<void> {
    const id = this._queryId;
    if (id === null || this._cancel.disabled) {
      return;
    }
    this._cancel.disabled = true;
    this._run++;
    window.clearInterval(this._tick);
    try {
      this._latest = await this._api.stop(id);
    } catch (error) {
      this._failure = describeFailure(toRequestError(error), this._trans);
    }
    this._showStatus();
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    void this._stopRunning();
    window.clearInterval(this._tick);
    super.dispose();
  }

  private async _stopRunning(): Promise<void> {
    const id = this._queryId;
    const state = this._latest?.state;
    if (
      id !== null &&
      (state === undefined || state === 'QUEUED' || state === 'RUNNING') &&
      !this._cancel.disabled
    ) {
      this._run++;
      this._cancel.disabled = true;
      try {
        await this._api.stop(id);
      } catch {
        // Closing: nothing to show it on.
      }
    }
    this._failure = null;
  }

  private async _loadMore(): Promise<void> {
    const id = this._queryId;
    if (id === null || this._more === null || this._loadingMore) {
      return;
    }
    this._loadingMore = true;
    try {
      const page = await this._api.results(id, this._more, PAGE);
      this._more = page.nextToken;
      this._model.append(page.rows);
      this._showStatus();
    } catch (error) {
      this._failure = describeFailure(toRequestError(error), this._trans);
      this._more = null;
      this._showStatus();
    } finally {
      this._loadingMore = false;
    }
  }

  private _showStatus(): void {
    const text =
      this._failure ??
      statusLine(
        this._trans,
        this._latest,
        performance.now() - this._started,
        this._model.rows.length,
        this._more !== null
      );
    this._status.textContent = text;
    this.node.dataset.state =
      this._failure !== null ? 'ERROR' : (this._latest?.state ?? 'STARTING');
  }

  private readonly _model = new ResultModel();
  private readonly _grid: ResultGrid;
  private readonly _status: HTMLSpanElement;
  private readonly _cancel: HTMLButtonElement;
  private _queryId: string | null = null;
  private _latest: QueryStatus | null = null;
  private _more: string | null = null;
  private _loadingMore = false;
  private _failure: string | null = null;
  private _started = 0;
  private _tick = 0;
  private _run = 0;
}
