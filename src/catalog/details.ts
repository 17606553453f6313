/**
 * A table's details: schema, partition keys, location, format and, for a
 * Delta table, its history (version, time, operation, operation metrics)
 * read from the table's `_delta_log` through the bridge.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { TableDetail, TableHistory, TableSummary } from 'arcade-engine';
import { Widget } from '@lumino/widgets';
import { element } from '../dom';
import { toRequestError } from '../request';
import { describeFailure } from '../status/format';
import type { CatalogApi } from './api';

function table(
  headers: string[],
  rows: string[][],
  label: string
): HTMLTableElement {
  const node = element('table', 'jp-Arcade-Details-table');
  node.setAttribute('aria-label', label);
  const head = element('tr', '');
  headers.forEach(h => head.appendChild(element('th', '', h)));
  node.appendChild(element('thead', '')).appendChild(head);
  const body = element('tbody', '');
  for (const row of rows) {
    const tr = element('tr', '');
    row.forEach(cell => tr.appendChild(element('td', '', cell)));
    body.appendChild(tr);
  }
  node.appendChild(body);
  return node;
}

export class TableDetails extends Widget {
  constructor(
    private readonly _api: CatalogApi,
    readonly database: string,
    readonly summary: TableSummary,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Arcade-Details');
    this.title.label = this._trans.__('%1 (details)', summary.name);
    this.title.caption = `${database}.${summary.name}`;
    this.title.closable = true;
    this.node.tabIndex = -1;
  }

  async load(): Promise<void> {
    const trans = this._trans;
    this.node.replaceChildren(
      element('p', 'jp-Arcade-Data-muted', trans.__('Loading…'))
    );
    let detail: TableDetail;
    try {
      detail = await this._api.table(this.database, this.summary.name);
    } catch (error) {
      this.node.replaceChildren(
        element(
          'p',
          'jp-Arcade-Details-error',
          describeFailure(toRequestError(error), trans)
        )
      );
      return;
    }
    const facts = element('dl', 'jp-Arcade-Details-facts');
    for (const [term, value] of [
      [trans.__('Table'), `${detail.database}.${detail.name}`],
      [trans.__('Format'), `${detail.format} (${detail.tableType})`],
      [trans.__('Location'), detail.location ?? trans.__('none')],
      [trans.__('Created'), detail.createTime ?? trans.__('unknown')]
    ] as const) {
      facts.append(element('dt', '', term), element('dd', '', value));
    }
    const parts: HTMLElement[] = [
      element('h2', '', `${detail.database}.${detail.name}`),
      facts,
      element('h3', '', trans.__('Columns')),
      table(
        [trans.__('Name'), trans.__('Type'), trans.__('Comment')],
        detail.columns.map(c => [c.name, c.type, c.comment ?? '']),
        trans.__('Columns')
      )
    ];
    if (detail.partitionKeys.length > 0) {
      parts.push(
        element('h3', '', trans.__('Partition keys')),
        table(
          [trans.__('Name'), trans.__('Type')],
          detail.partitionKeys.map(c => [c.name, c.type]),
          trans.__('Partition keys')
        )
      );
    }
    const history = element('section', 'jp-Arcade-Details-history');
    parts.push(element('h3', '', trans.__('History')), history);
    this.node.replaceChildren(...parts);
    if (detail.format !== 'DELTA') {
      history.appendChild(
        element(
          'p',
          'jp-Arcade-Data-muted',
          trans.__('History is kept for Delta tables only.')
        )
      );
      return;
    }
    history.appendChild(
      element('p', 'jp-Arcade-Data-muted', trans.__('Reading the Delta log…'))
    );
    let log: TableHistory;
    try {
      log = await this._api.history(this.database, this.summary.name);
    } catch (error) {
      history.replaceChildren(
        element(
          'p',
          'jp-Arcade-Details-error',
          describeFailure(toRequestError(error), trans)
        )
      );
      return;
    }
    history.replaceChildren(
      table(
        [
          trans.__('Version'),
          trans.__('Time'),
          trans.__('Operation'),
          trans.__('Metrics')
        ],
        log.commits.map(c => [
          String(c.version),
          c.timestamp ?? '',
          c.operation,
          Object.entries(c.metrics)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')
        ]),
        trans.__('History')
      )
    );
    if (log.truncated) {
      history.appendChild(
        element(
          'p',
          'jp-Arcade-Data-muted',
          trans.__('Older versions are not shown.')
        )
      );
    }
  }
}
