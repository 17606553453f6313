/**
 * Checks of a ScheduleSpec before anything is generated or sent: each
 * problem says which field and what to do; nothing changes while any is
 * left. Pure.
 */
import {
  ArcadeError,
  scheduleNameProblem,
  type ScheduleSpec
} from 'arcade-engine';
import { cronProblem, isTimeZone } from './cron';
import { parameterValueProblem } from './lint/arcArgs';
import { SIZE_PRESETS } from './manifests';

/** Argo refuses a DAG task name that begins with a digit once tasks have dependencies. */
const STEP_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export interface SpecProblem {
  field: string;
  message: string;
}

function cycle(spec: ScheduleSpec): string[] | null {
  const deps = new Map(spec.steps.map(step => [step.name, step.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === 'done') {
      return null;
    }
    if (state.get(name) === 'visiting') {
      return [...path.slice(path.indexOf(name)), name];
    }
    state.set(name, 'visiting');
    path.push(name);
    for (const dep of deps.get(name) ?? []) {
      const found = visit(dep);
      if (found !== null) {
        return found;
      }
    }
    path.pop();
    state.set(name, 'done');
    return null;
  };
  for (const step of spec.steps) {
    const found = visit(step.name);
    if (found !== null) {
      return found;
    }
  }
  return null;
}

export function specProblems(
  spec: ScheduleSpec,
  environments: readonly string[]
): SpecProblem[] {
  const out: SpecProblem[] = [];
  const add = (field: string, message: string) => out.push({ field, message });
  const nameProblem = scheduleNameProblem(spec.name);
  if (nameProblem !== null) {
    add('name', nameProblem);
  }
  if (spec.steps.length === 0) {
    add('steps', 'a schedule needs at least one notebook');
  }
  const names = new Set<string>();
  for (const [i, step] of spec.steps.entries()) {
    if (!STEP_NAME.test(step.name) || step.name.length > 63) {
      add(
        `steps[${i}].name`,
        `"${step.name}" is not a valid step name: lower-case letters, digits and "-", starting with a letter`
      );
    }
    if (names.has(step.name)) {
      add(`steps[${i}].name`, `step "${step.name}" appears twice`);
    }
    names.add(step.name);
    if (
      !/\.ipynb$/.test(step.notebook) ||
      step.notebook.startsWith('/') ||
      step.notebook.split('/').includes('..')
    ) {
      add(
        `steps[${i}].notebook`,
        `"${step.notebook}" is not a notebook path inside the repository`
      );
    }
  }
  for (const [i, step] of spec.steps.entries()) {
    for (const dep of step.dependsOn) {
      if (!names.has(dep)) {
        add(
          `steps[${i}].dependsOn`,
          `step "${step.name}" waits for "${dep}", which is not a step of this schedule`
        );
      }
    }
  }
  const loop = cycle(spec);
  if (loop !== null) {
    add(
      'steps',
      `the steps wait for each other in a circle: ${loop.join(' → ')}`
    );
  }
  if (environments.length > 0 && !environments.includes(spec.environment)) {
    add(
      'environment',
      `"${spec.environment}" is not one of the project's environments (${environments.join(', ')})`
    );
  }
  for (const [name, value] of Object.entries(spec.parameters)) {
    if (!VAR_NAME.test(name) || name.startsWith('etl.')) {
      add(
        `parameters.${name}`,
        `"${name}" is not a parameter name Arc takes (letters, digits, _ and dots; not etl.*)`
      );
    }
    const problem = parameterValueProblem(name, value);
    if (problem !== null) {
      add(`parameters.${name}`, problem);
    }
  }
  for (const [i, expression] of spec.schedules.entries()) {
    const problem = cronProblem(expression);
    if (problem !== null) {
      add(`schedules[${i}]`, problem);
    }
  }
  if (!isTimeZone(spec.timezone)) {
    add(
      'timezone',
      `unknown time zone "${spec.timezone}" (use an IANA name such as Europe/Paris)`
    );
  }
  if (!['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy)) {
    add(
      'concurrencyPolicy',
      `"${spec.concurrencyPolicy}" is not Allow, Forbid or Replace`
    );
  }
  if (!(spec.size in SIZE_PRESETS)) {
    add(
      'size',
      `unknown size "${spec.size}" (${Object.keys(SIZE_PRESETS).join(', ')})`
    );
  }
  // From a command line or a YAML file the type is only a promise.
  if (!(['arm64', 'amd64'] as string[]).includes(spec.arch)) {
    add('arch', `"${spec.arch}" is not arm64 or amd64`);
  }
  const { limit, backoffSeconds, factor } = spec.retries;
  if (!Number.isInteger(limit) || limit < 0 || limit > 10) {
    add('retries.limit', 'retries must be a whole number from 0 to 10');
  }
  if (!(backoffSeconds >= 0) || !(factor >= 1)) {
    add('retries', 'backoff must be 0 s or more and its factor 1 or more');
  }
  if (spec.timeoutSeconds !== null && !(spec.timeoutSeconds > 0)) {
    add('timeoutSeconds', 'the timeout must be more than 0 seconds');
  }
  return out;
}

/** Throws one usage error listing every problem; changes nothing. */
export function checkSpec(
  spec: ScheduleSpec,
  environments: readonly string[]
): void {
  const problems = specProblems(spec, environments);
  if (problems.length > 0) {
    throw new ArcadeError(
      'usage',
      `the schedule is not valid: ${problems.map(p => `${p.field}: ${p.message}`).join('; ')}`,
      { hint: 'correct the fields named; nothing was changed' }
    );
  }
}

/**
 * A step name from a notebook path, `notebooks/01 Load.ipynb` → `load`: a
 * DNS label that starts with a letter (a leading number is dropped; Argo
 * refuses task names that begin with a digit).
 */
export function stepName(notebook: string): string {
  const base = (notebook.split('/').pop() ?? notebook).replace(/\.ipynb$/i, '');
  const words = base.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const name = words
    .replace(/^[-0-9]+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (name !== '') {
    return name;
  }
  const digits = words.replace(/^-+|-+$/g, '');
  return digits === ''
    ? 'step'
    : `step-${digits}`.slice(0, 63).replace(/-+$/, '');
}
