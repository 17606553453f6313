import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type {
  ArgoRunDetail,
  ArgoRunStep,
  ArgoStageProgress,
  ScheduleRow
} from 'arcade-engine';
import { button, element } from '../dom';
import { describeError } from '../status/format';
import { describeCron, formatSeconds, formatStart, runEnded } from './format';
import type { ArgoRunsModel } from './model';
import { phaseBadge, RunsTable } from './runsTable';

/** What the panel asks its owner to do (the commands hold the app). */
export interface IRunsPanelActions {
  act(run: string, verb: 'stop' | 'retry' | 'resubmit'): Promise<void>;
  setSuspended(schedule: string, suspend: boolean): Promise<void>;
  remove(schedule: string): Promise<void>;
  showStage(
    run: ArgoRunDetail,
    step: ArgoRunStep,
    stage: ArgoStageProgress
  ): Promise<void>;
}

/**
 * The runs panel: the project's schedules (Suspend/Resume, Delete) and runs
 * (of the current notebook or all) with phase, trigger, start, duration and
 * commit; the selected run's steps with Arc's stages as they progress, its
 * live log, and Stop, Retry, Resubmit. A failed stage opens its cell, or
 * the stage diff when the cell changed since the run's version.
 */
export class ArgoRunsPanel extends Widget {
  constructor(
    readonly model: ArgoRunsModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Arcade-ArgoRuns');
    this.id = 'jp-Arcade-ArgoRuns';
    const trans = _trans;
    this.title.caption = trans.__('Argo runs');
    const header = element('div', 'jp-Arcade-ArgoRuns-header');
    this._scope = element('select', 'jp-mod-styled jp-Arcade-ArgoRuns-scope');
    this._scope.setAttribute('aria-label', trans.__('Which runs'));
    this._scope.addEventListener('change', () => {
      this._wantAll = this._scope.value === 'all';
      this.model.setNotebook(
        this._scope.value === 'all' ? null : this._notebookForScope
      );
    });
    header.append(
      element('h2', 'jp-Arcade-ArgoRuns-title', trans.__('Argo runs')),
      this._scope,
      button(
        '⟳',
        'jp-Arcade-ArgoRuns-refresh',
        trans.__('Read the runs again'),
        () => {
          void this.model.refresh();
        }
      )
    );
    this.node.appendChild(header);
    this._status = element('div', 'jp-Arcade-ArgoRuns-status');
    this._status.setAttribute('role', 'status');
    this.node.appendChild(this._status);
    this._schedules = element('ul', 'jp-Arcade-ArgoRuns-schedules');
    this._schedules.setAttribute('aria-label', trans.__('Schedules'));
    this.node.appendChild(this._schedules);
    this._table = new RunsTable(trans, name => {
      this.model.select(name);
    });
    this.node.appendChild(this._table.node);
    this._detail = element('section', 'jp-Arcade-ArgoRuns-detail');
    this._detail.setAttribute('aria-live', 'polite');
    this.node.appendChild(this._detail);
    this._log = element('pre', 'jp-Arcade-ArgoRuns-log');
    this._log.tabIndex = 0;
    this._log.setAttribute('aria-label', trans.__('Run log'));
    this.node.appendChild(this._log);
    this.model.changed.connect((_, what) => {
      if (what === 'list') {
        this.renderList();
      } else if (what === 'run') {
        this._renderDetail();
      } else {
        this._renderLog();
      }
    }, this);
    this.setNotebook(null);
  }

  /** Who carries out Stop, Retry, Suspend… (the commands). */
  setActions(actions: IRunsPanelActions): void {
    this._actions = actions;
  }

  /** The notebook the "This notebook" choice means (repository path), or null. */
  setNotebook(notebook: string | null): void {
    this._notebookForScope = notebook;
    const trans = this._trans;
    const options: Array<[string, string]> = [['all', trans.__('All runs')]];
    if (notebook !== null) {
      options.unshift(['notebook', notebook.split('/').pop() ?? notebook]);
    }
    const wanted = notebook !== null && !this._wantAll ? 'notebook' : 'all';
    this._scope.replaceChildren(
      ...options.map(([value, label]) => {
        const option = element('option', '', label);
        option.value = value;
        return option;
      })
    );
    this._scope.value = wanted;
    this.model.setNotebook(wanted === 'all' ? null : notebook);
  }

  /** Draws the schedules and the runs table; returns when the DOM holds them. */
  renderList(): void {
    const trans = this._trans;
    const error = this.model.error;
    this._status.textContent =
      error === null ? '' : describeError(error, trans);
    this._status.classList.toggle('jp-mod-error', error !== null);
    this._schedules.replaceChildren(
      ...this.model.schedules.map(row => this._scheduleItem(row))
    );
    const rows = this.model.runs;
    this._table.setRuns(rows, this.model.selectedName);
    if (rows.length === 0 && error === null) {
      this._status.textContent = trans.__(
        'No runs yet. "Schedule as Argo workflow" on a notebook starts one.'
      );
    }
  }

  private _scheduleItem(row: ScheduleRow): HTMLElement {
    const trans = this._trans;
    const item = element('li', 'jp-Arcade-ArgoRuns-schedule');
    item.dataset.schedule = row.name;
    const cron = row.schedules
      .map(line => describeCron(line) ?? line)
      .join('; ');
    item.append(
      element('strong', '', row.name),
      element('span', 'jp-Arcade-ArgoRuns-cron', `${cron} (${row.timezone})`),
      element(
        'span',
        'jp-Arcade-ArgoRuns-next',
        row.suspended
          ? trans.__('suspended')
          : trans.__('next %1', formatStart(row.nextRuns[0] ?? null))
      ),
      element('code', '', row.commit?.slice(0, 7) ?? '')
    );
    item.appendChild(
      button(
        row.suspended ? trans.__('Resume') : trans.__('Suspend'),
        'jp-Arcade-ArgoRuns-suspend',
        row.suspended
          ? trans.__('Start runs again on the cron')
          : trans.__('Start no runs until resumed'),
        () => {
          void this._actions?.setSuspended(row.name, !row.suspended);
        }
      )
    );
    item.appendChild(
      button(
        trans.__('Delete'),
        'jp-Arcade-ArgoRuns-delete',
        trans.__(
          'Delete the schedule and schedules/%1.yaml (past runs stay)',
          row.name
        ),
        () => {
          void this._actions?.remove(row.name);
        }
      )
    );
    return item;
  }

  private _renderDetail(): void {
    const trans = this._trans;
    this._table.setSelected(this.model.selectedName);
    const run = this.model.selected;
    if (run === null) {
      this._detail.replaceChildren();
      if (this.model.selectedName !== null && this.model.error !== null) {
        this._detail.appendChild(
          element('div', 'jp-mod-error', describeError(this.model.error, trans))
        );
      }
      return;
    }
    const head = element('div', 'jp-Arcade-ArgoRuns-detailHead');
    head.append(
      phaseBadge(run.phase),
      element('strong', '', run.name),
      element(
        'span',
        '',
        trans.__(
          '%1 · %2 · %3',
          run.trigger,
          run.environment ?? '–',
          formatSeconds(run.durationSeconds)
        )
      )
    );
    const version = element('div', 'jp-Arcade-ArgoRuns-version');
    version.append(
      element('span', '', trans.__('Version ')),
      element('code', '', run.commit ?? '–')
    );
    version.title = run.versionUri ?? '';
    const actions = element('div', 'jp-Arcade-ArgoRuns-actions');
    const ended = runEnded(run);
    const act = (
      verb: 'stop' | 'retry' | 'resubmit',
      label: string,
      title: string,
      enabled: boolean
    ): void => {
      const node = button(label, `jp-Arcade-ArgoRuns-${verb}`, title, () => {
        void this._actions?.act(run.name, verb);
      });
      node.disabled = !enabled;
      actions.appendChild(node);
    };
    act(
      'stop',
      trans.__('Stop'),
      trans.__('Stop the run: running steps end'),
      !ended
    );
    act(
      'retry',
      trans.__('Retry'),
      trans.__('Run the steps that did not succeed again'),
      ended && run.phase !== 'Succeeded'
    );
    act(
      'resubmit',
      trans.__('Resubmit'),
      trans.__('Start a new run of the same version'),
      ended
    );
    const steps = element('ol', 'jp-Arcade-ArgoRuns-steps');
    const attempts = new Map<string, number>();
    for (const step of run.steps) {
      const attempt = (attempts.get(step.name) ?? 0) + 1;
      attempts.set(step.name, attempt);
      steps.appendChild(this._stepItem(run, step, attempt));
    }
    if (run.message !== null && run.phase !== 'Succeeded') {
      steps.appendChild(
        element('li', 'jp-Arcade-ArgoRuns-message', run.message)
      );
    }
    this._detail.replaceChildren(head, version, actions, steps);
  }

  private _stepItem(
    run: ArgoRunDetail,
    step: ArgoRunStep,
    attempt: number
  ): HTMLElement {
    const trans = this._trans;
    const item = element('li', 'jp-Arcade-ArgoRuns-step');
    item.dataset.step = step.name;
    const title = element('div', 'jp-Arcade-ArgoRuns-stepHead');
    title.append(
      phaseBadge(step.phase),
      element(
        'strong',
        '',
        attempt === 1
          ? step.name
          : trans.__('%1 (retry %2)', step.name, attempt - 1)
      ),
      element('span', '', step.notebook ?? '')
    );
    item.appendChild(title);
    const stages = element('ol', 'jp-Arcade-ArgoRuns-stages');
    for (const stage of step.stages) {
      const li = element(
        'li',
        `jp-Arcade-ArgoRuns-stage jp-mod-${stage.status}`
      );
      li.dataset.stage = stage.name;
      li.append(
        element('span', 'jp-Arcade-ArgoRuns-stageStatus', stage.status),
        element('span', '', `${stage.name} (${stage.type})`),
        element(
          'span',
          '',
          [
            stage.durationMs === null
              ? ''
              : formatSeconds(Math.round(stage.durationMs / 1000)),
            stage.records === null ? '' : trans.__('%1 rows', stage.records)
          ]
            .filter(Boolean)
            .join(' · ')
        )
      );
      if (stage.status === 'failed') {
        li.appendChild(
          element('div', 'jp-Arcade-ArgoRuns-reasons', stage.reasons.join('\n'))
        );
        li.appendChild(
          button(
            trans.__('Show cell'),
            'jp-Arcade-ArgoRuns-showCell',
            trans.__(
              'Open the stage in the notebook (or its diff when it changed since this version)'
            ),
            () => {
              void this._actions?.showStage(run, step, stage);
            }
          )
        );
      }
      stages.appendChild(li);
    }
    item.appendChild(stages);
    if (step.failure !== null) {
      item.appendChild(
        element('div', 'jp-Arcade-ArgoRuns-reasons', step.failure.join('\n'))
      );
    }
    return item;
  }

  private _renderLog(): void {
    const lines = this.model.logs;
    const atBottom =
      this._log.scrollTop + this._log.clientHeight >=
      this._log.scrollHeight - 8;
    const shown = this._logCount;
    if (lines.length < shown || this.model.droppedLines !== this._logDropped) {
      this._log.textContent = '';
      this._logCount = 0;
    }
    this._logDropped = this.model.droppedLines;
    const text = lines
      .slice(this._logCount)
      .map(line => line.text)
      .join('\n');
    if (text !== '') {
      this._log.appendChild(
        document.createTextNode(this._logCount === 0 ? text : `\n${text}`)
      );
    }
    this._logCount = lines.length;
    if (atBottom) {
      this._log.scrollTop = this._log.scrollHeight;
    }
  }

  /** Reads and polls only while the panel shows. */
  protected override onAfterShow(): void {
    this.model.start();
    void this.model.refresh();
  }

  protected override onAfterHide(): void {
    this.model.pause();
  }

  private readonly _scope: HTMLSelectElement;
  private readonly _status: HTMLElement;
  private readonly _schedules: HTMLUListElement;
  private readonly _table: RunsTable;
  private readonly _detail: HTMLElement;
  private readonly _log: HTMLPreElement;
  private _actions: IRunsPanelActions | null = null;
  private _notebookForScope: string | null = null;
  /** The user chose all runs; otherwise the current notebook's are shown. */
  private _wantAll = false;
  private _logCount = 0;
  private _logDropped = 0;
}
