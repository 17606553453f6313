import type { Workflow } from '../../src/schedule/argo/client';
import { defaultSpec } from '../../src/schedule/manifests';
import { runRow } from '../../src/schedule/rows';
import { checkSpec, specProblems, stepName } from '../../src/schedule/spec';

const steps = [
  { name: 'load', notebook: 'notebooks/01_load.ipynb', dependsOn: [] },
  { name: 'merge', notebook: 'notebooks/03_merge.ipynb', dependsOn: ['load'] }
];
const good = {
  ...defaultSpec('nightly', steps, 'dev'),
  schedules: ['30 2 * * *']
};
const environments = ['dev', 'test', 'prod'];

describe('a schedule spec', () => {
  it('passes when every field is sound', () => {
    expect(specProblems(good, environments)).toEqual([]);
  });

  it('names each bad field and what is wrong with it', () => {
    const bad = {
      ...good,
      name: 'Nightly_Load',
      environment: 'nowhere',
      schedules: ['61 * * * *', '@fortnightly'],
      timezone: 'Mars/Olympus',
      parameters: {
        LAKE: 'a"b',
        'etl.config.environment': 'prod',
        OK: "x'; rm -rf / $(id)"
      },
      steps: [
        { name: 'load', notebook: '../outside.ipynb', dependsOn: ['merge'] },
        {
          name: 'merge',
          notebook: 'notebooks/03.ipynb',
          dependsOn: ['load', 'ghost']
        }
      ],
      retries: { limit: 99, backoffSeconds: 1, factor: 2 }
    };
    const fields = specProblems(bad, environments).map(p => p.field);
    expect(fields).toEqual([
      'name',
      'steps[0].notebook',
      'steps[1].dependsOn',
      'steps',
      'environment',
      'parameters.LAKE',
      'parameters.etl.config.environment',
      'schedules[0]',
      'schedules[1]',
      'timezone',
      'retries.limit'
    ]);
    const messages = specProblems(bad, environments)
      .map(p => p.message)
      .join('\n');
    expect(messages).toContain('in a circle: load → merge → load');
    expect(messages).toContain('contains a double quote');
    // Shell metacharacters alone are fine: they never meet a shell.
    expect(messages).not.toContain('parameters.OK');
  });

  it('checkSpec throws one usage error listing them all', () => {
    expect(() => {
      checkSpec({ ...good, name: 'x'.repeat(60) }, environments);
    }).toThrow(/name: .* at most 52 characters/);
  });

  it('names steps after their notebooks, starting with a letter as Argo wants', () => {
    expect(stepName('notebooks/01 Customers_Initial load.ipynb')).toBe(
      'customers-initial-load'
    );
    expect(stepName('2024.ipynb')).toBe('step-2024');
    expect(stepName('___.ipynb')).toBe('step');
  });
});

describe('a run row', () => {
  it('says phase, trigger, commit and duration', () => {
    const workflow = {
      metadata: {
        name: 'nightly-1800000000',
        labels: {
          'workflows.argoproj.io/cron-workflow': 'nightly',
          'arcade.dev/schedule': 'nightly',
          'arcade.dev/commit': 'a'.repeat(40)
        }
      },
      spec: {},
      status: {
        phase: 'Running',
        startedAt: '2027-01-15T02:30:00Z',
        progress: '1/3'
      }
    } as unknown as Workflow;
    expect(runRow(workflow, new Date('2027-01-15T02:31:30Z'))).toEqual({
      name: 'nightly-1800000000',
      phase: 'Running',
      trigger: 'cron',
      schedule: 'nightly',
      commit: 'a'.repeat(40),
      versionUri: null,
      notebooks: [],
      startedAt: '2027-01-15T02:30:00Z',
      finishedAt: null,
      durationSeconds: 90,
      progress: '1/3',
      message: null
    });
  });
});
