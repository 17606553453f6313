/**
 * One pass over a workflow's node graph, as Argo's operator makes it: the
 * entry template's node, a DAG node whose tasks start when their
 * dependencies have succeeded (and are Omitted when one did not), a Retry
 * node with one Pod node per attempt, a Pod node per container step. The
 * pass creates what can start now and completes what has finished; the
 * controller runs it again whenever a step ends.
 */
import type { NodeStatus } from '../argo/client';
import type { StoredObject } from './store';
import {
  durationMs,
  globalScope,
  inputScope,
  intOf,
  substitute,
  substituteDeep,
  TemplateError,
  type Parameter,
  type Template,
  type WorkflowSpec
} from './templates';
import { DONE, nodeId, type Clock, type NodePhase } from './types';

export interface WorkflowStatus {
  phase?: string;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  progress?: string;
  nodes?: Record<string, NodeStatus>;
  storedTemplates?: Record<string, Template>;
  storedWorkflowTemplateSpec?: WorkflowSpec;
}

/** What a pass needs from the controller. */
export interface GraphHost {
  readonly clock: Clock;
  /** A WorkflowTemplate of the namespace, or null. */
  template(namespace: string, name: string): StoredObject | null;
  /** Starts the process of a Pod node (its template fully resolved). */
  startPod(workflow: StoredObject, node: NodeStatus, template: Template): void;
  /** Starts a backoff once under `key`; 'ready' once it is over. */
  backoff(
    workflow: StoredObject,
    key: string,
    waitMs: number
  ): 'waiting' | 'ready';
}

export function timestamp(clock: Clock): string {
  return clock
    .now()
    .toISOString()
    .replace(/\.\d+Z$/, 'Z');
}

/** Ends a node with a phase (and a message), stamping when. */
export function endNode(
  node: NodeStatus,
  phase: NodePhase,
  clock: Clock,
  message?: string
): NodeStatus {
  node.phase = phase;
  node.finishedAt ??= timestamp(clock);
  if (message !== undefined) {
    node.message = message;
  }
  return node;
}

export class NodeGraph {
  private readonly nodes: Record<string, NodeStatus>;

  constructor(
    private readonly host: GraphHost,
    private readonly workflow: StoredObject,
    private readonly spec: WorkflowSpec,
    private readonly status: WorkflowStatus
  ) {
    this.nodes = status.nodes ??= {};
  }

  private id(nodeName: string): string {
    return nodeId(this.workflow.metadata.name, nodeName);
  }

  localTemplate(name: string, where: string): Template {
    const found = (this.spec.templates ?? []).find(t => t.name === name);
    if (found === undefined) {
      throw new TemplateError(`${where}: template "${name}" not found`);
    }
    return found;
  }

  /** A `templateRef`'s template, kept in status.storedTemplates from its first use. */
  private referencedTemplate(
    ref: { name?: string; template?: string; clusterScope?: boolean },
    where: string
  ): Template {
    const key = `namespaced/${ref.name ?? ''}/${ref.template ?? ''}`;
    const stored = (this.status.storedTemplates ??= {});
    const known = stored[key];
    if (known !== undefined) {
      return known;
    }
    if (ref.clusterScope === true) {
      throw new TemplateError(
        `${where}: ClusterWorkflowTemplates are not emulated by the local Argo service`
      );
    }
    const holder = this.host.template(
      this.workflow.metadata.namespace,
      ref.name ?? ''
    );
    if (holder === null) {
      throw new TemplateError(
        `${where}: WorkflowTemplate "${ref.name ?? ''}" not found`
      );
    }
    const template = ((holder.spec as WorkflowSpec).templates ?? []).find(
      t => t.name === ref.template
    );
    if (template === undefined) {
      throw new TemplateError(
        `${where}: template reference ${ref.name ?? ''}.${ref.template ?? ''} not found`
      );
    }
    stored[key] = template;
    return template;
  }

  private create(
    nodeName: string,
    type: string,
    template: Template,
    parent: NodeStatus | null,
    boundaryID: string | null = parent?.id ?? null
  ): NodeStatus {
    const node: NodeStatus = {
      id: this.id(nodeName),
      name: nodeName,
      displayName: nodeName.split('.').pop() ?? nodeName,
      type,
      templateName: template.name,
      phase: 'Pending',
      startedAt: timestamp(this.host.clock),
      ...(boundaryID === null ? {} : { boundaryID })
    };
    this.nodes[node.id] = node;
    if (parent !== null && !(parent.children ?? []).includes(node.id)) {
      parent.children = [...(parent.children ?? []), node.id];
    }
    return node;
  }

  private end(node: NodeStatus, phase: NodePhase, message?: string) {
    return endNode(node, phase, this.host.clock, message);
  }

  /** Walks the node of one template invocation; returns it. */
  walk(
    nodeName: string,
    template: Template,
    passed: Parameter[],
    parent: NodeStatus | null
  ): NodeStatus {
    const existing = this.nodes[this.id(nodeName)];
    if (existing !== undefined && DONE.has(existing.phase ?? '')) {
      return existing;
    }
    const where = `templates.${template.name ?? nodeName}`;
    let scope: Record<string, string>;
    try {
      const globals = globalScope({
        name: this.workflow.metadata.name,
        namespace: this.workflow.metadata.namespace,
        uid: this.workflow.metadata.uid,
        creationTimestamp: this.workflow.metadata.creationTimestamp,
        spec: this.spec
      });
      // The workflow's own arguments may name globals: {{workflow.name}}-load.
      const values =
        parent === null
          ? passed.map(parameter => ({
              ...parameter,
              value:
                parameter.value === undefined
                  ? undefined
                  : substitute(parameter.value, globals, 'spec.arguments')
            }))
          : passed;
      scope = { ...globals, ...inputScope(template, values, where) };
      if (template.dag !== undefined) {
        return this.walkDag(nodeName, template, parent, scope, existing);
      }
      if (template.container !== undefined) {
        return this.walkContainer(nodeName, template, parent, scope, existing);
      }
      throw new TemplateError(
        `${where}: the local Argo service runs container and DAG templates only`
      );
    } catch (error) {
      if (!(error instanceof TemplateError)) {
        throw error;
      }
      const node =
        existing ?? this.create(nodeName, 'Skipped', template, parent);
      return this.end(node, 'Error', error.message);
    }
  }

  private walkDag(
    nodeName: string,
    template: Template,
    parent: NodeStatus | null,
    scope: Record<string, string>,
    existing: NodeStatus | undefined
  ): NodeStatus {
    const node = existing ?? this.create(nodeName, 'DAG', template, parent);
    node.phase = 'Running';
    const tasks = template.dag?.tasks ?? [];
    for (const task of tasks) {
      const taskName = `${nodeName}.${task.name}`;
      const current = this.nodes[this.id(taskName)];
      if (current !== undefined && DONE.has(current.phase ?? '')) {
        continue;
      }
      const dependencies = (task.dependencies ?? []).map(
        dependency => this.nodes[this.id(`${nodeName}.${dependency}`)]
      );
      if (dependencies.some(d => !DONE.has(d?.phase ?? ''))) {
        continue;
      }
      const where = `templates.${template.name ?? ''}.tasks.${task.name}`;
      if (task.depends !== undefined || task.when !== undefined) {
        throw new TemplateError(
          `${where}: "depends" and "when" are not emulated by the local Argo service; use dependencies`
        );
      }
      const target =
        task.templateRef !== undefined
          ? this.referencedTemplate(task.templateRef, where)
          : this.localTemplate(task.template ?? '', where);
      if (dependencies.some(d => d?.phase !== 'Succeeded')) {
        const omitted =
          current ?? this.create(taskName, 'Skipped', target, node);
        this.end(omitted, 'Omitted', 'omitted: depends condition not met');
        continue;
      }
      const args = (task.arguments?.parameters ?? []).map(parameter => ({
        ...parameter,
        value:
          parameter.value === undefined
            ? undefined
            : substitute(parameter.value, scope, where)
      }));
      this.walk(taskName, target, args, node);
    }
    // Complete once every task has finished, in this pass or before.
    const states = tasks.map(
      task => this.nodes[this.id(`${nodeName}.${task.name}`)]
    );
    if (!states.every(state => DONE.has(state?.phase ?? ''))) {
      return node;
    }
    const failed = tasks.filter((_task, i) => {
      const phase = states[i]?.phase;
      return phase !== 'Succeeded' && phase !== 'Omitted';
    });
    return failed.length === 0
      ? this.end(node, 'Succeeded')
      : this.end(node, 'Failed', `child '${failed[0]?.name ?? ''}' failed`);
  }

  private walkContainer(
    nodeName: string,
    template: Template,
    parent: NodeStatus | null,
    scope: Record<string, string>,
    existing: NodeStatus | undefined
  ): NodeStatus {
    const where = `templates.${template.name ?? nodeName}`;
    const resolved = substituteDeep(template, scope, where);
    const strategy = resolved.retryStrategy;
    const limit = intOf(strategy?.limit, 0);
    // The node shows the values its step ran with, as Argo's does.
    resolved.inputs = {
      ...resolved.inputs,
      parameters: (template.inputs?.parameters ?? []).map(parameter => ({
        name: parameter.name,
        value: scope[`inputs.parameters.${parameter.name}`]
      }))
    };
    if (strategy === undefined || !(limit > 0)) {
      return existing ?? this.startPod(nodeName, resolved, parent);
    }
    const node = existing ?? this.create(nodeName, 'Retry', template, parent);
    node.phase = 'Running';
    const attempts = (node.children ?? [])
      .map(id => this.nodes[id])
      .filter((child): child is NodeStatus => child !== undefined);
    const last = attempts.at(-1);
    if (last === undefined) {
      this.startPod(`${nodeName}(0)`, resolved, node);
      return node;
    }
    if (!DONE.has(last.phase ?? '')) {
      return node;
    }
    if (last.phase === 'Succeeded') {
      return this.end(node, 'Succeeded');
    }
    const policy = strategy.retryPolicy ?? 'OnFailure';
    const retriable =
      policy === 'Always' ||
      (policy === 'OnFailure' && last.phase === 'Failed') ||
      ((policy === 'OnError' || policy === 'OnTransientError') &&
        last.phase === 'Error');
    const stopping = typeof this.workflow.spec.shutdown === 'string';
    if (!retriable || attempts.length > limit || stopping) {
      return this.end(
        node,
        last.phase === 'Error' ? 'Error' : 'Failed',
        attempts.length > limit
          ? `No more retries left (${last.message ?? 'failed'})`
          : last.message
      );
    }
    const base = durationMs(strategy.backoff?.duration);
    const factor = Number(strategy.backoff?.factor ?? 1) || 1;
    const wait = base * factor ** (attempts.length - 1);
    const key = `${node.id}#${attempts.length}`;
    if (this.host.backoff(this.workflow, key, wait) === 'ready') {
      delete node.message;
      this.startPod(`${nodeName}(${attempts.length})`, resolved, node);
    } else {
      node.message = `Backoff for ${Math.round(wait / 1000)} seconds`;
    }
    return node;
  }

  private startPod(
    nodeName: string,
    template: Template,
    parent: NodeStatus | null
  ): NodeStatus {
    const node = this.create(
      nodeName,
      'Pod',
      template,
      parent,
      parent?.type === 'Retry'
        ? (parent.boundaryID ?? null)
        : (parent?.id ?? null)
    );
    node.inputs = template.inputs;
    node.phase = 'Running';
    this.host.startPod(this.workflow, node, template);
    return node;
  }
}
