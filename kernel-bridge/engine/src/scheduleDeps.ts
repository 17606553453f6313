/**
 * What a schedule needs to know of its notebooks: the `${NAME}` values a
 * run must pass, and which notebook must run before which (one writes a
 * table or a path that another reads). Pure, so the dialog can bundle it.
 */
import type { ScheduleVariable } from './scheduleApi';
import type { CompileResponse, JsonValue, LineageGraph } from './types';

/** A table name or a URI in a form two notebooks can be compared by. */
export function dataKey(kind: string, label: string): string {
  return kind === 'table'
    ? `table:${label.toLowerCase().replace(/`/g, '')}`
    : `uri:${label.replace(/\/+$/, '')}`;
}

/** The tables and URIs a notebook reads from outside and writes for others. */
export function lineageEnds(graph: LineageGraph): {
  reads: string[];
  writes: string[];
} {
  const byId = new Map(graph.nodes.map(node => [node.id, node]));
  const reads = new Set<string>();
  const writes = new Set<string>();
  for (const edge of graph.edges) {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (
      from !== undefined &&
      (from.kind === 'source' || from.kind === 'table')
    ) {
      reads.add(dataKey(from.kind, from.label));
    }
    if (to !== undefined && (to.kind === 'sink' || to.kind === 'table')) {
      writes.add(dataKey(to.kind, to.label));
    }
  }
  return { reads: [...reads].sort(), writes: [...writes].sort() };
}

/**
 * For each step, the steps it should wait for: those that write something
 * it reads. A step never waits for itself, and a pair that read each
 * other's output (a cycle) waits in the order the steps are listed.
 */
export function proposeDependencies(
  steps: ReadonlyArray<{
    name: string;
    reads: readonly string[];
    writes: readonly string[];
  }>
): Record<string, string[]> {
  const proposal: Record<string, string[]> = {};
  steps.forEach((step, i) => {
    const reads = new Set(step.reads);
    proposal[step.name] = steps
      .filter(
        (other, j) =>
          other.name !== step.name &&
          other.writes.some(w => reads.has(w)) &&
          // Of two steps that feed each other, the later one waits.
          !(j > i && other.reads.some(r => step.writes.includes(r)))
      )
      .map(other => other.name);
  });
  return proposal;
}

function walk(value: JsonValue, into: Map<string, boolean>): void {
  if (Array.isArray(value)) {
    value.forEach(v => {
      walk(v, into);
    });
    return;
  }
  if (typeof value !== 'object' || value === null) {
    return;
  }
  if (typeof value.$subst === 'string') {
    const required = value.optional !== true;
    into.set(value.$subst, (into.get(value.$subst) ?? false) || required);
    return;
  }
  Object.values(value).forEach(v => {
    walk(v, into);
  });
}

/** The `${NAME}` values the compiled job leaves to the run, required unless written `${?NAME}`. */
export function scheduleVariables(
  compiled: CompileResponse
): ScheduleVariable[] {
  const found = new Map<string, boolean>();
  walk(compiled.job as unknown as JsonValue, found);
  for (const name of compiled.unresolved) {
    if (!found.has(name)) {
      found.set(name, true);
    }
  }
  return [...found].map(([name, required]) => ({ name, required }));
}

/** CronWorkflow names leave room for Argo's `-<unix time>` run suffix. */
export const MAX_SCHEDULE_NAME_LENGTH = 52;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why `name` cannot name a schedule (a DNS-1123 label Argo can suffix), or null. */
export function scheduleNameProblem(name: string): string | null {
  if (DNS_LABEL.test(name) && name.length <= MAX_SCHEDULE_NAME_LENGTH) {
    return null;
  }
  return `"${name}" is not a valid name: lower-case letters, digits and "-", starting and ending with a letter or digit, at most ${MAX_SCHEDULE_NAME_LENGTH} characters`;
}
