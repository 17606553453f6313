/**
 * Template resolution and `{{…}}` substitution as Argo's controller does them,
 * for the subset the local service runs: container and DAG templates,
 * `workflowTemplateRef`, `templateRef`, input parameters with defaults and
 * the `workflow.*` globals. Pure.
 */
import { isRecord } from 'arcade-engine';
import type { definitions } from '../argo/swagger.gen';

export { durationMs } from '../cron';

export type Template = definitions['io.argoproj.workflow.v1alpha1.Template'];
export type WorkflowSpec =
  definitions['io.argoproj.workflow.v1alpha1.WorkflowSpec'];
export type Parameter = definitions['io.argoproj.workflow.v1alpha1.Parameter'];

export class TemplateError extends Error {}

/** Values of `{{…}}` expressions, by expression. */
export type Scope = Record<string, string>;

/** The effective spec of a Workflow that references a WorkflowTemplate. */
export function mergeSpecs(
  own: WorkflowSpec,
  referenced: WorkflowSpec | null
): WorkflowSpec {
  if (referenced === null) {
    return own;
  }
  const byName = new Map<string, Parameter>();
  for (const parameter of referenced.arguments?.parameters ?? []) {
    byName.set(parameter.name, parameter);
  }
  for (const parameter of own.arguments?.parameters ?? []) {
    byName.set(parameter.name, parameter);
  }
  return {
    ...referenced,
    ...Object.fromEntries(
      Object.entries(own).filter(
        ([key]) =>
          !['workflowTemplateRef', 'templates', 'arguments'].includes(key)
      )
    ),
    templates: [...(referenced.templates ?? []), ...(own.templates ?? [])],
    arguments: { ...referenced.arguments, parameters: [...byName.values()] }
  };
}

/** Replaces every `{{ expression }}` in a string; unknown ones are errors. */
export function substitute(text: string, scope: Scope, where: string): string {
  return text.replace(
    /\{\{\s*([^{}]+?)\s*\}\}/g,
    (_match, expression: string) => {
      const value = scope[expression];
      if (value === undefined) {
        throw new TemplateError(
          `${where}: failed to resolve {{${expression}}}`
        );
      }
      return value;
    }
  );
}

/** Substitutes every string inside a JSON value (single pass: values are not re-read). */
export function substituteDeep<T>(value: T, scope: Scope, where: string): T {
  if (typeof value === 'string') {
    return substitute(value, scope, where) as T;
  }
  if (Array.isArray(value)) {
    return (value as unknown[]).map(item =>
      substituteDeep(item, scope, where)
    ) as T;
  }
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        substituteDeep(item, scope, where)
      ])
    ) as T;
  }
  return value;
}

/**
 * The input parameters of one invocation of a template: its declared inputs
 * with their defaults, overridden by the arguments passed.
 */
export function inputScope(
  template: Template,
  passed: Parameter[],
  where: string
): Scope {
  const scope: Scope = {};
  const given = new Map(passed.map(p => [p.name, p.value]));
  for (const parameter of template.inputs?.parameters ?? []) {
    const value = given.get(parameter.name) ?? parameter.value;
    if (value === undefined) {
      throw new TemplateError(
        `${where}: inputs.parameters.${parameter.name} was not supplied`
      );
    }
    scope[`inputs.parameters.${parameter.name}`] = value;
  }
  return scope;
}

/** The workflow-wide globals: `workflow.name`, `workflow.parameters.x`, … */
export function globalScope(workflow: {
  name: string;
  namespace: string;
  uid: string;
  creationTimestamp: string;
  spec: WorkflowSpec;
}): Scope {
  const scope: Scope = {
    'workflow.name': workflow.name,
    'workflow.namespace': workflow.namespace,
    'workflow.uid': workflow.uid,
    'workflow.creationTimestamp': workflow.creationTimestamp,
    'workflow.serviceAccountName': workflow.spec.serviceAccountName ?? 'default'
  };
  for (const parameter of workflow.spec.arguments?.parameters ?? []) {
    if (parameter.value !== undefined) {
      scope[`workflow.parameters.${parameter.name}`] = parameter.value;
    }
  }
  return scope;
}

/** An IntOrString as a number (`"3"`, `3`); NaN when it is not one. */
export function intOf(value: string | number | undefined, fallback: number) {
  if (value === undefined || value === '') {
    return fallback;
  }
  return typeof value === 'number' ? value : Number(value);
}
