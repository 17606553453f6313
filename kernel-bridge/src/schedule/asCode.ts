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

/** Each field of a schedule with the check of its type. */
const TYPES: Record<string, (v: unknown) => boolean> = {
  name: v => typeof v === 'string',
  description: v => typeof v === 'string',
  steps: v =>
    Array.isArray(v) &&
    v.every(
      step =>
        isRecord(step) &&
        typeof step.notebook === 'string' &&
        (step.name === undefined || typeof step.name === 'string') &&
        (step.dependsOn === undefined ||
          (Array.isArray(step.dependsOn) &&
            step.dependsOn.every(d => typeof d === 'string')))
    ),
  environment: v => typeof v === 'string',
  // YAML reads `DAYS: 3` as a number; it is passed as its text.
  parameters: v =>
    isRecord(v) &&
    Object.values(v).every(x =>
      ['string', 'number', 'boolean'].includes(typeof x)
    ),
  schedules: v => Array.isArray(v) && v.every(x => typeof x === 'string'),
  timezone: v => typeof v === 'string',
  concurrencyPolicy: v => typeof v === 'string',
  startingDeadlineSeconds: v => v === null || typeof v === 'number',
  retries: v =>
    isRecord(v) &&
    ['limit', 'backoffSeconds', 'factor'].every(
      k => v[k] === undefined || typeof v[k] === 'number'
    ),
  timeoutSeconds: v => v === null || typeof v === 'number',
  size: v => typeof v === 'string',
  arch: v => typeof v === 'string',
  spot: v => typeof v === 'boolean',
  suspend: v => typeof v === 'boolean',
  successfulJobsHistoryLimit: v => typeof v === 'number',
  failedJobsHistoryLimit: v => typeof v === 'number'
};

const KEYS = Object.keys(TYPES);

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
  for (const [key, field] of Object.entries(value)) {
    if (
      field !== undefined &&
      field !== null &&
      TYPES[key]?.(field) === false
    ) {
      fail(
        file,
        keyLine(key),
        `"${key}" has the wrong type`,
        'compare it with a file "arcade schedule create … --dry-run" writes'
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
  return specFromRecord(value, name);
}

/** A spec from a parsed record whose keys are known; fields it lacks take the defaults. */
function specFromRecord(
  value: Record<string, unknown>,
  name: string
): ScheduleSpec {
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

/** A spec sent as JSON (the dialog's): unknown fields and wrong types are refused by name. */
export function specFromJson(value: unknown): ScheduleSpec {
  if (!isRecord(value)) {
    throw new ArcadeError('bad_request', '"spec" must be a schedule object');
  }
  for (const [key, field] of Object.entries(value)) {
    const check = TYPES[key];
    if (check === undefined) {
      const guess = didYouMean(key, KEYS);
      throw new ArcadeError(
        'bad_request',
        `unknown schedule field "${key}"${guess === null ? '' : ` — did you mean "${guess}"?`}`
      );
    }
    if (field !== undefined && !check(field)) {
      throw new ArcadeError(
        'bad_request',
        `schedule field "${key}" has the wrong type`
      );
    }
  }
  return specFromRecord(
    value,
    typeof value.name === 'string' ? value.name : ''
  );
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
