import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type {
  ConcurrencyPolicy,
  CpuArch,
  ScheduleContextResponse,
  ScheduleNotebook,
  ScheduleSpec
} from 'arcade-engine';
import { argumentValueProblem, scheduleNameProblem } from 'arcade-engine/core';
import { button, element } from '../dom';
import { input, labelled, localTimezone, select, StepsField } from './fields';
import {
  describeCron,
  formatInZone,
  neededVariables,
  suggestName
} from './format';

/** What the form asks the dialog to do. */
export type ScheduleAction = 'create' | 'run';

/** A field's problem, shown beside it and listed when the user submits. */
export interface IFormProblem {
  field: string;
  message: string;
}

/**
 * The content of the schedule dialog: the notebook or pipeline, the
 * environment and parameters it needs, the cron line read in plain English
 * with its next runs, and the run's resources. Pure DOM over a
 * ScheduleContextResponse; the dialog does the requests.
 */
export class ScheduleForm extends Widget {
  constructor(options: ScheduleForm.IOptions) {
    super();
    this.addClass('jp-Arcade-Schedule');
    this._trans = options.trans;
    this._context = options.context;
    this._onSubmit = options.onSubmit;
    this._onCronChange = options.onCronChange;
    this._onPublish = options.onPublish;
    const trans = this._trans;
    const current = options.context.notebooks.find(
      n => n.path === options.notebook
    );
    const defaults = options.context.defaults;

    this._banner = element('div', 'jp-Arcade-Schedule-banner');
    this._banner.setAttribute('role', 'alert');
    this.node.appendChild(this._banner);

    this._name = input(
      'jp-Arcade-Schedule-name',
      suggestName(options.notebook)
    );
    this._name.setAttribute('aria-describedby', 'jp-Arcade-Schedule-nameHint');
    this._nameHint = element('div', 'jp-Arcade-Schedule-hint');
    this._nameHint.id = 'jp-Arcade-Schedule-nameHint';
    this.node.appendChild(
      labelled(trans.__('Name'), this._name, this._nameHint)
    );

    this._steps = new StepsField(
      options.context.notebooks,
      current?.path ?? null,
      trans,
      () => {
        this._renderParameters();
      }
    );
    this.node.appendChild(this._steps.node);

    const environments = options.context.environments;
    this._environment = select(
      'jp-Arcade-Schedule-environment',
      environments.map(e => [e, e]),
      environments.includes(defaults.environment)
        ? defaults.environment
        : (environments[0] ?? '')
    );
    this.node.appendChild(labelled(trans.__('Environment'), this._environment));

    this._parameters = element('fieldset', 'jp-Arcade-Schedule-parameters');
    this.node.appendChild(this._parameters);

    this._cron = input('jp-Arcade-Schedule-cron', '0 2 * * *');
    this._cron.placeholder = trans.__('minute hour day month weekday');
    this._cronText = element('div', 'jp-Arcade-Schedule-hint');
    this._cronText.id = 'jp-Arcade-Schedule-cronText';
    this._cron.setAttribute('aria-describedby', this._cronText.id);
    this.node.appendChild(
      labelled(trans.__('Cron'), this._cron, this._cronText)
    );
    this._timezone = input('jp-Arcade-Schedule-timezone', localTimezone());
    this._timezone.setAttribute('list', 'jp-Arcade-Schedule-zones');
    const zones = element('datalist', '');
    zones.id = 'jp-Arcade-Schedule-zones';
    const supported = (
      Intl as { supportedValuesOf?: (key: string) => string[] }
    ).supportedValuesOf?.('timeZone');
    for (const zone of supported ?? ['UTC']) {
      const option = element('option', '');
      option.value = zone;
      zones.appendChild(option);
    }
    this.node.appendChild(zones);
    this.node.appendChild(labelled(trans.__('Time zone'), this._timezone));
    this._nextRuns = element('ol', 'jp-Arcade-Schedule-nextRuns');
    this._nextRuns.setAttribute('aria-label', trans.__('Next runs'));
    this.node.appendChild(this._nextRuns);

    this._concurrency = select(
      'jp-Arcade-Schedule-concurrency',
      [
        ['Forbid', trans.__('Forbid: skip a run while one is running')],
        ['Replace', trans.__('Replace: stop the running one')],
        ['Allow', trans.__('Allow: run side by side')]
      ],
      defaults.concurrencyPolicy
    );
    this.node.appendChild(
      labelled(trans.__('Overlapping runs'), this._concurrency)
    );
    this._retries = input(
      'jp-Arcade-Schedule-retries',
      String(defaults.retries.limit),
      'number'
    );
    this._retries.min = '0';
    this._retries.max = '10';
    this._backoff = input(
      'jp-Arcade-Schedule-backoff',
      String(defaults.retries.backoffSeconds),
      'number'
    );
    this._backoff.min = '0';
    this.node.appendChild(labelled(trans.__('Retries'), this._retries));
    this.node.appendChild(
      labelled(trans.__('First retry after (s)'), this._backoff)
    );
    this._timeout = input(
      'jp-Arcade-Schedule-timeout',
      defaults.timeoutSeconds === null
        ? ''
        : String(Math.round(defaults.timeoutSeconds / 60)),
      'number'
    );
    this._timeout.min = '1';
    this._timeout.placeholder = trans.__('none');
    this.node.appendChild(labelled(trans.__('Timeout (min)'), this._timeout));
    this._size = select(
      'jp-Arcade-Schedule-size',
      Object.entries(options.context.sizes).map(([name, size]) => [
        name,
        trans.__(
          '%1: driver %2 cores %3, %4 executors of %5 cores %6',
          name,
          size.driverCores,
          size.driverMemory,
          size.executorInstances,
          size.executorCores,
          size.executorMemory
        )
      ]),
      defaults.size
    );
    this.node.appendChild(labelled(trans.__('Size'), this._size));
    this._arch = select(
      'jp-Arcade-Schedule-arch',
      [
        ['arm64', trans.__('arm64 (Graviton)')],
        ['amd64', trans.__('amd64 (x86)')]
      ],
      defaults.arch
    );
    this.node.appendChild(labelled(trans.__('CPU'), this._arch));
    this._spot = input('jp-Arcade-Schedule-spot', '', 'checkbox');
    this._spot.checked = defaults.spot;
    this.node.appendChild(
      labelled(trans.__('Allow Spot capacity'), this._spot)
    );

    this._problems = element('ul', 'jp-Arcade-Schedule-problems');
    this._problems.setAttribute('role', 'alert');
    this.node.appendChild(this._problems);
    this._status = element('div', 'jp-Arcade-Schedule-status');
    this._status.setAttribute('role', 'status');
    this.node.appendChild(this._status);
    const actions = element('div', 'jp-Arcade-Schedule-actions');
    this._runNow = button(
      trans.__('Run now'),
      'jp-Arcade-Schedule-runNow',
      trans.__('Run once now on Argo, pinned to the published version'),
      () => {
        void this.submit('run');
      }
    );
    this._create = button(
      trans.__('Create schedule'),
      'jp-mod-accept jp-Arcade-Schedule-create',
      trans.__(
        'Create (or update) the CronWorkflow and write schedules/<name>.yaml'
      ),
      () => {
        void this.submit('create');
      }
    );
    actions.append(this._runNow, this._create);
    this.node.appendChild(actions);

    this._name.addEventListener('input', () => {
      this._renderName();
    });
    this._cron.addEventListener('input', () => {
      this._renderCron();
    });
    this._timezone.addEventListener('change', () => {
      this._renderCron();
    });
    this._renderBanner();
    this._renderName();
    this._renderSteps();
    this._renderCron();
  }

  /** The context the form was built from. */
  get context(): ScheduleContextResponse {
    return this._context;
  }

  /** Takes the publish state of a context read again (after Publish HEAD); keeps every field. */
  updatePublished(next: ScheduleContextResponse): void {
    this._context = {
      ...this._context,
      head: next.head,
      current: next.current,
      publishedAtHead: next.publishedAtHead,
      uncommitted: next.uncommitted
    };
    this._renderBanner();
  }

  /** Repository paths of the chosen notebooks, in the order listed. */
  get notebooks(): string[] {
    return this._steps.chosen().map(n => n.path);
  }

  /** The spec the fields describe (checked by `problems`). */
  spec(): ScheduleSpec {
    const chosen = this._chosen();
    const defaults = this._context.defaults;
    const parameters: Record<string, string> = {};
    for (const [name, field] of this._parameterFields) {
      if (field.value !== '') {
        parameters[name] = field.value;
      }
    }
    const timeout = this._timeout.value.trim();
    return {
      ...defaults,
      name: this._name.value.trim(),
      steps: chosen.map(n => ({
        name: n.step,
        notebook: n.path,
        dependsOn: this._steps.dependsOn(n.step)
      })),
      environment: this._environment.value,
      parameters,
      schedules: this._cronLines(),
      timezone: this._timezone.value.trim(),
      concurrencyPolicy: this._concurrency.value as ConcurrencyPolicy,
      retries: {
        limit: Number(this._retries.value),
        backoffSeconds: Number(this._backoff.value),
        factor: defaults.retries.factor
      },
      timeoutSeconds: timeout === '' ? null : Math.round(Number(timeout) * 60),
      size: this._size.value,
      arch: this._arch.value as CpuArch,
      spot: this._spot.checked
    };
  }

  /** What stops `action`, each with its field; empty when it can go. */
  problems(action: ScheduleAction): IFormProblem[] {
    const trans = this._trans;
    const out: IFormProblem[] = [];
    const spec = this.spec();
    const nameProblem = scheduleNameProblem(spec.name);
    if (nameProblem !== null) {
      out.push({ field: 'name', message: nameProblem });
    }
    if (!this._context.publishedAtHead) {
      out.push({
        field: 'version',
        message: trans.__(
          'HEAD is not published: publish it first, so the run pins exactly what is committed'
        )
      });
    }
    const chosen = this._chosen();
    if (chosen.length === 0) {
      out.push({ field: 'steps', message: trans.__('choose a notebook') });
    }
    for (const notebook of chosen) {
      for (const error of notebook.errors) {
        out.push({
          field: 'lint',
          message: trans.__(
            '%1, cell %2, line %3: %4',
            notebook.path,
            error.cell === null ? '–' : error.cell + 1,
            error.line,
            error.message
          )
        });
      }
    }
    for (const variable of neededVariables(chosen)) {
      const value = this._parameterFields.get(variable.name)?.value ?? '';
      if (variable.required && value === '') {
        out.push({
          field: `parameters.${variable.name}`,
          message: trans.__('%1 is required', variable.name)
        });
      }
      const problem =
        value === '' ? null : argumentValueProblem(variable.name, value);
      if (problem !== null) {
        out.push({ field: `parameters.${variable.name}`, message: problem });
      }
    }
    if (action === 'create') {
      if (spec.schedules.length === 0) {
        out.push({
          field: 'schedules',
          message: trans.__('a schedule needs a cron line (or use Run now)')
        });
      }
      out.push(...this._cronProblems);
    }
    return out;
  }

  /** Shows the next runs the bridge computed (or its problems). */
  showCronPreview(
    nextRuns: string[],
    problems: Array<string | null>,
    timezoneProblem: string | null
  ): void {
    this._cronProblems = [
      ...problems
        .filter((p): p is string => p !== null)
        .map(message => ({ field: 'schedules', message })),
      ...(timezoneProblem === null
        ? []
        : [{ field: 'timezone', message: timezoneProblem }])
    ];
    this._nextRuns.replaceChildren();
    const zone = this._timezone.value.trim();
    for (const iso of nextRuns) {
      this._nextRuns.appendChild(
        element('li', 'jp-Arcade-Schedule-nextRun', formatInZone(iso, zone))
      );
    }
    if (this._cronProblems.length > 0) {
      this._cronText.textContent = this._cronProblems
        .map(p => p.message)
        .join('; ');
      this._cronText.classList.add('jp-mod-error');
    }
  }

  /** Shows progress, a failure, or clears the status line. */
  setStatus(text: string, kind: 'busy' | 'error' | 'info' = 'info'): void {
    this._status.textContent = text;
    this._status.dataset.kind = kind;
    const busy = kind === 'busy';
    this._create.disabled = busy;
    this._runNow.disabled = busy;
  }

  /** Validates, then hands the spec to the dialog; problems are listed instead. */
  async submit(action: ScheduleAction): Promise<void> {
    const problems = this.problems(action);
    this._problems.replaceChildren(
      ...problems.map(p =>
        element('li', 'jp-Arcade-Schedule-problem', p.message)
      )
    );
    if (problems.length > 0) {
      this.setStatus(
        this._trans._n(
          'Not sent: %1 problem to correct',
          'Not sent: %1 problems to correct',
          problems.length
        ),
        'error'
      );
      return;
    }
    await this._onSubmit(action, this.spec());
  }

  private _chosen(): ScheduleNotebook[] {
    return this._steps.chosen();
  }

  private _cronLines(): string[] {
    return this._cron.value
      .split(/[;\n]/)
      .map(line => line.trim())
      .filter(line => line !== '');
  }

  private _renderBanner(): void {
    const trans = this._trans;
    this._banner.replaceChildren();
    const context = this._context;
    if (context.publishedAtHead) {
      this._banner.hidden = true;
      return;
    }
    this._banner.hidden = false;
    const text =
      context.head === null
        ? trans.__(
            'Nothing is committed yet: commit the notebook, then publish it.'
          )
        : trans.__(
            'HEAD (%1) is not published. A schedule runs a published version, so publish first.',
            context.head.slice(0, 7)
          );
    this._banner.appendChild(element('span', '', text));
    if (context.head !== null) {
      this._banner.appendChild(
        button(
          trans.__('Publish HEAD'),
          'jp-Arcade-Schedule-publish',
          trans.__('Publish the committed version to S3, then come back here'),
          () => {
            void this._onPublish();
          }
        )
      );
    }
  }

  private _renderName(): void {
    const problem = scheduleNameProblem(this._name.value.trim());
    this._nameHint.textContent =
      problem ??
      this._trans.__(
        'Also written to schedules/%1.yaml',
        this._name.value.trim()
      );
    this._nameHint.classList.toggle('jp-mod-error', problem !== null);
    this._name.setAttribute('aria-invalid', String(problem !== null));
  }

  private _renderSteps(): void {
    this._steps.render();
    this._renderParameters();
  }

  private _renderParameters(): void {
    const trans = this._trans;
    const previous = new Map(
      [...this._parameterFields].map(([name, field]) => [name, field.value])
    );
    this._parameterFields.clear();
    this._parameters.replaceChildren(
      element('legend', '', trans.__('Parameters'))
    );
    const variables = neededVariables(this._chosen());
    if (variables.length === 0) {
      this._parameters.appendChild(
        element(
          'div',
          'jp-Arcade-Schedule-hint',
          trans.__('The notebooks need no ${NAME} values.')
        )
      );
      return;
    }
    for (const variable of variables) {
      const field = input(
        `jp-Arcade-Schedule-var-${variable.name}`,
        previous.get(variable.name) ?? ''
      );
      field.required = variable.required;
      field.dataset.name = variable.name;
      this._parameterFields.set(variable.name, field);
      this._parameters.appendChild(
        labelled(
          variable.required ? `${variable.name} *` : variable.name,
          field
        )
      );
    }
  }

  private _renderCron(): void {
    const lines = this._cronLines();
    const described = lines.map(line => describeCron(line));
    this._cronText.classList.remove('jp-mod-error');
    this._cronText.textContent =
      lines.length === 0
        ? this._trans.__('No cron line: only Run now')
        : described
            .map(
              (text, i) =>
                text ??
                this._trans.__('"%1" is not a cron line', lines[i] ?? '')
            )
            .join('; ');
    if (described.some(text => text === null)) {
      this._cronText.classList.add('jp-mod-error');
    }
    this._onCronChange(lines, this._timezone.value.trim());
  }

  private readonly _trans: TranslationBundle;
  private _context: ScheduleContextResponse;
  private readonly _onSubmit: ScheduleForm.IOptions['onSubmit'];
  private readonly _onCronChange: ScheduleForm.IOptions['onCronChange'];
  private readonly _onPublish: () => Promise<void>;
  private readonly _parameterFields = new Map<string, HTMLInputElement>();
  private _cronProblems: IFormProblem[] = [];
  private readonly _banner: HTMLElement;
  private readonly _name: HTMLInputElement;
  private readonly _nameHint: HTMLElement;
  private readonly _steps: StepsField;
  private readonly _environment: HTMLSelectElement;
  private readonly _parameters: HTMLFieldSetElement;
  private readonly _cron: HTMLInputElement;
  private readonly _cronText: HTMLElement;
  private readonly _timezone: HTMLInputElement;
  private readonly _nextRuns: HTMLOListElement;
  private readonly _concurrency: HTMLSelectElement;
  private readonly _retries: HTMLInputElement;
  private readonly _backoff: HTMLInputElement;
  private readonly _timeout: HTMLInputElement;
  private readonly _size: HTMLSelectElement;
  private readonly _arch: HTMLSelectElement;
  private readonly _spot: HTMLInputElement;
  private readonly _problems: HTMLUListElement;
  private readonly _status: HTMLElement;
  private readonly _runNow: HTMLButtonElement;
  private readonly _create: HTMLButtonElement;
}

export namespace ScheduleForm {
  export interface IOptions {
    context: ScheduleContextResponse;
    /** Repository path of the notebook the dialog was opened on. */
    notebook: string;
    trans: TranslationBundle;
    onSubmit: (action: ScheduleAction, spec: ScheduleSpec) => Promise<void>;
    /** Called (debounce it) when the cron lines or the zone change. */
    onCronChange: (lines: string[], timezone: string) => void;
    /** "Publish HEAD" in the banner. */
    onPublish: () => Promise<void>;
  }
}
