/**
 * Schedules as code: `schedules/<name>.yaml` holds a ScheduleSpec (the
 * defaults fill what it leaves out), committed and published with the
 * notebooks; `arcade schedule apply` makes Argo match the files. Reading
 * and diffing are pure.
 */
import {
  ArcadeError,
  didYouMean,
  isRecord,
  type ScheduleSpec
} from 'arcade-engine';
import { parseDocument, stringify } from 'yaml';
import { defaultSpec } from './manifests';
import { stepName } from './spec';

export const SCHEDULES_DIR = 'schedules';

const KEYS = [
  'name',
  'description',
  'steps',
  'environment',
  'parameters',
  'schedules',
  'timezone',
  'concurrencyPolicy',
  'startingDeadlineSeconds',
  'retries',
  'timeoutSeconds',
  'size',
  'arch',
  'spot',
  'suspend',
  'successfulJobsHistoryLimit',
  'failedJobsHistoryLimit'
];

function fail(
  file: string,
  line: number,
  message: string,
  hint: string
): never {
  throw new ArcadeError('usage', `${file}:${line}: ${message}`, { hint });
}

/** Reads one schedule file; every problem names the file and line. */
export function readScheduleFile(file: string, text: string): ScheduleSpec {
  const doc = parseDocument(text, { prettyErrors: false });
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? 1 : text.slice(0, offset).split('\n').length;
  const [first] = doc.errors;
  if (first !== undefined) {
    fail(
      file,
      lineOf(first.pos[0]),
      first.message.split('\n')[0] ?? 'invalid YAML',
      'correct the YAML syntax'
    );
  }
  const value: unknown = doc.toJS();
  if (!isRecord(value)) {
    fail(
      file,
      1,
      'a schedule file holds a map of fields',
      'start from "arcade schedule create … --dry-run --spec"'
    );
  }
  const keyLine = (key: string): number => {
    const contents = doc.contents;
    if (
      contents !== null &&
      'items' in contents &&
      Array.isArray(contents.items)
    ) {
      for (const item of contents.items as Array<{
        key?: { value?: unknown; range?: [number, number, number] };
      }>) {
        if (item.key?.value === key) {
          return lineOf(item.key.range?.[0]);
        }
      }
    }
    return 1;
  };
  for (const key of Object.keys(value)) {
    if (!KEYS.includes(key)) {
      const guess = didYouMean(key, KEYS);
      fail(
        file,
        keyLine(key),
        `unknown field "${key}"${guess === null ? '' : ` — did you mean "${guess}"?`}`,
        guess === null
          ? `fields: ${KEYS.join(', ')}`
          : `rename it to "${guess}"`
      );
    }
  }
  const name = typeof value.name === 'string' ? value.name : '';
  const expected = file
    .split('/')
    .pop()
    ?.replace(/\.ya?ml$/, '');
  if (name !== expected) {
    fail(
      file,
      keyLine('name'),
      `the name "${name}" differs from the file name "${expected ?? ''}"`,
      `name the file ${SCHEDULES_DIR}/${name}.yaml, or change the name`
    );
  }
  const rawSteps = Array.isArray(value.steps) ? value.steps : [];
  const steps = rawSteps.map(step => {
    const record = isRecord(step) ? step : {};
    const notebook = typeof record.notebook === 'string' ? record.notebook : '';
    return {
      name: typeof record.name === 'string' ? record.name : stepName(notebook),
      notebook,
      dependsOn: Array.isArray(record.dependsOn)
        ? record.dependsOn.map(String)
        : []
    };
  });
  const environment =
    typeof value.environment === 'string' ? value.environment : '';
  const spec: Record<string, unknown> = {
    ...defaultSpec(name, steps, environment)
  };
  for (const key of KEYS) {
    if (key !== 'steps' && value[key] !== undefined) {
      spec[key] =
        key === 'retries' && isRecord(value.retries)
          ? { ...(spec.retries as object), ...value.retries }
          : value[key];
    }
  }
  if (isRecord(spec.parameters)) {
    spec.parameters = Object.fromEntries(
      Object.entries(spec.parameters).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : JSON.stringify(v)
      ])
    );
  }
  return spec as unknown as ScheduleSpec;
}

/** The text `arcade schedule create --spec` and the dialog write. */
export function scheduleFileText(spec: ScheduleSpec): string {
  return `# Arcade schedule. \`arcade schedule apply\` makes Argo match the files in ${SCHEDULES_DIR}/.\n${stringify(spec)}`;
}

export interface FieldChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** What differs between two JSON values, field by field. */
export function diffValues(
  from: unknown,
  to: unknown,
  path = ''
): FieldChange[] {
  if (isRecord(from) && isRecord(to)) {
    const keys = [
      ...new Set([...Object.keys(from), ...Object.keys(to)])
    ].sort();
    return keys.flatMap(key =>
      diffValues(from[key], to[key], path === '' ? key : `${path}.${key}`)
    );
  }
  return JSON.stringify(from) === JSON.stringify(to)
    ? []
    : [{ path, from, to }];
}

export type ApplyAction =
  | { kind: 'create'; name: string }
  | { kind: 'update'; name: string; changes: FieldChange[] }
  | { kind: 'unchanged'; name: string }
  | { kind: 'delete'; name: string };

function shown(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}

/** One line of the printed diff. */
export function describeAction(action: ApplyAction): string {
  switch (action.kind) {
    case 'create':
      return `+ create ${action.name}`;
    case 'delete':
      return `- delete ${action.name}`;
    case 'unchanged':
      return `= ${action.name} unchanged`;
    case 'update':
      return [
        `~ update ${action.name}`,
        ...action.changes.map(
          change =>
            `    ${change.path}: ${shown(change.from)} → ${shown(change.to)}`
        )
      ].join('\n');
  }
}
