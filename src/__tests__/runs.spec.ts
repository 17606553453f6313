import type {
  RunEvent,
  RunEventsResponse,
  RunStage,
  RunSummary,
  StartRunRequest,
  StartRunResponse
} from 'arcade-engine';
import { nullTranslator } from '@jupyterlab/translation';
import type { IRunsApi } from '../runs/api';
import { formatDuration, runSummary } from '../runs/format';
import { applyEvents, EMPTY_VIEW, RunModel } from '../runs/model';
import { RunPanel } from '../runs/panel';

const trans = nullTranslator.load('jupyterlab_arcade');
const at = '2026-01-01T00:00:00.000Z';

function stage(
  index: number,
  name: string,
  cellIndex: number | null
): RunStage {
  return { index, name, type: 'SQLTransform', cellIndex };
}

const hello = stage(0, 'hello', 1);
const broken = stage(1, 'broken', 3);

const SUCCESS: RunEvent[] = [
  { seq: 1, at, type: 'stage-started', stage: hello },
  {
    seq: 2,
    at,
    type: 'stage-finished',
    stage: hello,
    durationMs: 320,
    records: 1000,
    outputColumns: 2
  },
  {
    seq: 3,
    at,
    type: 'job-finished',
    status: 'succeeded',
    exitCode: 0,
    durationMs: 21_628,
    outputTail: []
  }
];

const FAILURE: RunEvent[] = [
  ...SUCCESS.slice(0, 2),
  { seq: 3, at, type: 'stage-started', stage: broken },
  {
    seq: 4,
    at,
    type: 'stage-failed',
    stage: broken,
    reasons: ['Table or view not found: no_such_view']
  },
  {
    seq: 5,
    at,
    type: 'job-finished',
    status: 'failed',
    exitCode: 1,
    durationMs: 30_000,
    outputTail: []
  }
];

function summary(status: RunSummary['status'], lastSeq: number): RunSummary {
  return {
    id: 'r1',
    notebook: 'nb.ipynb',
    environment: 'dev',
    status,
    startedAt: at,
    finishedAt: null,
    exitCode: null,
    lastSeq
  };
}

/** A bridge that hands out the given events a page at a time. */
class FakeRunsApi implements IRunsApi {
  constructor(private pages: RunEvent[][]) {}
  started: StartRunRequest[] = [];
  cancelled = 0;
  afters: number[] = [];

  start(request: StartRunRequest): Promise<StartRunResponse> {
    this.started.push(request);
    return Promise.resolve({ runId: 'r1', run: summary('running', 0) });
  }

  events(_runId: string, after: number): Promise<RunEventsResponse> {
    this.afters.push(after);
    const events = this.pages.shift() ?? [];
    const done = this.pages.length === 0;
    const last = events[events.length - 1]?.seq ?? after;
    return Promise.resolve({
      run: summary(done ? 'succeeded' : 'running', last),
      events
    });
  }

  cancel(): Promise<RunSummary> {
    this.cancelled++;
    return Promise.resolve(summary('running', 0));
  }
}

describe('applyEvents', () => {
  it('builds one row per stage with duration and records, then the result', () => {
    const view = applyEvents(EMPTY_VIEW, SUCCESS);
    expect(view.status).toBe('succeeded');
    expect(view.stages).toEqual([
      {
        stage: hello,
        status: 'finished',
        durationMs: 320,
        records: 1000,
        reasons: []
      }
    ]);
    expect(runSummary(view, trans)).toBe('Succeeded: 1 stage in 21.6 s');
  });

  it('gives the same view whether events arrive at once or in pages', () => {
    const paged = applyEvents(
      applyEvents(EMPTY_VIEW, FAILURE.slice(0, 3)),
      FAILURE.slice(3)
    );
    expect(paged).toEqual(applyEvents(EMPTY_VIEW, FAILURE));
    expect(paged.stages[1]).toMatchObject({
      status: 'failed',
      reasons: ['Table or view not found: no_such_view']
    });
    expect(runSummary(paged, trans)).toBe(
      'Failed at stage 2 "broken" after 30.0 s'
    );
  });

  it('marks a stage still running at a cancel as not finished', () => {
    const view = applyEvents(EMPTY_VIEW, [
      ...SUCCESS.slice(0, 1),
      {
        seq: 2,
        at,
        type: 'job-finished',
        status: 'cancelled',
        exitCode: null,
        durationMs: 4000,
        outputTail: []
      }
    ]);
    expect(view.stages[0]?.status).toBe('failed');
    expect(runSummary(view, trans)).toBe('Cancelled after 4.0 s');
  });

  it('formats durations for people', () => {
    expect(
      [850, 1234, 61_000, 125_400].map(ms => formatDuration(ms, trans))
    ).toEqual(['850 ms', '1.2 s', '1 min 1 s', '2 min 5 s']);
  });
});

describe('RunModel', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('starts the run, then polls for events after the last one it has', async () => {
    jest.useFakeTimers();
    const api = new FakeRunsApi([SUCCESS.slice(0, 1), SUCCESS.slice(1)]);
    const model = new RunModel({
      api,
      notebookPath: 'notebooks/00_quickstart.ipynb',
      environment: 'dev',
      interval: 1000
    });
    let changes = 0;
    model.changed.connect(() => changes++);
    await model.start();
    expect(api.started).toEqual([
      { path: 'notebooks/00_quickstart.ipynb', environment: 'dev', vars: {} }
    ]);
    expect(model.view.stages[0]?.status).toBe('running');
    await jest.advanceTimersByTimeAsync(1000);
    expect(api.afters).toEqual([0, 1]);
    expect(model.view.status).toBe('succeeded');
    await jest.advanceTimersByTimeAsync(5000);
    expect(api.afters).toHaveLength(2);
    expect(changes).toBeGreaterThanOrEqual(3);
    model.dispose();
  });

  it('follows a run started before from its first event, as after a reload', async () => {
    jest.useFakeTimers();
    const api = new FakeRunsApi([SUCCESS.slice(0, 1), SUCCESS.slice(1)]);
    const model = new RunModel({
      api,
      notebookPath: 'nb.ipynb',
      environment: 'dev',
      interval: 1000
    });
    await model.follow('r0');
    expect(api.started).toEqual([]);
    expect(model.runId).toBe('r0');
    await jest.advanceTimersByTimeAsync(1000);
    expect(api.afters).toEqual([0, 1]);
    expect(model.view.status).toBe('succeeded');
    model.dispose();
  });

  it('backs off while the bridge does not answer, then catches up', async () => {
    jest.useFakeTimers();
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const api = new FakeRunsApi([SUCCESS.slice(0, 1), SUCCESS.slice(1)]);
    const events = api.events.bind(api);
    let down = false;
    api.events = (runId, after) =>
      down
        ? (api.afters.push(after),
          Promise.reject(new Error('Jupyter server not reachable')))
        : events(runId, after);
    const model = new RunModel({
      api,
      notebookPath: 'nb.ipynb',
      environment: 'dev',
      interval: 1000
    });
    await model.start();
    down = true;
    await jest.advanceTimersByTimeAsync(20_000);
    expect(model.error?.message).toBe('Jupyter server not reachable');
    // Backing off: far fewer than one request a second.
    const whileDown = api.afters.length;
    expect(whileDown).toBeLessThan(12);
    down = false;
    await jest.advanceTimersByTimeAsync(30_000);
    expect(model.error).toBeNull();
    expect(model.view.status).toBe('succeeded');
    jest.restoreAllMocks();
    model.dispose();
  });

  it('keeps a failed start as an error the panel can show', async () => {
    const api = new FakeRunsApi([]);
    api.start = () => Promise.reject(new Error('notebook not found'));
    const model = new RunModel({
      api,
      notebookPath: 'x.ipynb',
      environment: 'dev'
    });
    await model.start();
    expect(model.view.status).toBe('failed');
    expect(model.error?.message).toBe('notebook not found');
    model.dispose();
  });
});

describe('RunPanel', () => {
  it('shows each stage, the failure with a link to its cell, and the summary', async () => {
    const api = new FakeRunsApi([FAILURE]);
    const model = new RunModel({
      api,
      notebookPath: 'nb.ipynb',
      environment: 'dev'
    });
    const shown: number[] = [];
    const panel = new RunPanel({
      model,
      trans,
      onShowCell: index => shown.push(index)
    });
    await model.start();
    const rows = panel.node.querySelectorAll('.jp-Arcade-Run-stage');
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain('hello');
    expect(rows[0]?.textContent).toContain('1000 records');
    expect(rows[1]?.getAttribute('data-stage-status')).toBe('failed');
    expect(rows[1]?.textContent).toContain('no_such_view');
    const link = rows[1]?.querySelector<HTMLButtonElement>(
      '.jp-Arcade-Run-cellLink'
    );
    expect(link?.textContent).toBe('Go to cell 4');
    link?.click();
    expect(shown).toEqual([3]);
    expect(
      panel.node.querySelector('.jp-Arcade-Run-summary')?.textContent
    ).toBe('Failed at stage 2 "broken" after 30.0 s');
    expect(
      panel.node.querySelector<HTMLButtonElement>('.jp-Arcade-Run-cancel')
        ?.hidden
    ).toBe(true);
    panel.dispose();
    model.dispose();
  });
});
