import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { describeError } from '../status/format';
import {
  formatDuration,
  formatRecords,
  runSummary,
  stageStatusLabel
} from './format';
import type { IStageRow, RunModel } from './model';
import { element } from '../dom';

const STATUS_ICONS: Record<IStageRow['status'], string> = {
  running: '◌',
  finished: '✓',
  failed: '✕'
};

/**
 * Live progress of one batch run: a row per stage, a summary, Cancel.
 *
 * It renders the model only; "Go to cell" is handed to the owner.
 */
export class RunPanel extends Widget {
  constructor(options: RunPanel.IOptions) {
    super();
    this._model = options.model;
    this._trans = options.trans;
    this._onShowCell = options.onShowCell;
    this.addClass('jp-Arcade-Run');
    const trans = this._trans;

    const header = element('div', 'jp-Arcade-Run-header');
    header.appendChild(
      element(
        'div',
        'jp-Arcade-Run-title',
        trans.__('%1 in %2', this._model.notebookPath, this._model.environment)
      )
    );
    this._cancel = element(
      'button',
      'jp-Button jp-mod-styled jp-mod-warn jp-Arcade-Run-cancel',
      trans.__('Cancel')
    );
    this._cancel.type = 'button';
    this._cancel.addEventListener('click', () => {
      this._cancel.disabled = true;
      void this._model.cancel();
    });
    header.appendChild(this._cancel);
    this.node.appendChild(header);

    this._stages = element('ol', 'jp-Arcade-Run-stages');
    this._stages.setAttribute('aria-label', trans.__('Stages'));
    this.node.appendChild(this._stages);
    this._summary = element('div', 'jp-Arcade-Run-summary');
    this._summary.setAttribute('role', 'status');
    this.node.appendChild(this._summary);
    this._error = element('pre', 'jp-Arcade-Run-error');
    this.node.appendChild(this._error);

    this._model.changed.connect(this._render, this);
    this._render();
  }

  get model(): RunModel {
    return this._model;
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.changed.disconnect(this._render, this);
    super.dispose();
  }

  private _render(): void {
    const trans = this._trans;
    const view = this._model.view;
    this._stages.replaceChildren(...view.stages.map(row => this._row(row)));
    this._summary.textContent = runSummary(view, trans);
    this.node.dataset.status = view.status;
    for (const state of ['running', 'succeeded', 'failed', 'cancelled']) {
      this._summary.classList.toggle(`jp-mod-${state}`, view.status === state);
    }
    this._cancel.hidden = view.status !== 'running';

    const problems: string[] = [];
    const error = this._model.error;
    if (error !== null) {
      problems.push(
        trans.__('Arcade bridge: %1', describeError(error, trans)),
        error.message
      );
    }
    if (view.runFailure !== null) {
      problems.push(...view.runFailure);
    }
    if (view.outputTail.length > 0) {
      problems.push(trans.__('Last output of the job:'), ...view.outputTail);
    }
    this._error.textContent = problems.join('\n');
    this._error.hidden = problems.length === 0;
  }

  private _row(row: IStageRow): HTMLLIElement {
    const trans = this._trans;
    const item = element('li', `jp-Arcade-Run-stage jp-mod-${row.status}`);
    item.dataset.stageStatus = row.status;
    const icon = element(
      'span',
      'jp-Arcade-Run-stageIcon',
      STATUS_ICONS[row.status]
    );
    icon.title = stageStatusLabel(row, trans);
    icon.setAttribute('aria-label', stageStatusLabel(row, trans));
    item.append(
      icon,
      element(
        'span',
        'jp-Arcade-Run-stageName',
        row.stage.name || trans.__('(unnamed)')
      ),
      element('span', 'jp-Arcade-Run-stageType', row.stage.type),
      element(
        'span',
        'jp-Arcade-Run-stageDuration',
        row.durationMs === null ? '' : formatDuration(row.durationMs, trans)
      ),
      element(
        'span',
        'jp-Arcade-Run-stageRecords',
        formatRecords(row.records, trans)
      )
    );
    if (row.status === 'failed') {
      const cellIndex = row.stage.cellIndex;
      if (cellIndex !== null) {
        const link = element(
          'button',
          'jp-Arcade-Run-cellLink',
          trans.__('Go to cell %1', cellIndex + 1)
        );
        link.type = 'button';
        link.addEventListener('click', () => {
          this._onShowCell(cellIndex);
        });
        item.appendChild(link);
      }
      if (row.reasons.length > 0) {
        item.appendChild(
          element('pre', 'jp-Arcade-Run-reason', row.reasons.join('\n'))
        );
      }
    }
    return item;
  }

  private _cancel: HTMLButtonElement;
  private _error: HTMLPreElement;
  private _model: RunModel;
  private _onShowCell: (cellIndex: number) => void;
  private _stages: HTMLOListElement;
  private _summary: HTMLDivElement;
  private _trans: TranslationBundle;
}

export namespace RunPanel {
  export interface IOptions {
    model: RunModel;
    trans: TranslationBundle;
    /** Show the notebook cell a stage came from (0-based). */
    onShowCell: (cellIndex: number) => void;
  }
}
