import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { DiffLine, NotebookDiff, StageChange } from 'arcade-engine';
import { isArcNotebookText } from 'arcade-engine/core';
import { loadEngine } from '../stages/engine';
import { element } from '../dom';

/** What a diff compares: one file on two sides (null where it does not exist). */
export interface IDiffSource {
  path: string;
  beforeLabel: string;
  afterLabel: string;
  before: string | null;
  after: string | null;
}

export type DiffResult =
  | { kind: 'stages'; diff: NotebookDiff }
  | { kind: 'text'; lines: DiffLine[] }
  | { kind: 'error'; message: string };

const EMPTY_ARC_NOTEBOOK = JSON.stringify({
  cells: [],
  metadata: { kernelspec: { name: 'arc' } },
  nbformat: 4,
  nbformat_minor: 5
});

/** The stage diff of an Arc notebook, else a line diff. */
export async function computeDiff(source: IDiffSource): Promise<DiffResult> {
  const engine = await loadEngine();
  const arc =
    isArcNotebookText(source.before) || isArcNotebookText(source.after);
  try {
    if (arc && source.path.endsWith('.ipynb')) {
      return {
        kind: 'stages',
        diff: engine.diffNotebooks(
          source.before ?? EMPTY_ARC_NOTEBOOK,
          source.after ?? EMPTY_ARC_NOTEBOOK,
          source.path
        )
      };
    }
    return {
      kind: 'text',
      lines: engine.textDiff(source.before ?? '', source.after ?? '')
    };
  } catch (error) {
    return {
      kind: 'error',
      message: error instanceof Error ? error.message : String(error)
    };
  }
}

function renderLines(lines: DiffLine[]): HTMLElement {
  const pre = element('pre', 'jp-Arcade-Diff-lines');
  for (const line of lines) {
    const row = element(
      'div',
      `jp-Arcade-Diff-line ${line.op === '+' ? 'jp-mod-added' : line.op === '-' ? 'jp-mod-removed' : ''}`,
      `${line.op} ${line.text}`
    );
    pre.appendChild(row);
  }
  return pre;
}

/**
 * Shows how a file changed: per stage for an Arc notebook (added, removed,
 * moved, modified with SQL diff, options and environments), per line
 * otherwise.
 */
export class DiffPanel extends Widget {
  constructor(
    readonly source: IDiffSource,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Arcade-Diff');
    this.node.tabIndex = 0;
    this.node.appendChild(
      element(
        'div',
        'jp-Arcade-Diff-title',
        _trans.__(
          '%1: %2 → %3',
          source.path,
          source.beforeLabel,
          source.afterLabel
        )
      )
    );
    this._body = element('div', 'jp-Arcade-Diff-body', _trans.__('Comparing…'));
    this._body.setAttribute('role', 'status');
    this.node.appendChild(this._body);
    this.ready = computeDiff(source).then(result => {
      this.result = result;
      this._render(result);
    });
  }

  result: DiffResult | null = null;
  readonly ready: Promise<void>;

  private _render(result: DiffResult): void {
    const trans = this._trans;
    this._body.textContent = '';
    this._body.removeAttribute('role');
    if (result.kind === 'error') {
      this._body.appendChild(
        element(
          'div',
          'jp-Arcade-Diff-error',
          trans.__('Cannot compare: %1', result.message)
        )
      );
      return;
    }
    if (result.kind === 'text') {
      if (result.lines.every(line => line.op === ' ')) {
        this._body.appendChild(
          element('div', 'jp-Arcade-Diff-empty', trans.__('No changes'))
        );
        return;
      }
      this._body.appendChild(renderLines(result.lines));
      return;
    }
    const { summary, stages } = result.diff;
    this._body.appendChild(
      element(
        'div',
        'jp-Arcade-Diff-summary',
        trans.__(
          'Stages: %1 added, %2 removed, %3 modified, %4 moved, %5 unchanged',
          summary.added,
          summary.removed,
          summary.modified,
          summary.moved,
          summary.unchanged
        )
      )
    );
    const list = element('ol', 'jp-Arcade-Diff-stages');
    list.setAttribute('aria-label', trans.__('Stages'));
    for (const stage of stages) {
      list.appendChild(this._stage(stage));
    }
    this._body.appendChild(list);
  }

  private _stage(stage: StageChange): HTMLElement {
    const trans = this._trans;
    const item = element('li', `jp-Arcade-Diff-stage jp-mod-${stage.change}`);
    item.dataset.change = stage.change;
    const labels: Record<StageChange['change'], string> = {
      added: trans.__('added'),
      removed: trans.__('removed'),
      modified: trans.__('modified'),
      moved: trans.__('moved'),
      unchanged: trans.__('unchanged')
    };
    const header = element('div', 'jp-Arcade-Diff-stageHeader');
    header.appendChild(
      element('span', 'jp-Arcade-Diff-badge', labels[stage.change])
    );
    header.appendChild(element('span', 'jp-Arcade-Diff-stageName', stage.name));
    header.appendChild(
      element('span', 'jp-Arcade-Diff-stageType', stage.type ?? '')
    );
    if (stage.moved && stage.change === 'modified') {
      header.appendChild(element('span', 'jp-Arcade-Diff-badge', labels.moved));
    }
    const place = stage.after ?? stage.before;
    if (place !== null) {
      header.appendChild(
        element(
          'span',
          'jp-Arcade-Diff-cell',
          trans.__('cell %1', place.cell + 1)
        )
      );
    }
    item.appendChild(header);
    if (stage.environments !== null) {
      const { added, removed } = stage.environments;
      item.appendChild(
        element(
          'div',
          'jp-Arcade-Diff-environments',
          trans.__(
            'Environments: %1%2',
            added.length > 0 ? `+${added.join(', +')} ` : '',
            removed.length > 0 ? `-${removed.join(', -')}` : ''
          )
        )
      );
    }
    if (stage.options.length > 0) {
      const table = element('table', 'jp-Arcade-Diff-options');
      for (const option of stage.options) {
        const row = element('tr', '');
        row.appendChild(element('td', 'jp-Arcade-Diff-key', option.key));
        row.appendChild(element('td', 'jp-mod-removed', option.before ?? '—'));
        row.appendChild(element('td', 'jp-mod-added', option.after ?? '—'));
        table.appendChild(row);
      }
      item.appendChild(table);
    }
    if (stage.sql !== null) {
      item.appendChild(renderLines(stage.sql));
    }
    return item;
  }

  private readonly _body: HTMLElement;
}
