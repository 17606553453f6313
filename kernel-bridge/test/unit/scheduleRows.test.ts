/**
 * What the runs panel and the schedule dialog are told: runs with their
 * steps and Arc stages (from real Arc 3.7 log lines), where a failed stage
 * is today, the dependencies proposed for a pipeline, the parameters a
 * notebook needs, and specs sent as JSON.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildLineage,
  compileNotebookJson,
  lineageEnds,
  proposeDependencies,
  scheduleNameProblem,
  scheduleVariables
} from 'arcade-engine';
import type { Workflow } from '../../src/schedule/argo/client';
import { specFromJson } from '../../src/schedule/asCode';
import { describeNotebook } from '../../src/schedule/context';
import { runDetail, stagesFromLog } from '../../src/schedule/rows';
import { changedCell } from '../../src/schedule/stageLink';
import { CellLocator, stageCells } from '../../src/runs/stageCells';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const log = (name: string): string[] =>
  readFileSync(path.join(FIXTURES, 'arc-logs', name), 'utf8').split('\n');
const BAD_SQL = JSON.parse(
  readFileSync(path.join(FIXTURES, 'notebooks', 'bad_sql.ipynb'), 'utf8')
) as { cells: Array<{ source: string[] | string }> };

/** Arc 3.7 reads only a list `source` (a string reads as an empty cell). */
function code(source: string) {
  return {
    cell_type: 'code',
    metadata: {},
    outputs: [],
    source: source.split(/(?<=\n)/)
  };
}

function arcNotebook(cells: string[]) {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'arc', display_name: 'Arc', language: 'javascript' }
    },
    cells: cells.map(code)
  };
}

describe('stages from Arc log lines', () => {
  it('reads a failed stage with its cell and reasons', () => {
    const { stages, failure } = stagesFromLog(
      log('bad-sql-failure.log'),
      () => new CellLocator(stageCells(BAD_SQL), 'dev')
    );
    expect(failure).toBeNull();
    expect(stages.map(s => [s.name, s.status, s.cellIndex])).toEqual([
      ['fine', 'finished', 0],
      ['broken', 'failed', 1]
    ]);
    expect(stages[1]?.reasons.join(' ')).toMatch(/no_such_view/);
    expect(stages[0]?.durationMs).toBeGreaterThan(0);
  });

  it('starts over at a retry: the last attempt is the one shown', () => {
    const attempt = log('bad-sql-failure.log');
    const { stages } = stagesFromLog([...attempt, ...attempt], () => null);
    expect(stages.map(s => s.name)).toEqual(['fine', 'broken']);
    expect(stages.every(s => s.cellIndex === null)).toBe(true);
  });

  it('reads a configuration error that no stage reports', () => {
    const { stages, failure } = stagesFromLog(
      log('unresolved-config-error.log'),
      () => null
    );
    expect(stages).toEqual([]);
    expect(failure?.join(' ')).toMatch(/./);
  });

  it('joins pods, their inputs and logs into a run with steps', () => {
    const workflow = {
      metadata: {
        name: 'nightly-1',
        labels: { 'arcade.dev/commit': 'c'.repeat(40) },
        annotations: {
          'arcade.dev/notebooks': 'bad_sql.ipynb',
          'arcade.dev/trigger': 'manual',
          'arcade.dev/version-uri': 's3a://b/p/versions/cc/'
        }
      },
      spec: {},
      status: {
        phase: 'Failed',
        startedAt: '2027-01-01T00:00:00Z',
        finishedAt: '2027-01-01T00:01:00Z',
        nodes: {
          'nightly-1': { id: 'nightly-1', name: 'nightly-1', type: 'DAG' },
          'nightly-1-42': {
            id: 'nightly-1-42',
            name: 'nightly-1.bad(0)',
            displayName: 'bad(0)',
            type: 'Pod',
            phase: 'Failed',
            startedAt: '2027-01-01T00:00:01Z',
            inputs: {
              parameters: [
                { name: 'notebook', value: 'bad_sql' },
                {
                  name: 'configUri',
                  value: 's3a://b/p/versions/cc/bad_sql.ipynb'
                },
                { name: 'environment', value: 'dev' }
              ]
            }
          }
        }
      }
    } as unknown as Workflow;
    const seen: Array<[string | null, string | null]> = [];
    const detail = runDetail(
      workflow,
      new Map([['nightly-1-42', log('bad-sql-failure.log')]]),
      (notebook, environment) => {
        seen.push([notebook, environment]);
        return new CellLocator(stageCells(BAD_SQL), environment ?? 'dev');
      }
    );
    expect(detail).toMatchObject({
      name: 'nightly-1',
      phase: 'Failed',
      trigger: 'manual',
      commit: 'c'.repeat(40),
      versionUri: 's3a://b/p/versions/cc/',
      notebooks: ['bad_sql.ipynb'],
      environment: 'dev',
      durationSeconds: 60
    });
    expect(detail.steps).toHaveLength(1);
    expect(detail.steps[0]).toMatchObject({
      name: 'bad',
      node: 'nightly-1-42',
      notebook: 'bad_sql.ipynb',
      phase: 'Failed'
    });
    expect(detail.steps[0]?.stages.map(s => s.status)).toEqual([
      'finished',
      'failed'
    ]);
    expect(seen).toEqual([['bad_sql.ipynb', 'dev']]);
  });
});

describe("a failed stage's cell today", () => {
  const then = arcNotebook([
    '# intro',
    '%sql name="a" outputView=a\nSELECT 1',
    '%sql name="b" outputView=b\nSELECT x'
  ]);

  it('is the same cell when nothing changed', () => {
    expect(changedCell(then, then, 2)).toEqual({
      cellAtVersion: 2,
      currentCell: 2,
      changed: false
    });
  });

  it('follows a cell that moved without changing', () => {
    const now = arcNotebook([
      '# intro',
      '# new note',
      ...then.cells.slice(1).map(c => c.source.join(''))
    ]);
    expect(changedCell(then, now, 2)).toEqual({
      cellAtVersion: 2,
      currentCell: 3,
      changed: false
    });
  });

  it('is changed when the stage was edited, and found by its name', () => {
    const now = arcNotebook([
      '%sql name="b" outputView=b\nSELECT x FROM fixed',
      '# intro',
      '%sql name="a" outputView=a\nSELECT 1'
    ]);
    expect(changedCell(then, now, 2)).toEqual({
      cellAtVersion: 2,
      currentCell: 0,
      changed: true
    });
  });
});

describe('a pipeline of notebooks', () => {
  const load = arcNotebook([
    '{"type": "DelimitedExtract", "name": "raw", "environments": ["dev"], "inputURI": "s3a://raw/customers.csv", "outputView": "raw"}',
    '%sql name="clean" outputView=clean environments=dev\nSELECT * FROM raw WHERE day = ${RUN_DATE}',
    '{"type": "DeltaLakeLoad", "name": "save", "environments": ["dev"], "inputView": "clean", "outputURI": "s3a://lake/customers/"}'
  ]);
  const merge = arcNotebook([
    '{"type": "DeltaLakeExtract", "name": "read", "environments": ["dev"], "inputURI": "s3a://lake/customers", "outputView": "customers"}',
    '{"type": "DeltaLakeLoad", "name": "out", "environments": ["dev"], "inputView": "customers", "outputURI": ${?TARGET}}'
  ]);

  it('proposes that the merge waits for the load that writes what it reads', () => {
    const [loadEnds, mergeEnds] = [load, merge].map(nb =>
      lineageEnds(buildLineage(compileNotebookJson(nb)))
    );
    if (loadEnds === undefined || mergeEnds === undefined) {
      throw new Error('no lineage');
    }
    expect(loadEnds.writes).toContain('uri:s3a://lake/customers');
    expect(mergeEnds.reads).toContain('uri:s3a://lake/customers');
    expect(
      proposeDependencies([
        { name: 'merge', ...mergeEnds },
        { name: 'load', ...loadEnds }
      ])
    ).toEqual({ merge: ['load'], load: [] });
  });

  it('breaks a cycle by list order instead of proposing a circle', () => {
    expect(
      proposeDependencies([
        { name: 'a', reads: ['t'], writes: ['u'] },
        { name: 'b', reads: ['u'], writes: ['t'] }
      ])
    ).toEqual({ a: [], b: ['a'] });
  });

  it('names the parameters each notebook needs, optional ones as such', () => {
    expect(scheduleVariables(compileNotebookJson(merge))).toEqual([
      { name: 'TARGET', required: false }
    ]);
    const described = describeNotebook(
      'etl/02 Merge.ipynb',
      JSON.stringify(merge),
      ['dev', 'prod']
    );
    expect(described).toMatchObject({
      path: 'etl/02 Merge.ipynb',
      step: 'merge',
      variables: [{ name: 'TARGET', required: false }],
      errors: []
    });
    expect(describeNotebook('x.ipynb', '{"cells": []}', ['dev'])).toBeNull();
  });
});

describe('a schedule sent as JSON', () => {
  const base = {
    name: 'nightly',
    steps: [{ notebook: 'etl/01_load.ipynb' }],
    environment: 'dev',
    schedules: ['0 2 * * *']
  };

  it('fills the defaults and names the steps', () => {
    expect(specFromJson(base)).toMatchObject({
      name: 'nightly',
      steps: [{ name: 'load', notebook: 'etl/01_load.ipynb', dependsOn: [] }],
      timezone: 'UTC',
      concurrencyPolicy: 'Forbid',
      arch: 'arm64'
    });
  });

  it.each([
    [
      { ...base, schedule: ['x'] },
      /unknown schedule field "schedule" — did you mean "schedules"\?/
    ],
    [{ ...base, schedules: '0 2 * * *' }, /"schedules" has the wrong type/],
    [{ ...base, parameters: { A: [1] } }, /"parameters" has the wrong type/],
    [{ ...base, steps: [{ notebook: 3 }] }, /"steps" has the wrong type/],
    ['nightly', /must be a schedule object/]
  ])('refuses %j by name', (value, message) => {
    expect(() => specFromJson(value)).toThrow(message);
  });

  it('checks names as Argo does', () => {
    expect(scheduleNameProblem('nightly-load')).toBeNull();
    expect(scheduleNameProblem('Nightly')).toMatch(/not a valid name/);
    expect(scheduleNameProblem('a'.repeat(53))).toMatch(/at most 52/);
  });
});
