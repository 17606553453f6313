import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunEvent } from 'arcade-engine';
import { parseArcLogLine, type ArcLogRecord } from '../../src/runs/arcLog';
import { formatEvent } from '../../src/runs/format';
import { CellLocator, stageCells } from '../../src/runs/stageCells';
import { RunTracker, type ProcessEnd } from '../../src/runs/tracker';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

/** Lines of a log captured from a real Arc 3.7.0 run (see fixtures/arc-logs). */
function logLines(name: string): string[] {
  return readFileSync(path.join(FIXTURES, 'arc-logs', `${name}.log`), 'utf8')
    .split('\n')
    .filter(line => line !== '');
}

function records(name: string): ArcLogRecord[] {
  return logLines(name).flatMap(line => {
    const record = parseArcLogLine(line);
    return record === null ? [] : [record];
  });
}

function notebook(cells: string[], extra: unknown[] = []): unknown {
  return {
    metadata: { kernelspec: { name: 'arc' } },
    cells: [
      ...extra,
      ...cells.map(source => ({
        cell_type: 'code',
        source: source.split(/(?<=\n)/)
      }))
    ]
  };
}

const QUICKSTART = JSON.parse(
  readFileSync(
    path.resolve(
      __dirname,
      '../../../sample-workspace/notebooks/00_quickstart.ipynb'
    ),
    'utf8'
  )
) as unknown;

const BAD_SQL = notebook([
  '%sql name="fine" outputView=fine environments=dev\nSELECT 1 AS x',
  '%sql name="broken" outputView=broken environments=dev\nSELECT * FROM no_such_view',
  '%sql name="never" outputView=never environments=dev\nSELECT 2'
]);

const UNRESOLVED = notebook([
  '%sql name="fine" outputView=fine environments=dev\nSELECT 1 AS x',
  '{"type":"DelimitedExtract","name":"needs var","environments":["dev"],"inputURI":${ARCADE_NOPE}"/x.csv","outputView":"x"}'
]);

const ENDED: ProcessEnd = {
  exitCode: 0,
  signal: null,
  cancelled: false,
  timedOutAfterMs: null,
  outputTail: [],
  durationMs: 15_000
};

function track(
  nb: unknown,
  log: string,
  end: Partial<ProcessEnd> = {}
): RunEvent[] {
  const tracker = new RunTracker(
    new CellLocator(stageCells(nb), 'dev'),
    () => new Date('2026-01-01T00:00:00Z')
  );
  for (const record of records(log)) {
    tracker.accept(record);
  }
  tracker.processEnded({ ...ENDED, ...end });
  return [...tracker.events];
}

describe('parseArcLogLine', () => {
  it('ignores Spark log lines and Arc events other than enter/exit', () => {
    expect(
      parseArcLogLine(
        '26/11/21 06:07:20 INFO SparkContext: Running Spark version 3.3.4'
      )
    ).toBeNull();
    const validate = logLines('quickstart-success').find(line =>
      line.includes('"validateConfig"')
    );
    expect(validate).toBeDefined();
    expect(parseArcLogLine(validate ?? '')).toBeNull();
    expect(parseArcLogLine('INFO x: {"event": broken json')).toBeNull();
  });

  it('reads stage enter and exit with duration and output columns', () => {
    const parsed = records('quickstart-success');
    expect(parsed.map(r => r.kind)).toEqual([
      'stage-enter',
      'stage-exit',
      'stage-enter',
      'stage-exit',
      'stage-enter',
      'stage-exit',
      'job-exit'
    ]);
    expect(parsed[1]).toEqual({
      kind: 'stage-exit',
      durationMs: 320,
      stage: {
        name: 'hello',
        type: 'SQLTransform',
        records: null,
        outputColumns: 2
      }
    });
    expect(parsed[6]).toEqual({
      kind: 'job-exit',
      status: 'success',
      durationMs: 21628,
      failure: null
    });
  });

  it("reads a failed stage's messages without the wrapping duplicate", () => {
    const exit = records('bad-sql-failure').at(-1);
    expect(exit).toMatchObject({
      kind: 'job-exit',
      status: 'failure',
      failure: {
        kind: 'stage',
        stage: { name: 'broken', type: 'SQLTransform' },
        messages: [
          expect.stringMatching(/^Table or view not found: no_such_view/)
        ]
      }
    });
  });

  it('reads configuration errors with the stage index', () => {
    const exit = records('unresolved-config-error').at(-1);
    expect(exit).toEqual({
      kind: 'job-exit',
      status: 'failure',
      durationMs: 20848,
      failure: {
        kind: 'config',
        errors: [
          {
            stageIndex: 1,
            stage: 'needs var',
            messages: [
              'stages (line 23): String: 23: Could not resolve substitution to a value: ${ARCADE_NOPE}'
            ]
          }
        ]
      }
    });
  });
});

describe('RunTracker', () => {
  it('numbers stages, maps them to their cells and ends in success', () => {
    const events = track(QUICKSTART, 'quickstart-success');
    expect(events.map(e => e.type)).toEqual([
      'stage-started',
      'stage-finished',
      'stage-started',
      'stage-finished',
      'stage-started',
      'stage-finished',
      'job-finished'
    ]);
    expect(events.map(e => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const finished = events.filter(e => e.type === 'stage-finished');
    expect(
      finished.map(e => [e.stage.index, e.stage.name, e.stage.cellIndex])
    ).toEqual([
      [0, 'hello', 1],
      [1, 'numbers', 2],
      [2, 'sum of squares', 3]
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'job-finished',
      status: 'succeeded',
      exitCode: 0,
      durationMs: 21628,
      outputTail: []
    });
  });

  it('attributes a runtime failure to the running stage and its cell', () => {
    const events = track(BAD_SQL, 'bad-sql-failure', { exitCode: 1 });
    const failed = events.find(e => e.type === 'stage-failed');
    expect(failed).toMatchObject({
      stage: { index: 1, name: 'broken', type: 'SQLTransform', cellIndex: 1 },
      reasons: [expect.stringContaining('no_such_view')]
    });
    expect(events.at(-1)).toMatchObject({
      type: 'job-finished',
      status: 'failed',
      exitCode: 1
    });
    if (failed === undefined) {
      throw new Error('no stage-failed event');
    }
    expect(formatEvent(failed)).toContain(
      'stage 2 "broken" (SQLTransform, cell 2) FAILED'
    );
  });

  it('maps a configuration error to the cell of its stage', () => {
    const events = track(UNRESOLVED, 'unresolved-config-error', {
      exitCode: 1
    });
    expect(events.map(e => e.type)).toEqual(['stage-failed', 'job-finished']);
    expect(events[0]).toMatchObject({
      stage: { index: 1, name: 'needs var', cellIndex: 1 },
      reasons: [expect.stringContaining('${ARCADE_NOPE}')]
    });
  });

  it('reports a JVM that died without an Arc exit, with its output', () => {
    const tail = logLines('jvm-error-no-exit');
    const events = track(BAD_SQL, 'jvm-error-no-exit', {
      exitCode: 1,
      outputTail: tail
    });
    expect(events.map(e => e.type)).toEqual(['stage-failed', 'job-finished']);
    expect(events[0]).toMatchObject({
      stage: null,
      reasons: ['Arc ended with exit code 1 without reporting why']
    });
    expect(events[1]).toMatchObject({ status: 'failed', outputTail: tail });
  });

  it('ends as cancelled when the user cancelled, whatever the exit code', () => {
    const tracker = new RunTracker(new CellLocator([], 'dev'));
    const enter = records('quickstart-success')[0];
    if (enter === undefined) {
      throw new Error('no Arc record in the fixture');
    }
    tracker.accept(enter);
    tracker.processEnded({
      ...ENDED,
      exitCode: null,
      signal: 'SIGTERM',
      cancelled: true
    });
    expect(tracker.status).toBe('cancelled');
    expect(tracker.events.map(e => e.type)).toEqual([
      'stage-started',
      'job-finished'
    ]);
    expect(tracker.eventsAfter(1)).toHaveLength(1);
    expect(tracker.accept(enter)).toEqual([]);
  });
});

describe('stageCells', () => {
  it('finds stage cells the way Arc does and reads names and environments', () => {
    const cells = stageCells(
      notebook(
        [
          '%conf numRows=10',
          '%sql name="a b" outputView=x environments=dev,test\nSELECT 1',
          '{\n "type": "SQLTransform",\n "name": "hocon",\n "environments": ["prod"]\n}',
          '%env X=1',
          '%arc\n{"type":"LogExecute","name":"logged","environments":["dev"]}',
          '%sqlvaildate name=typo environments=dev\nSELECT TRUE',
          '%log name=nolist\nSELECT 1'
        ],
        [{ cell_type: 'markdown', source: ['# title'] }]
      )
    );
    expect(cells).toEqual([
      { cellIndex: 2, name: 'a b', environments: ['dev', 'test'] },
      { cellIndex: 3, name: 'hocon', environments: ['prod'] },
      { cellIndex: 5, name: 'logged', environments: ['dev'] },
      { cellIndex: 6, name: 'typo', environments: ['dev'] },
      { cellIndex: 7, name: 'nolist', environments: [''] }
    ]);
  });

  it('skips cells of other environments when locating started stages', () => {
    const locator = new CellLocator(
      [
        { cellIndex: 1, name: 'load', environments: ['prod'] },
        { cellIndex: 2, name: 'load', environments: ['dev'] },
        { cellIndex: 4, name: null, environments: null }
      ],
      'dev'
    );
    expect(locator.nextStarted('load')).toBe(2);
    expect(locator.nextStarted('anything')).toBe(4);
    expect(locator.nextStarted('more')).toBeNull();
    expect(locator.byStageIndex(0)).toBe(1);
    expect(locator.byStageIndex(7)).toBeNull();
  });
});
