/**
 * Argo objects as the CLI and the runs panel show them: a row per schedule
 * and per run, and a run's steps with the Arc stages their logs report.
 * Pure: the caller reads the objects and the logs.
 */
import type {
  ArgoRunDetail,
  ArgoRunRow,
  ArgoRunStep,
  ArgoStageProgress,
  ScheduleRow
} from 'arcade-engine';
import { parseArcLogLine } from '../runs/arcLog';
import type { CellLocator } from '../runs/stageCells';
import type { CronWorkflow, NodeStatus, Workflow } from './argo/client';
import { nextRuns } from './cron';
import { ANNOTATIONS, LABELS } from './manifests';

const ENDED = new Set(['Succeeded', 'Failed', 'Error']);

/** True once Argo will not change the run's phase again. */
export function runEnded(phase: string | null | undefined): boolean {
  return phase !== undefined && phase !== null && ENDED.has(phase);
}

function notebooksOf(annotations: Record<string, string> | undefined) {
  const value = annotations?.[ANNOTATIONS.notebooks] ?? '';
  return value === '' ? [] : value.split(',');
}

/** One schedule: its cron lines, pinned commit and next runs. */
export function cronRow(
  cron: CronWorkflow,
  now: Date = new Date()
): ScheduleRow {
  const spec = cron.spec;
  return {
    name: cron.metadata.name ?? '',
    schedules: spec.schedules,
    timezone: spec.timezone ?? 'UTC',
    suspended: spec.suspend === true,
    commit: cron.metadata.labels?.[LABELS.commit] ?? null,
    notebooks: notebooksOf(cron.metadata.annotations),
    lastScheduledTime: cron.status?.lastScheduledTime ?? null,
    active: (cron.status?.active ?? []).map(ref => ref.name ?? ''),
    nextRuns:
      spec.suspend === true
        ? []
        : spec.schedules
            .flatMap(expression =>
              nextRuns(expression, spec.timezone ?? 'UTC', 3, now)
            )
            .sort((a, b) => a.getTime() - b.getTime())
            .slice(0, 3)
            .map(date => date.toISOString())
  };
}

/** One run: phase, what started it, the version it pins, how long it took. */
export function runRow(workflow: Workflow, now: Date = new Date()): ArgoRunRow {
  const labels = workflow.metadata.labels ?? {};
  const annotations = workflow.metadata.annotations;
  const status = workflow.status;
  const started = status?.startedAt ?? null;
  const finished = status?.finishedAt ?? null;
  return {
    name: workflow.metadata.name ?? '',
    phase: status?.phase ?? 'Pending',
    trigger:
      labels['workflows.argoproj.io/cron-workflow'] !== undefined
        ? 'cron'
        : (annotations?.[ANNOTATIONS.trigger] ?? 'manual'),
    schedule: labels[LABELS.schedule] ?? null,
    commit: labels[LABELS.commit] ?? null,
    versionUri: annotations?.[ANNOTATIONS.version] ?? null,
    notebooks: notebooksOf(annotations),
    startedAt: started,
    finishedAt: finished,
    durationSeconds:
      started === null
        ? null
        : Math.max(
            0,
            Math.round(
              ((finished === null ? now.getTime() : Date.parse(finished)) -
                Date.parse(started)) /
                1000
            )
          ),
    progress: status?.progress ?? null,
    message: status?.message ?? null
  };
}

/** The pods of a run (its Arc jobs), in the order they started. */
export function podsOf(workflow: Workflow): NodeStatus[] {
  return Object.values(workflow.status?.nodes ?? {})
    .filter(node => node.type === 'Pod')
    .sort((a, b) => (a.startedAt ?? '~').localeCompare(b.startedAt ?? '~'));
}

/** A parameter a node received (`notebook`, `environment`…). */
export function nodeInput(node: NodeStatus, name: string): string | null {
  const found = node.inputs?.parameters?.find(p => p.name === name);
  return found?.value ?? null;
}

/**
 * The repository path of the notebook a pod ran: its `configUri` below the
 * run's version folder (the `notebook` parameter is only a label).
 */
export function podNotebook(
  node: NodeStatus,
  versionUri: string | null
): string | null {
  const uri = nodeInput(node, 'configUri');
  if (uri === null || versionUri === null || !uri.startsWith(versionUri)) {
    return null;
  }
  return uri.slice(versionUri.length);
}

/**
 * The Arc stages of one step, from its log lines in order. A retried step
 * logs each attempt; the last attempt's stages are the ones shown.
 */
export function stagesFromLog(
  lines: readonly string[],
  locate: () => CellLocator | null
): { stages: ArgoStageProgress[]; failure: string[] | null } {
  let stages: ArgoStageProgress[] = [];
  let failure: string[] | null = null;
  let locator = locate();
  let ended = false;
  for (const line of lines) {
    const record = parseArcLogLine(line);
    if (record === null) {
      continue;
    }
    if (record.kind === 'stage-enter') {
      if (ended) {
        // A retry: the new attempt starts again from the first stage.
        stages = [];
        failure = null;
        locator = locate();
        ended = false;
      }
      stages.push({
        index: stages.length,
        name: record.stage.name,
        type: record.stage.type,
        status: 'running',
        durationMs: null,
        records: null,
        reasons: [],
        cellIndex: locator?.nextStarted(record.stage.name) ?? null
      });
      continue;
    }
    const running = stages.findLast(s => s.status === 'running');
    if (record.kind === 'stage-exit') {
      if (running !== undefined) {
        running.status = 'finished';
        running.durationMs = record.durationMs;
        running.records = record.stage.records;
      }
      continue;
    }
    ended = true;
    if (record.status === 'failure' && record.failure !== null) {
      const f = record.failure;
      if (f.kind === 'stage' && running !== undefined) {
        running.status = 'failed';
        running.reasons = f.messages;
      } else if (f.kind === 'config') {
        failure = f.errors.flatMap(e =>
          e.messages.map(m => (e.stage === '' ? m : `${e.stage}: ${m}`))
        );
      } else {
        failure = f.messages;
      }
    }
  }
  return { stages, failure };
}

/** A run with its steps; `logs` holds each pod's lines, `locators` each notebook's cells. */
export function runDetail(
  workflow: Workflow,
  logs: ReadonlyMap<string, readonly string[]>,
  locator: (
    notebook: string | null,
    environment: string | null
  ) => CellLocator | null,
  now: Date = new Date()
): ArgoRunDetail {
  const pods = podsOf(workflow);
  const environment =
    pods.map(pod => nodeInput(pod, 'environment')).find(e => e !== null) ??
    workflow.spec.arguments?.parameters?.find(p => p.name === 'environment')
      ?.value ??
    null;
  const row = runRow(workflow, now);
  const steps: ArgoRunStep[] = pods.map(pod => {
    const notebook = podNotebook(pod, row.versionUri);
    const env = nodeInput(pod, 'environment') ?? environment;
    const { stages, failure } = stagesFromLog(logs.get(pod.id) ?? [], () =>
      locator(notebook, env)
    );
    return {
      name: (pod.displayName ?? pod.name).replace(/\(\d+\)$/, ''),
      node: pod.id,
      notebook,
      phase: pod.phase ?? 'Pending',
      startedAt: pod.startedAt ?? null,
      finishedAt: pod.finishedAt ?? null,
      message: pod.message ?? null,
      stages,
      failure
    };
  });
  return { ...row, environment, steps };
}
