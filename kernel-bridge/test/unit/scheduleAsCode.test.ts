import { ArcadeError } from 'arcade-engine';
import {
  describeAction,
  diffValues,
  readScheduleFile,
  scheduleFileText
} from '../../src/schedule/asCode';
import { defaultSpec } from '../../src/schedule/manifests';

const text = [
  'name: nightly',
  'environment: prod',
  'steps:',
  '  - notebook: notebooks/01_load.ipynb',
  '  - notebook: notebooks/03_merge.ipynb',
  '    dependsOn: [load]',
  'schedules: ["30 2 * * *"]',
  'timezone: Europe/Paris',
  'parameters: { LAKE: s3a://lake, DAYS: 3 }',
  'retries: { limit: 3 }',
  ''
].join('\n');

function failure(file: string, body: string): ArcadeError {
  try {
    readScheduleFile(file, body);
  } catch (error) {
    return error as ArcadeError;
  }
  throw new Error('expected a refusal');
}

describe('schedules/<name>.yaml', () => {
  it('reads a spec, filling the defaults and naming steps after notebooks', () => {
    const spec = readScheduleFile('schedules/nightly.yaml', text);
    expect(spec).toEqual({
      ...defaultSpec(
        'nightly',
        [
          {
            name: 'load',
            notebook: 'notebooks/01_load.ipynb',
            dependsOn: []
          },
          {
            name: 'merge',
            notebook: 'notebooks/03_merge.ipynb',
            dependsOn: ['load']
          }
        ],
        'prod'
      ),
      schedules: ['30 2 * * *'],
      timezone: 'Europe/Paris',
      parameters: { LAKE: 's3a://lake', DAYS: '3' },
      retries: { limit: 3, backoffSeconds: 60, factor: 2 }
    });
    // What create writes reads back as the same spec.
    expect(
      readScheduleFile('schedules/nightly.yaml', scheduleFileText(spec))
    ).toEqual(spec);
  });

  it('names the file and line of an unknown field, with a did-you-mean', () => {
    const error = failure(
      'schedules/nightly.yaml',
      text.replace('timezone:', 'timezon:')
    );
    expect(error.code).toBe('usage');
    expect(error.message).toBe(
      'schedules/nightly.yaml:8: unknown field "timezon" — did you mean "timezone"?'
    );
  });

  it('refuses a name that differs from the file and broken YAML', () => {
    expect(failure('schedules/other.yaml', text).message).toContain(
      'schedules/other.yaml:1: the name "nightly" differs from the file name "other"'
    );
    expect(failure('schedules/nightly.yaml', 'name: [nightly').message).toMatch(
      /^schedules\/nightly.yaml:1: /
    );
  });
});

describe('the apply diff', () => {
  it('lists changed fields by path', () => {
    const changes = diffValues(
      {
        spec: { schedules: ['0 3 * * *'], suspend: false },
        labels: { a: '1' }
      },
      {
        spec: { schedules: ['30 2 * * *'], suspend: false },
        labels: { a: '2' }
      }
    );
    expect(changes).toEqual([
      { path: 'labels.a', from: '1', to: '2' },
      { path: 'spec.schedules', from: ['0 3 * * *'], to: ['30 2 * * *'] }
    ]);
    expect(describeAction({ kind: 'update', name: 'nightly', changes })).toBe(
      [
        '~ update nightly',
        '    labels.a: "1" → "2"',
        '    spec.schedules: ["0 3 * * *"] → ["30 2 * * *"]'
      ].join('\n')
    );
    expect(describeAction({ kind: 'delete', name: 'old' })).toBe(
      '- delete old'
    );
  });
});
