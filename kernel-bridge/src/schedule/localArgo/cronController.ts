/**
 * CronWorkflows of the local Argo service, with Argo's semantics: `schedules`
 * evaluated in `timezone` (croner), `suspend`, `concurrencyPolicy` Allow /
 * Forbid (skip while a run is active) / Replace (terminate it, then start),
 * `startingDeadlineSeconds` (a run missed by more is skipped; one missed by
 * less, e.g. while the service was down, starts), and the history limits.
 * Workflows are named `<cron>-<unix seconds of the scheduled time>` and
 * labelled `workflows.argoproj.io/cron-workflow`, as Argo does.
 *
 * `tick(now)` does the work; the service calls it every second, tests call
 * it with the times they choose.
 */
import { LABEL_COMPLETED, LABEL_PHASE, type Clock } from './types';
import { latestRun } from '../cron';
import type { NewObject, ObjectStore, StoredObject } from './store';

export const LABEL_CRON = 'workflows.argoproj.io/cron-workflow';
export const ANNOTATION_SCHEDULED = 'workflows.argoproj.io/scheduled-time';

/** A run this late is still "on time" without a starting deadline (tick slack). */
const ON_TIME_MS = 10_000;

interface CronSpec {
  schedules?: string[];
  timezone?: string;
  suspend?: boolean;
  concurrencyPolicy?: string;
  startingDeadlineSeconds?: number;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  workflowMetadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  workflowSpec?: Record<string, unknown>;
}

interface CronStatus {
  lastScheduledTime?: string;
  active?: Array<{
    kind: string;
    name: string;
    namespace: string;
    uid: string;
  }>;
  succeeded?: number;
  failed?: number;
  phase?: string;
  conditions?: Array<{
    type: string;
    status: string;
    message?: string;
    lastTransitionTime?: string;
  }>;
}

export interface CronActions {
  /** Creates and starts a workflow (the service's own create path). */
  createWorkflow(namespace: string, input: NewObject): Promise<StoredObject>;
  terminate(namespace: string, name: string): Promise<void>;
  deleteWorkflow(namespace: string, name: string): Promise<void>;
}

export type CronEvent =
  | { kind: 'started'; cron: string; workflow: string; scheduled: string }
  | { kind: 'skipped'; cron: string; scheduled: string; reason: string };

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The latest scheduled time in (after, now] over all schedules, or null. */
export function latestDue(spec: CronSpec, after: Date, now: Date): Date | null {
  let latest: Date | null = null;
  for (const expression of spec.schedules ?? []) {
    const due = latestRun(expression, spec.timezone ?? 'UTC', after, now);
    if (due !== null && (latest === null || due.getTime() > latest.getTime())) {
      latest = due;
    }
  }
  return latest;
}

export class CronController {
  readonly events: CronEvent[] = [];

  constructor(
    private readonly store: ObjectStore,
    private readonly actions: CronActions,
    private readonly clock: Clock
  ) {}

  private active(namespace: string, name: string): StoredObject[] {
    return this.store
      .list('workflows', namespace, `${LABEL_CRON}=${name}`)
      .filter(w => w.metadata.labels?.[LABEL_COMPLETED] !== 'true');
  }

  /** Starts what is due at `now` in every namespace given. */
  async tick(
    namespaces: string[],
    now: Date = this.clock.now()
  ): Promise<void> {
    for (const namespace of namespaces) {
      for (const cron of this.store.list('cronworkflows', namespace)) {
        await this.tickOne(cron, now);
      }
    }
  }

  private async tickOne(cron: StoredObject, now: Date): Promise<void> {
    const spec = cron.spec as CronSpec;
    const status = (cron.status ??= {}) as CronStatus;
    const namespace = cron.metadata.namespace;
    const name = cron.metadata.name;
    const active = this.active(namespace, name);
    status.active = active.map(w => ({
      kind: 'Workflow',
      name: w.metadata.name,
      namespace,
      uid: w.metadata.uid
    }));
    const after = new Date(
      status.lastScheduledTime ?? cron.metadata.creationTimestamp
    );
    const due = spec.suspend === true ? null : latestDue(spec, after, now);
    if (due === null) {
      return;
    }
    status.lastScheduledTime = iso(due);
    const scheduled = iso(due);
    const late = now.getTime() - due.getTime();
    const deadline =
      spec.startingDeadlineSeconds === undefined
        ? ON_TIME_MS
        : Math.max(ON_TIME_MS, spec.startingDeadlineSeconds * 1000);
    const skip = async (reason: string) => {
      this.events.push({ kind: 'skipped', cron: name, scheduled, reason });
      status.conditions = [
        {
          type: 'SpecWarning',
          status: 'True',
          message: `run of ${scheduled} skipped: ${reason}`,
          lastTransitionTime: iso(now)
        }
      ];
      await this.store.update('cronworkflows', cron);
    };
    if (late > deadline) {
      await skip(
        `missed by ${Math.round(late / 1000)} s, more than the starting deadline`
      );
      return;
    }
    const policy = spec.concurrencyPolicy ?? 'Allow';
    if (active.length > 0 && policy === 'Forbid') {
      await skip(
        `concurrencyPolicy Forbid and ${active[0]?.metadata.name ?? ''} is still running`
      );
      return;
    }
    if (active.length > 0 && policy === 'Replace') {
      for (const workflow of active) {
        await this.actions.terminate(namespace, workflow.metadata.name);
      }
    }
    const workflowName = `${name}-${Math.floor(due.getTime() / 1000)}`;
    if (this.store.find('workflows', namespace, workflowName) !== null) {
      await this.store.update('cronworkflows', cron);
      return;
    }
    const labels = { ...spec.workflowMetadata?.labels, [LABEL_CRON]: name };
    let created: StoredObject;
    try {
      created = await this.actions.createWorkflow(namespace, {
        apiVersion: cron.apiVersion,
        kind: 'Workflow',
        metadata: {
          name: workflowName,
          labels,
          annotations: {
            ...spec.workflowMetadata?.annotations,
            [ANNOTATION_SCHEDULED]: scheduled
          }
        },
        spec: structuredClone(spec.workflowSpec ?? {})
      });
    } catch (error) {
      await skip(
        `the workflow could not be created: ${error instanceof Error ? error.message : String(error)}`
      );
      return;
    }
    this.events.push({
      kind: 'started',
      cron: name,
      workflow: created.metadata.name,
      scheduled
    });
    const fresh = this.store.find('cronworkflows', namespace, name);
    if (fresh !== null) {
      const freshStatus = (fresh.status ??= {}) as CronStatus;
      freshStatus.lastScheduledTime = scheduled;
      freshStatus.phase = 'Active';
      freshStatus.active = this.active(namespace, name).map(w => ({
        kind: 'Workflow',
        name: w.metadata.name,
        namespace,
        uid: w.metadata.uid
      }));
      delete freshStatus.conditions;
      await this.store.update('cronworkflows', fresh);
    }
  }

  /** After a run of a CronWorkflow ends: counts, active list, history limits. */
  async workflowFinished(workflow: StoredObject): Promise<void> {
    const name = workflow.metadata.labels?.[LABEL_CRON];
    if (name === undefined) {
      return;
    }
    const namespace = workflow.metadata.namespace;
    const cron = this.store.find('cronworkflows', namespace, name);
    if (cron === null) {
      return;
    }
    const spec = cron.spec as CronSpec;
    const status = (cron.status ??= {}) as CronStatus;
    const phase = workflow.metadata.labels?.[LABEL_PHASE];
    if (phase === 'Succeeded') {
      status.succeeded = (status.succeeded ?? 0) + 1;
    } else {
      status.failed = (status.failed ?? 0) + 1;
    }
    status.active = this.active(namespace, name).map(w => ({
      kind: 'Workflow',
      name: w.metadata.name,
      namespace,
      uid: w.metadata.uid
    }));
    await this.store.update('cronworkflows', cron);
    const finished = this.store
      .list(
        'workflows',
        namespace,
        `${LABEL_CRON}=${name},${LABEL_COMPLETED}=true`
      )
      .sort(
        (a, b) =>
          b.metadata.creationTimestamp.localeCompare(
            a.metadata.creationTimestamp
          ) || b.metadata.name.localeCompare(a.metadata.name)
      );
    const keep = {
      Succeeded: spec.successfulJobsHistoryLimit ?? 3,
      other: spec.failedJobsHistoryLimit ?? 1
    };
    const succeeded = finished.filter(
      w => w.metadata.labels?.[LABEL_PHASE] === 'Succeeded'
    );
    const failed = finished.filter(
      w => w.metadata.labels?.[LABEL_PHASE] !== 'Succeeded'
    );
    for (const old of [
      ...succeeded.slice(keep.Succeeded),
      ...failed.slice(keep.other)
    ]) {
      await this.actions.deleteWorkflow(namespace, old.metadata.name);
    }
  }
}
