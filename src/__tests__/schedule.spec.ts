import type {
  ArgoRunDetail,
  ArgoRunRow,
  ScheduleContextResponse,
  ScheduleNotebook,
  ScheduleRow,
  ScheduleSpec
} from 'arcade-engine';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { ScheduleApi } from '../schedule/api';
import { ScheduleForm, type ScheduleAction } from '../schedule/form';
import {
  describeCron,
  formatSeconds,
  neededVariables,
  repoRelative,
  suggestName,
  workspacePath
} from '../schedule/format';
import { ArgoRunsModel } from '../schedule/model';
import { ArgoRunsPanel } from '../schedule/panel';

const trans = nullTranslator.load('jupyterlab_arcade');

function notebook(
  path: string,
  step: string,
  extra: Partial<ScheduleNotebook> = {}
): ScheduleNotebook {
  return {
    path,
    step,
    variables: [],
    reads: [],
    writes: [],
    errors: [],
    ...extra
  };
}

const LOAD = notebook('etl/01_load.ipynb', 'load', {
  variables: [
    { name: 'RUN_DATE', required: true },
    { name: 'LIMIT', required: false }
  ],
  reads: ['uri:s3a://raw/customers'],
  writes: ['uri:s3a://lake/customers']
});
const MERGE = notebook('etl/03_merge.ipynb', 'merge', {
  variables: [{ name: 'RUN_DATE', required: false }],
  reads: ['uri:s3a://lake/customers'],
  writes: ['table:dim_customer']
});
const BROKEN = notebook('etl/09_broken.ipynb', 'broken', {
  errors: [{ cell: 2, line: 4, message: 'undefined view "nope"' }]
});

function context(
  extra: Partial<ScheduleContextResponse> = {}
): ScheduleContextResponse {
  return {
    project: 'sales',
    head: 'a'.repeat(40),
    current: 'a'.repeat(40),
    publishedAtHead: true,
    uncommitted: [],
    environments: ['dev', 'prod'],
    sizes: {
      small: {
        driverCores: 1,
        driverMemory: '2g',
        executorCores: 1,
        executorMemory: '2g',
        executorInstances: 1
      }
    },
    notebooks: [LOAD, MERGE, BROKEN],
    defaults: {
      name: '',
      steps: [],
      environment: 'dev',
      parameters: {},
      schedules: [],
      timezone: 'UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      retries: { limit: 1, backoffSeconds: 60, factor: 2 },
      timeoutSeconds: 14_400,
      size: 'small',
      arch: 'arm64',
      spot: false,
      suspend: false,
      successfulJobsHistoryLimit: 10,
      failedJobsHistoryLimit: 10
    },
    argo: { url: 'http://127.0.0.1:9030', namespace: 'arcade' },
    ...extra
  };
}

function form(
  ctx: ScheduleContextResponse,
  path = LOAD.path
): {
  form: ScheduleForm;
  sent: Array<[ScheduleAction, ScheduleSpec]>;
  cron: Array<[string[], string]>;
} {
  const sent: Array<[ScheduleAction, ScheduleSpec]> = [];
  const cron: Array<[string[], string]> = [];
  const widget = new ScheduleForm({
    context: ctx,
    notebook: path,
    trans,
    onSubmit: async (action, spec) => {
      sent.push([action, spec]);
    },
    onCronChange: (lines, zone) => {
      cron.push([lines, zone]);
    },
    onPublish: async () => undefined
  });
  Widget.attach(widget, document.body);
  return { form: widget, sent, cron };
}

function field<T extends HTMLElement>(widget: Widget, id: string): T {
  const node = widget.node.querySelector<T>(`#${id}`);
  if (node === null) {
    throw new Error(`no #${id}`);
  }
  return node;
}

function type(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input'));
  input.dispatchEvent(new Event('change'));
}

describe('schedule formatting', () => {
  it('reads cron lines in English and refuses what is not one', () => {
    expect(describeCron('30 2 * * 1-5')).toBe(
      'At 02:30, Monday through Friday'
    );
    expect(describeCron('not a cron')).toBeNull();
    expect(describeCron('')).toBeNull();
  });

  it('merges the parameters of a pipeline, required when any step requires it', () => {
    expect(neededVariables([MERGE, LOAD])).toEqual([
      { name: 'LIMIT', required: false },
      { name: 'RUN_DATE', required: true }
    ]);
  });

  it('suggests DNS names and maps repository paths', () => {
    expect(suggestName('etl/01 Load Sales.ipynb')).toBe('load-sales');
    expect(suggestName('123.ipynb')).toBe('schedule');
    expect(repoRelative('project/etl/a.ipynb', 'project')).toBe('etl/a.ipynb');
    expect(repoRelative('etl/a.ipynb', '.')).toBe('etl/a.ipynb');
    expect(workspacePath('etl/a.ipynb', 'project')).toBe('project/etl/a.ipynb');
    expect(formatSeconds(3725)).toBe('1 h 02 min');
    expect(formatSeconds(65)).toBe('1 min 5 s');
  });
});

describe('ScheduleForm', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('builds the spec of the current notebook from its fields', async () => {
    const { form: f, sent, cron } = form(context());
    expect(field<HTMLInputElement>(f, 'jp-Arcade-Schedule-name').value).toBe(
      'load'
    );
    expect(cron[0]?.[0]).toEqual(['0 2 * * *']);
    type(field(f, 'jp-Arcade-Schedule-var-RUN_DATE'), '2027-01-01');
    type(field(f, 'jp-Arcade-Schedule-cron'), '30 2 * * 1-5');
    type(field(f, 'jp-Arcade-Schedule-timezone'), 'Europe/Paris');
    expect(
      field<HTMLElement>(f, 'jp-Arcade-Schedule-cronText').textContent
    ).toBe('At 02:30, Monday through Friday');
    await f.submit('create');
    expect(sent).toHaveLength(1);
    const [action, spec] = sent[0] ?? [];
    expect(action).toBe('create');
    expect(spec).toMatchObject({
      name: 'load',
      steps: [{ name: 'load', notebook: 'etl/01_load.ipynb', dependsOn: [] }],
      environment: 'dev',
      parameters: { RUN_DATE: '2027-01-01' },
      schedules: ['30 2 * * 1-5'],
      timezone: 'Europe/Paris',
      concurrencyPolicy: 'Forbid',
      retries: { limit: 1, backoffSeconds: 60, factor: 2 },
      timeoutSeconds: 14_400,
      arch: 'arm64',
      spot: false
    });
  });

  it('proposes that a step waits for the one writing what it reads, and lets the user change it', async () => {
    const { form: f, sent } = form(context());
    const merge = field<HTMLInputElement>(f, 'jp-Arcade-Schedule-nb-merge');
    merge.checked = true;
    merge.dispatchEvent(new Event('change'));
    const wait = field<HTMLInputElement>(
      f,
      'jp-Arcade-Schedule-dep-merge-load'
    );
    expect(wait.checked).toBe(true);
    expect(
      field<HTMLInputElement>(f, 'jp-Arcade-Schedule-dep-load-merge').checked
    ).toBe(false);
    type(field(f, 'jp-Arcade-Schedule-var-RUN_DATE'), '2027-01-01');
    await f.submit('run');
    expect(sent[0]?.[1].steps).toEqual([
      { name: 'load', notebook: 'etl/01_load.ipynb', dependsOn: [] },
      { name: 'merge', notebook: 'etl/03_merge.ipynb', dependsOn: ['load'] }
    ]);
    wait.checked = false;
    wait.dispatchEvent(new Event('change'));
    await f.submit('run');
    expect(sent[1]?.[1].steps[1]?.dependsOn).toEqual([]);
  });

  it('refuses, listing why, a bad name, a missing or hostile parameter, lint errors and an unpublished HEAD', async () => {
    const { form: f, sent } = form(context({ publishedAtHead: false }));
    expect(
      f.node.querySelector('.jp-Arcade-Schedule-banner')?.textContent
    ).toMatch(/is not published/);
    type(field(f, 'jp-Arcade-Schedule-name'), 'Nightly_Load');
    expect(
      field<HTMLInputElement>(f, 'jp-Arcade-Schedule-name').getAttribute(
        'aria-invalid'
      )
    ).toBe('true');
    const broken = field<HTMLInputElement>(f, 'jp-Arcade-Schedule-nb-broken');
    broken.checked = true;
    broken.dispatchEvent(new Event('change'));
    type(field(f, 'jp-Arcade-Schedule-var-LIMIT'), 'a"b');
    await f.submit('create');
    expect(sent).toHaveLength(0);
    const listed = Array.from(
      f.node.querySelectorAll('.jp-Arcade-Schedule-problem')
    ).map(n => n.textContent);
    expect(listed).toEqual([
      expect.stringMatching(/"Nightly_Load" is not a valid name/),
      expect.stringMatching(/HEAD is not published/),
      'etl/09_broken.ipynb, cell 3, line 4: undefined view "nope"',
      expect.stringMatching(/LIMIT contains a double quote/),
      'RUN_DATE is required'
    ]);
  });

  it('lists the next runs and cron problems the bridge reports', async () => {
    const { form: f, sent } = form(context());
    type(field(f, 'jp-Arcade-Schedule-var-RUN_DATE'), 'x');
    f.showCronPreview(
      ['2027-03-28T00:30:00.000Z', '2027-03-29T00:30:00.000Z'],
      [null],
      null
    );
    expect(f.node.querySelectorAll('.jp-Arcade-Schedule-nextRun')).toHaveLength(
      2
    );
    f.showCronPreview([], [null], 'unknown time zone "Mars/Base"');
    await f.submit('create');
    expect(sent).toHaveLength(0);
    expect(f.node.textContent).toMatch(/unknown time zone "Mars\/Base"/);
  });
});

function run(i: number, phase = 'Succeeded'): ArgoRunRow {
  return {
    name: `nightly-${1_000_000 + i}`,
    phase,
    trigger: i % 2 === 0 ? 'cron' : 'manual',
    schedule: 'nightly',
    commit: 'b'.repeat(40),
    versionUri: 's3a://arcade/sales/versions/bbbb/',
    notebooks: ['etl/01_load.ipynb'],
    startedAt: '2027-01-01T02:00:00Z',
    finishedAt: '2027-01-01T02:01:05Z',
    durationSeconds: 65,
    progress: '1/1',
    message: null
  };
}

const SCHEDULE: ScheduleRow = {
  name: 'nightly',
  schedules: ['0 2 * * *'],
  timezone: 'UTC',
  suspended: false,
  commit: 'b'.repeat(40),
  notebooks: ['etl/01_load.ipynb'],
  lastScheduledTime: null,
  active: [],
  nextRuns: ['2027-01-02T02:00:00Z']
};

const DETAIL: ArgoRunDetail = {
  ...run(1, 'Failed'),
  environment: 'dev',
  steps: [
    {
      name: 'load',
      node: 'nightly-1000001-123',
      notebook: 'etl/01_load.ipynb',
      phase: 'Failed',
      startedAt: '2027-01-01T02:00:00Z',
      finishedAt: '2027-01-01T02:01:05Z',
      message: 'Error (exit code 1)',
      failure: null,
      stages: [
        {
          index: 0,
          name: 'customers',
          type: 'DelimitedExtract',
          status: 'finished',
          durationMs: 2100,
          records: 42,
          reasons: [],
          cellIndex: 1
        },
        {
          index: 1,
          name: 'broken',
          type: 'SQLTransform',
          status: 'failed',
          durationMs: null,
          records: null,
          reasons: ['Table or view not found: nope'],
          cellIndex: 3
        }
      ]
    }
  ]
};

class FakeApi {
  runsAsked: Array<string | undefined> = [];
  logCalls: number[] = [];
  async schedules(): Promise<ScheduleRow[]> {
    return [SCHEDULE];
  }
  async runs(notebook?: string): Promise<ArgoRunRow[]> {
    this.runsAsked.push(notebook);
    return [run(1, 'Failed'), run(2)];
  }
  async run(): Promise<ArgoRunDetail> {
    return DETAIL;
  }
  async logs(_name: string, after: number) {
    this.logCalls.push(after);
    return after === 0
      ? {
          lines: [
            { node: 'n', text: 'first line' },
            { node: 'n', text: 'second line' }
          ],
          next: 2,
          done: true
        }
      : { lines: [], next: after, done: true };
  }
}

describe('ArgoRunsPanel', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows 1,000 runs windowed: the rows in view with phase, trigger, duration and version, the rest on scroll', async () => {
    const model = new ArgoRunsModel({
      api: new FakeApi() as unknown as ScheduleApi
    });
    const panel = new ArgoRunsPanel(model, trans);
    Widget.attach(panel, document.body);
    model.setLists(
      [SCHEDULE],
      Array.from({ length: 1000 }, (_, i) =>
        run(i, i === 0 ? 'Running' : 'Succeeded')
      )
    );
    const table = panel.node.querySelector('.jp-Arcade-ArgoRuns-table');
    expect(table?.getAttribute('aria-rowcount')).toBe('1001');
    const rows = () =>
      Array.from(
        panel.node.querySelectorAll<HTMLElement>('.jp-Arcade-ArgoRuns-row')
      );
    expect(rows().length).toBeGreaterThan(10);
    expect(rows().length).toBeLessThan(60);
    expect(
      Array.from(rows()[0]?.querySelectorAll('td') ?? []).map(
        td => td.textContent
      )
    ).toEqual([
      'Running',
      'nightly-1000000',
      'cron',
      expect.any(String),
      '1 min 5 s',
      'bbbbbbb'
    ]);
    // The spacers stand for the rows not drawn: the table is as tall as 1,000 rows.
    const spacers = Array.from(
      panel.node.querySelectorAll<HTMLElement>('.jp-Arcade-ArgoRuns-spacer')
    ).map(s => parseInt(s.style.height, 10));
    expect(spacers[0]! + rows().length * 24 + spacers[1]!).toBe(24_000);
    // Scrolling draws the rows now in view.
    const box = panel.node.querySelector<HTMLElement>(
      '.jp-Arcade-ArgoRuns-tableBox'
    )!;
    box.scrollTop = 24 * 500;
    box.dispatchEvent(new Event('scroll'));
    await new Promise(resolve => requestAnimationFrame(() => resolve(null)));
    expect(rows().map(r => r.dataset.run)).toContain('nightly-1000500');
    expect(rows().map(r => r.dataset.run)).not.toContain('nightly-1000000');
    // The keyboard walks past the drawn rows.
    const last = rows()[rows().length - 1]!;
    last.focus();
    last.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true })
    );
    const next = Number(last.dataset.index) + 1;
    expect((document.activeElement as HTMLElement).dataset.index).toBe(
      String(next)
    );
    expect(
      panel.node.querySelector('.jp-Arcade-ArgoRuns-schedule')?.textContent
    ).toMatch(/nightly.*At 02:00 \(UTC\)/);
    model.dispose();
  });

  it('follows the selected run: its stages, failed stage with reasons, log lines once, and the actions', async () => {
    const api = new FakeApi();
    const model = new ArgoRunsModel({
      api: api as unknown as ScheduleApi,
      runInterval: 20
    });
    const panel = new ArgoRunsPanel(model, trans);
    const acted: string[] = [];
    panel.setActions({
      act: async (name, verb) => {
        acted.push(`${verb} ${name}`);
      },
      setSuspended: async (name, suspend) => {
        acted.push(`${suspend ? 'suspend' : 'resume'} ${name}`);
      },
      remove: async name => {
        acted.push(`delete ${name}`);
      },
      showStage: async (_run, step, stage) => {
        acted.push(`show ${step.notebook ?? ''} cell ${stage.cellIndex ?? -1}`);
      }
    });
    Widget.attach(panel, document.body);
    await model.refresh();
    expect(panel.node.querySelectorAll('.jp-Arcade-ArgoRuns-row')).toHaveLength(
      2
    );
    model.select('nightly-1000001');
    await new Promise(resolve => setTimeout(resolve, 200));
    const stages = Array.from(
      panel.node.querySelectorAll('.jp-Arcade-ArgoRuns-stage')
    );
    expect(stages.map(s => s.getAttribute('data-stage'))).toEqual([
      'customers',
      'broken'
    ]);
    expect(stages[1]?.textContent).toMatch(/Table or view not found: nope/);
    expect(
      panel.node.querySelector('.jp-Arcade-ArgoRuns-log')?.textContent
    ).toBe('first line\nsecond line');
    // The run ended and its log is complete: polling stopped after the first read.
    expect(api.logCalls).toEqual([0]);
    const click = (selector: string): void => {
      const node = panel.node.querySelector<HTMLButtonElement>(selector);
      expect(node?.disabled).toBe(false);
      node?.click();
    };
    expect(
      panel.node.querySelector<HTMLButtonElement>('.jp-Arcade-ArgoRuns-stop')
        ?.disabled
    ).toBe(true);
    click('.jp-Arcade-ArgoRuns-retry');
    click('.jp-Arcade-ArgoRuns-resubmit');
    click('.jp-Arcade-ArgoRuns-showCell');
    click('.jp-Arcade-ArgoRuns-suspend');
    expect(acted).toEqual([
      'retry nightly-1000001',
      'resubmit nightly-1000001',
      'show etl/01_load.ipynb cell 3',
      'suspend nightly'
    ]);
    model.dispose();
  });

  it('asks for the runs of the current notebook, or all', async () => {
    const api = new FakeApi();
    const model = new ArgoRunsModel({ api: api as unknown as ScheduleApi });
    const panel = new ArgoRunsPanel(model, trans);
    Widget.attach(panel, document.body);
    panel.setNotebook('etl/01_load.ipynb');
    await model.refresh();
    const scope = panel.node.querySelector<HTMLSelectElement>(
      '.jp-Arcade-ArgoRuns-scope'
    );
    expect(scope?.value).toBe('notebook');
    scope!.value = 'all';
    scope!.dispatchEvent(new Event('change'));
    await model.refresh();
    expect(api.runsAsked).toContain('etl/01_load.ipynb');
    expect(api.runsAsked[api.runsAsked.length - 1]).toBeUndefined();
    model.dispose();
  });
});
