/**
 * The local Argo service's workflow controller: runs a Workflow's DAG of
 * container steps with Argo's node model (a DAG node, Retry nodes with one
 * Pod node per attempt, phases Pending → Running → Succeeded / Failed /
 * Error, Omitted when a dependency failed), `retryStrategy` with backoff,
 * stop and terminate that end the job's process, retry and resubmit. Pods
 * are named as Argo's v1 pod naming does (pod name = node id).
 *
 * Every change is persisted through the store before the next step starts;
 * at start, a run the previous process left Running ends as Error.
 */
import path from 'node:path';
import type { NodeStatus } from '../argo/client';
import {
  endNode,
  NodeGraph,
  timestamp,
  type GraphHost,
  type WorkflowStatus
} from './graph';
import {
  mergeSpecs,
  TemplateError,
  type Template,
  type WorkflowSpec
} from './templates';
import type { NewObject, ObjectStore, StoredObject } from './store';
import {
  DONE,
  LABEL_COMPLETED,
  LABEL_PHASE,
  LABEL_RESUBMITTED,
  realClock,
  type Clock,
  type JobHandle,
  type JobResult,
  type JobRunner
} from './types';

const time = timestamp;

export class WorkflowController implements GraphHost {
  private readonly jobs = new Map<string, JobHandle>();
  private readonly timers = new Map<string, { cancel(): void }>();
  private readonly ready = new Set<string>();
  private readonly locks = new Map<string, Promise<void>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly runner: JobRunner,
    private readonly logDir: string,
    readonly clock: Clock = realClock,
    /** Called after a workflow reaches a final phase. */
    private readonly onFinished: (workflow: StoredObject) => void = () => {}
  ) {}

  logFile(namespace: string, workflow: string, podName: string): string {
    return path.join(this.logDir, namespace, workflow, `${podName}.log`);
  }

  /** Runs `step` alone for this workflow: reconciles never interleave. */
  private exclusive(key: string, step: () => Promise<void>): Promise<void> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(step, step);
    this.locks.set(
      key,
      next.catch(() => undefined)
    );
    return next;
  }

  /** At start: runs the previous process left unfinished end as Error. */
  async recover(namespaces: string[]): Promise<number> {
    let count = 0;
    for (const namespace of namespaces) {
      for (const workflow of this.store.list('workflows', namespace)) {
        // A run cut off before its first status was saved has none: give it one.
        const status = (workflow.status ??= {}) as WorkflowStatus;
        if (status.phase !== undefined && DONE.has(status.phase)) {
          continue;
        }
        const message =
          'interrupted: the local Argo service restarted while this run was going';
        for (const node of Object.values(status.nodes ?? {})) {
          if (node.phase === undefined || !DONE.has(node.phase)) {
            node.phase = 'Error';
            node.message = message;
            node.finishedAt = time(this.clock);
          }
        }
        this.finish(workflow, status, 'Error', message);
        await this.store.update('workflows', workflow);
        count += 1;
      }
    }
    return count;
  }

  /** Starts a newly created workflow. */
  start(workflow: StoredObject): Promise<void> {
    return this.reconcile(workflow.metadata.namespace, workflow.metadata.name);
  }

  reconcile(namespace: string, name: string): Promise<void> {
    return this.exclusive(`${namespace}/${name}`, async () => {
      const workflow = this.store.find('workflows', namespace, name);
      if (workflow === null) {
        return;
      }
      const status = (workflow.status ??= {}) as WorkflowStatus;
      if (status.phase !== undefined && DONE.has(status.phase)) {
        return;
      }
      status.phase = 'Running';
      status.startedAt ??= time(this.clock);
      status.nodes ??= {};
      try {
        const spec = this.effectiveSpec(workflow, status);
        const graph = new NodeGraph(this, workflow, spec, status);
        const entry = graph.localTemplate(spec.entrypoint ?? '', 'entrypoint');
        const root = graph.walk(
          name,
          entry,
          spec.arguments?.parameters ?? [],
          null
        );
        if (DONE.has(root.phase ?? '')) {
          this.finish(
            workflow,
            status,
            root.phase === 'Succeeded'
              ? 'Succeeded'
              : root.phase === 'Error'
                ? 'Error'
                : 'Failed',
            root.message
          );
        }
      } catch (error) {
        if (!(error instanceof TemplateError)) {
          throw error;
        }
        this.finish(workflow, status, 'Error', error.message);
      }
      this.progress(status);
      await this.store.update('workflows', workflow);
      if (DONE.has(status.phase)) {
        this.onFinished(workflow);
      }
    });
  }

  private finish(
    workflow: StoredObject,
    status: WorkflowStatus,
    phase: 'Succeeded' | 'Failed' | 'Error',
    message: string | undefined
  ): void {
    status.phase = phase;
    status.finishedAt ??= time(this.clock);
    if (message !== undefined && message !== '') {
      status.message = message;
    }
    workflow.metadata.labels = {
      ...workflow.metadata.labels,
      [LABEL_PHASE]: phase,
      [LABEL_COMPLETED]: 'true'
    };
  }

  private progress(status: WorkflowStatus): void {
    const pods = Object.values(status.nodes ?? {}).filter(
      n => n.type === 'Pod'
    );
    const done = pods.filter(n => n.phase === 'Succeeded').length;
    status.progress = `${done}/${pods.length}`;
  }

  /** The spec with the referenced WorkflowTemplate merged in, stored at the first step. */
  private effectiveSpec(
    workflow: StoredObject,
    status: WorkflowStatus
  ): WorkflowSpec {
    if (status.storedWorkflowTemplateSpec !== undefined) {
      return status.storedWorkflowTemplateSpec;
    }
    const own = workflow.spec as WorkflowSpec;
    const ref = own.workflowTemplateRef?.name;
    let spec = own;
    if (ref !== undefined) {
      const template = this.store.find(
        'workflowtemplates',
        workflow.metadata.namespace,
        ref
      );
      if (template === null) {
        throw new TemplateError(
          `WorkflowTemplate "${ref}" not found in namespace "${workflow.metadata.namespace}"`
        );
      }
      spec = mergeSpecs(own, template.spec);
      status.storedWorkflowTemplateSpec = spec;
    }
    return spec;
  }

  startPod(workflow: StoredObject, node: NodeStatus, template: Template): void {
    const namespace = workflow.metadata.namespace;
    const name = workflow.metadata.name;
    const handle = this.runner({
      namespace,
      workflow: name,
      podName: node.id,
      template,
      logFile: this.logFile(namespace, name, node.id)
    });
    this.jobs.set(node.id, handle);
    void handle.done.then(
      result => this.podEnded(namespace, name, node.id, result),
      (error: unknown) =>
        this.podEnded(namespace, name, node.id, {
          exitCode: null,
          message: error instanceof Error ? error.message : String(error)
        })
    );
  }

  backoff(
    workflow: StoredObject,
    key: string,
    waitMs: number
  ): 'waiting' | 'ready' {
    const full = `${workflow.metadata.namespace}/${workflow.metadata.name}/${key}`;
    if (this.ready.delete(full)) {
      return 'ready';
    }
    if (!this.timers.has(full)) {
      this.timers.set(
        full,
        this.clock.setTimeout(() => {
          this.timers.delete(full);
          this.ready.add(full);
          void this.reconcile(
            workflow.metadata.namespace,
            workflow.metadata.name
          );
        }, waitMs)
      );
    }
    return 'waiting';
  }

  template(namespace: string, name: string): StoredObject | null {
    return this.store.find('workflowtemplates', namespace, name);
  }

  private podEnded(
    namespace: string,
    name: string,
    id: string,
    result: JobResult
  ): Promise<void> {
    this.jobs.delete(id);
    return this.exclusive(`${namespace}/${name}`, async () => {
      const workflow = this.store.find('workflows', namespace, name);
      const node = ((workflow?.status ?? {}) as WorkflowStatus).nodes?.[id];
      if (
        workflow === null ||
        node === undefined ||
        DONE.has(node.phase ?? '')
      ) {
        return;
      }
      if (result.exitCode === 0) {
        endNode(node, 'Succeeded', this.clock);
      } else if (result.exitCode === null) {
        endNode(
          node,
          'Error',
          this.clock,
          result.message ?? 'the process ended without an exit code'
        );
      } else {
        endNode(
          node,
          'Failed',
          this.clock,
          result.message ?? `Error (exit code ${result.exitCode})`
        );
      }
      await this.store.update('workflows', workflow);
    }).then(() => this.reconcile(namespace, name));
  }

  /** Stop or terminate: running steps end now; the workflow fails with Argo's message. */
  shutdown(
    namespace: string,
    name: string,
    strategy: 'Stop' | 'Terminate'
  ): Promise<void> {
    return this.exclusive(`${namespace}/${name}`, async () => {
      const workflow = this.store.get('workflows', namespace, name);
      const status = (workflow.status ??= {}) as WorkflowStatus;
      if (status.phase !== undefined && DONE.has(status.phase)) {
        return;
      }
      workflow.spec.shutdown = strategy;
      const message = `Stopped with strategy '${strategy}'`;
      for (const node of Object.values(status.nodes ?? {})) {
        if (!DONE.has(node.phase ?? '')) {
          this.jobs.get(node.id)?.stop();
          this.jobs.delete(node.id);
          endNode(node, 'Failed', this.clock, message);
        }
      }
      for (const [key, timer] of this.timers) {
        if (key.startsWith(`${namespace}/${name}/`)) {
          timer.cancel();
          this.timers.delete(key);
        }
      }
      this.finish(workflow, status, 'Failed', message);
      this.progress(status);
      await this.store.update('workflows', workflow);
      this.onFinished(workflow);
    });
  }

  /** Retry: the steps that did not succeed run again in the same workflow. */
  async retry(namespace: string, name: string): Promise<StoredObject> {
    await this.exclusive(`${namespace}/${name}`, async () => {
      const workflow = this.store.get('workflows', namespace, name);
      const status = (workflow.status ?? {}) as WorkflowStatus;
      if (status.phase !== 'Failed' && status.phase !== 'Error') {
        throw new TemplateError(
          `workflow must be Failed/Error to retry (it is ${status.phase ?? 'Pending'})`
        );
      }
      const nodes = status.nodes ?? {};
      for (const [id, node] of Object.entries(nodes)) {
        if (node.phase !== 'Succeeded') {
          // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
          delete nodes[id];
        }
      }
      for (const node of Object.values(nodes)) {
        node.children = (node.children ?? []).filter(child => child in nodes);
      }
      delete workflow.spec.shutdown;
      status.phase = 'Running';
      delete status.finishedAt;
      delete status.message;
      const labels = { ...workflow.metadata.labels };
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      delete labels[LABEL_COMPLETED];
      labels[LABEL_PHASE] = 'Running';
      workflow.metadata.labels = labels;
      await this.store.update('workflows', workflow);
    });
    await this.reconcile(namespace, name);
    return this.store.get('workflows', namespace, name);
  }

  /** Resubmit: a new workflow with the same spec and labels. */
  resubmitted(workflow: StoredObject): NewObject {
    const labels = { ...workflow.metadata.labels };
    for (const key of [LABEL_PHASE, LABEL_COMPLETED]) {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      delete labels[key];
    }
    labels[LABEL_RESUBMITTED] = workflow.metadata.name;
    const spec = { ...workflow.spec };
    delete spec.shutdown;
    return {
      apiVersion: workflow.apiVersion,
      kind: 'Workflow',
      metadata: {
        generateName: `${workflow.metadata.name}-`,
        labels,
        annotations: workflow.metadata.annotations
      },
      spec
    };
  }

  /** Stops every running job (service shutdown). */
  stopAll(): void {
    for (const job of this.jobs.values()) {
      job.stop();
    }
    for (const timer of this.timers.values()) {
      timer.cancel();
    }
    this.timers.clear();
  }
}
