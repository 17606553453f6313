/**
 * `arcade schedule lint`: every check of Argo manifests in one list of
 * diagnostics — YAML syntax and pitfalls, Argo's JSON schema (closed
 * objects), Argo's own validation (the pinned Go module, offline), cron and
 * time zone, and Arcade's checks of the Arc command line.
 */
import { isRecord } from 'arcade-engine';
import type { ScheduleDiagnostic } from 'arcade-engine';
import { cronProblem, isTimeZone } from '../cron';
import {
  checkArcTemplates,
  checkArguments,
  textOf,
  type ArcLintContext
} from './arcArgs';
import { runArgoValidate, type ArgoFinding } from './argoValidate';
import { locate, parseManifestFile, type ManifestDocument } from './documents';
import { yamlPitfalls } from './pitfalls';
import { KINDS, type ArgoSchema } from './schema';

export interface LintInput {
  /** As shown in diagnostics (relative or absolute). */
  file: string;
  text: string;
  /** The file on disk for Argo's validator; absent for generated text. */
  path?: string;
}

export interface LintOptions extends ArcLintContext {
  schema: ArgoSchema;
  /** Runs Argo's validation over files; null skips it (unit tests of the rest). */
  argoValidate: ((inputs: LintInput[]) => Promise<ArgoFinding[]>) | null;
}

const POLICIES = ['Allow', 'Forbid', 'Replace'];

function cronChecks(document: ManifestDocument): ScheduleDiagnostic[] {
  const value = document.value;
  if (
    !isRecord(value) ||
    value.kind !== 'CronWorkflow' ||
    !isRecord(value.spec)
  ) {
    return [];
  }
  const spec = value.spec;
  const out: ScheduleDiagnostic[] = [];
  const base = { file: document.file, severity: 'error' as const };
  const schedules = Array.isArray(spec.schedules)
    ? spec.schedules.map((item: unknown, i) => ({
        item,
        path: ['spec', 'schedules', i]
      }))
    : typeof spec.schedule === 'string'
      ? [{ item: spec.schedule as unknown, path: ['spec', 'schedule'] }]
      : [];
  if (schedules.length === 0) {
    out.push({
      ...base,
      ...locate(document, ['spec']),
      code: 'cron/missing',
      message: 'the CronWorkflow has no schedules',
      fix: 'add spec.schedules: ["0 2 * * *"]'
    });
  }
  for (const { item, path } of schedules) {
    const problem =
      typeof item === 'string'
        ? cronProblem(item)
        : 'a schedule must be a string';
    if (problem !== null) {
      out.push({
        ...base,
        ...locate(document, path),
        code: 'cron/invalid',
        message: problem,
        fix: 'write five fields, e.g. "30 2 * * *" for 02:30 every day, or @hourly'
      });
    }
  }
  if (typeof spec.timezone === 'string' && !isTimeZone(spec.timezone)) {
    out.push({
      ...base,
      ...locate(document, ['spec', 'timezone']),
      code: 'cron/timezone',
      message: `unknown time zone "${spec.timezone}"`,
      fix: 'use an IANA zone name such as UTC, Europe/Paris or America/New_York'
    });
  }
  const policy = textOf(spec.concurrencyPolicy ?? 'Allow');
  if (!POLICIES.includes(policy)) {
    out.push({
      ...base,
      ...locate(document, ['spec', 'concurrencyPolicy']),
      code: 'cron/concurrency-policy',
      message: `concurrencyPolicy "${policy}" is not Allow, Forbid or Replace`,
      fix: 'use Allow, Forbid or Replace (capitalised)'
    });
  }
  return out;
}

function kindOf(document: ManifestDocument): ScheduleDiagnostic | string {
  const value = document.value;
  const kind = isRecord(value) ? value.kind : undefined;
  if (typeof kind === 'string' && (KINDS as readonly string[]).includes(kind)) {
    return kind;
  }
  return {
    file: document.file,
    ...locate(document, ['kind']),
    code: 'schema/kind',
    severity: 'error',
    message:
      kind === undefined
        ? 'the document has no kind'
        : `kind ${JSON.stringify(kind)} is not one Arcade checks (${KINDS.join(', ')})`,
    fix: 'set kind: Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow'
  };
}

/** Where Argo's finding points: the document of that kind and name. */
function argoDiagnostic(
  finding: ArgoFinding,
  documents: ManifestDocument[]
): ScheduleDiagnostic {
  // A document Argo could not read at all: "document 2".
  const unread = /^document (\d+)$/.exec(finding.name);
  const document = documents.find(doc => {
    if (unread !== null) {
      return doc.file === finding.file && doc.index === Number(unread[1]) - 1;
    }
    const value = doc.value;
    if (doc.file !== finding.file || !isRecord(value)) {
      return false;
    }
    const meta = isRecord(value.metadata) ? value.metadata : {};
    return (
      value.kind === finding.kind &&
      (finding.name === '' ||
        meta.name === finding.name ||
        meta.generateName === finding.name)
    );
  });
  // Strict decoding names the field: `unknown field "spec.templates[0].x"`.
  const field = /unknown field "([^"]+)"/.exec(finding.message)?.[1];
  const path =
    field === undefined
      ? null
      : field
          .replace(/\[(\d+)\]/g, '.$1')
          .split('.')
          .map(part => (/^\d+$/.test(part) ? Number(part) : part));
  let position = { line: 1, column: 1 };
  if (document !== undefined) {
    position =
      unread !== null
        ? locate(document, [])
        : path === null
          ? locate(document, ['spec'])
          : locate(document, path.slice(0, -1), String(path[path.length - 1]));
  }
  return {
    file: finding.file,
    ...position,
    code: 'argo/invalid',
    severity: 'error',
    message: `Argo: ${finding.message}`,
    fix: 'correct the manifest as Argo says; its validation runs again when it is submitted'
  };
}

function byPosition(a: ScheduleDiagnostic, b: ScheduleDiagnostic): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.code.localeCompare(b.code)
  );
}

/** Lints manifest files together (references resolve across them). */
export async function lintManifests(
  inputs: LintInput[],
  options: LintOptions
): Promise<ScheduleDiagnostic[]> {
  const out: ScheduleDiagnostic[] = [];
  const documents: ManifestDocument[] = [];
  const clean: LintInput[] = [];
  for (const input of inputs) {
    const parsed = parseManifestFile(input.file, input.text);
    for (const problem of parsed.problems) {
      out.push({
        file: problem.file,
        ...problem.position,
        code: 'yaml/syntax',
        severity: 'error',
        message: problem.message,
        fix: 'correct the YAML syntax at this position'
      });
    }
    if (parsed.problems.length === 0) {
      clean.push(input);
    }
    documents.push(...parsed.documents);
  }
  const checked: ManifestDocument[] = [];
  for (const document of documents) {
    const pitfalls = yamlPitfalls(document);
    out.push(...pitfalls);
    const kind = kindOf(document);
    if (typeof kind !== 'string') {
      out.push(kind);
      continue;
    }
    checked.push(document);
    const taken = new Set(pitfalls.map(p => `${p.line}:${p.column}`));
    out.push(
      ...options.schema
        .check(document, kind)
        // A pitfall already explains the type error at its place.
        .filter(d => !taken.has(`${d.line}:${d.column}`)),
      ...cronChecks(document)
    );
  }
  const arc = checkArcTemplates(checked, options);
  out.push(
    ...arc.diagnostics,
    ...checkArguments(checked, arc.bindings, options)
  );
  if (options.argoValidate !== null && clean.length > 0) {
    const findings = await options.argoValidate(clean);
    out.push(...findings.map(finding => argoDiagnostic(finding, documents)));
  }
  return out.sort(byPosition);
}

export { runArgoValidate };
