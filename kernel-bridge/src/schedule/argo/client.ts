/**
 * The Argo Server REST client, typed from Argo's own OpenAPI (`swagger.gen.ts`
 * is generated from the pinned module's swagger.json by `make argo-tools`).
 * The bearer token is held as a `Secret` and sent only in the Authorization
 * header; no error message, log line or response carries it.
 */
import { ArcadeError, type ErrorCode } from 'arcade-engine';
import type { Secret } from '../../secret';
import type { definitions, operations } from './swagger.gen';

type D = definitions;
export type Workflow = D['io.argoproj.workflow.v1alpha1.Workflow'];
export type WorkflowTemplate =
  D['io.argoproj.workflow.v1alpha1.WorkflowTemplate'];
export type CronWorkflow = D['io.argoproj.workflow.v1alpha1.CronWorkflow'];
export type NodeStatus = D['io.argoproj.workflow.v1alpha1.NodeStatus'];
export type WorkflowList = D['io.argoproj.workflow.v1alpha1.WorkflowList'];
export type LogEntry = D['io.argoproj.workflow.v1alpha1.LogEntry'];
export type ArgoErrorBody = D['grpc.gateway.runtime.Error'];

type Operation = keyof operations;
type BodyOf<O extends Operation> = operations[O] extends {
  parameters: { body: { body: infer B } };
}
  ? B
  : undefined;
type ResultOf<O extends Operation> = operations[O] extends {
  responses: { 200: { schema: infer R } };
}
  ? R
  : never;

/** How Argo's refusal is classified; the message is Argo's own. */
export type ArgoErrorKind =
  | 'unauthorised'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'invalid'
  | 'server'
  | 'unreachable';

const KIND_CODE: Record<ArgoErrorKind, ErrorCode> = {
  unauthorised: 'upstream',
  forbidden: 'upstream',
  'not-found': 'not_found',
  conflict: 'conflict',
  invalid: 'bad_request',
  server: 'upstream',
  unreachable: 'upstream'
};

const KIND_HINT: Record<ArgoErrorKind, string> = {
  unauthorised:
    'the Argo token was refused: check ARCADE_ARGO_TOKEN, its secret or the service-account token',
  forbidden:
    "the Argo token may not do this in the namespace: check the service account's role",
  'not-found': 'check the name and the namespace (ARCADE_ARGO_NAMESPACE)',
  conflict: 'it exists already or changed meanwhile: reload and try again',
  invalid:
    'correct the manifest as Argo says (arcade schedule lint shows where)',
  server: 'the Argo Server failed; try again, and see its logs if it persists',
  unreachable:
    'check ARCADE_ARGO_URL and that the Argo Server (or arcade dev up) is running'
};

export class ArgoError extends ArcadeError {
  readonly kind: ArgoErrorKind;
  readonly status: number;

  constructor(kind: ArgoErrorKind, status: number, message: string) {
    super(KIND_CODE[kind], message, { hint: KIND_HINT[kind] });
    this.kind = kind;
    this.status = status;
  }
}

/** HTTP status (and gRPC code, which grpc-gateway also sends) → kind. */
export function classify(status: number, grpcCode?: number): ArgoErrorKind {
  if (status === 401 || grpcCode === 16) {
    return 'unauthorised';
  }
  if (status === 403 || grpcCode === 7) {
    return 'forbidden';
  }
  if (status === 404 || grpcCode === 5) {
    return 'not-found';
  }
  if (status === 409 || grpcCode === 6 || grpcCode === 10) {
    return 'conflict';
  }
  if (status === 400 || status === 422 || grpcCode === 3) {
    return 'invalid';
  }
  return 'server';
}

export interface ArgoClientOptions {
  /** e.g. `https://argo.example:2746` or the local service's URL. */
  baseUrl: string;
  namespace: string;
  /** Read when a request is made (a Secrets Manager secret, a token file). */
  token: () => Promise<Secret | null>;
  timeoutMs?: number;
}

/** What `SubmitWorkflow` takes from a WorkflowTemplate or CronWorkflow. */
export interface SubmitOptions {
  generateName?: string;
  labels?: Record<string, string>;
  parameters?: Record<string, string>;
  annotations?: Record<string, string>;
}

function labelList(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

export class ArgoClient {
  readonly namespace: string;
  private readonly baseUrl: string;
  private readonly token: () => Promise<Secret | null>;
  private readonly timeoutMs: number;

  constructor(options: ArgoClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.namespace = options.namespace;
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  private path(template: string, name?: string): string {
    const ns = encodeURIComponent(this.namespace);
    return `${template.replace('{namespace}', ns)}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
  }

  private async send(
    method: string,
    path: string,
    options: {
      body?: unknown;
      query?: Record<string, string | undefined>;
      signal?: AbortSignal;
      stream?: boolean;
    } = {}
  ): Promise<Response> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(key, value);
      }
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = await this.token();
    if (token !== null) {
      headers.authorization = `Bearer ${token.reveal()}`;
    }
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const timeout =
      options.stream === true ? null : AbortSignal.timeout(this.timeoutMs);
    const signals = [options.signal, timeout].filter(
      (s): s is AbortSignal => s !== undefined && s !== null
    );
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body:
          options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: signals.length === 0 ? undefined : AbortSignal.any(signals)
      });
    } catch (error) {
      if (options.signal?.aborted === true) {
        throw new ArcadeError('cancelled', 'cancelled');
      }
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${Math.round(this.timeoutMs / 1000)} s`
          : 'connection failed';
      throw new ArgoError(
        'unreachable',
        0,
        `the Argo Server at ${url.origin} is unreachable (${reason})`
      );
    }
    if (!response.ok) {
      let body: ArgoErrorBody = {};
      try {
        body = (await response.json()) as ArgoErrorBody;
      } catch {
        // Not grpc-gateway's JSON: keep the status alone.
      }
      const kind = classify(response.status, body.code);
      const said = body.message ?? body.error ?? response.statusText;
      throw new ArgoError(
        kind,
        response.status,
        `Argo answered ${response.status} to ${method} ${path}: ${said}`
      );
    }
    return response;
  }

  private async call<O extends Operation>(
    _operation: O,
    method: string,
    path: string,
    options: {
      body?: BodyOf<O>;
      query?: Record<string, string | undefined>;
    } = {}
  ): Promise<ResultOf<O>> {
    const response = await this.send(method, path, options);
    return (await response.json()) as ResultOf<O>;
  }

  // ---------------------------------------------------------- templates

  listWorkflowTemplates(labelSelector?: string) {
    return this.call(
      'WorkflowTemplateService_ListWorkflowTemplates',
      'GET',
      this.path('/api/v1/workflow-templates/{namespace}'),
      { query: { 'listOptions.labelSelector': labelSelector } }
    );
  }

  getWorkflowTemplate(name: string) {
    return this.call(
      'WorkflowTemplateService_GetWorkflowTemplate',
      'GET',
      this.path('/api/v1/workflow-templates/{namespace}', name)
    );
  }

  createWorkflowTemplate(template: WorkflowTemplate) {
    return this.call(
      'WorkflowTemplateService_CreateWorkflowTemplate',
      'POST',
      this.path('/api/v1/workflow-templates/{namespace}'),
      { body: { namespace: this.namespace, template } }
    );
  }

  updateWorkflowTemplate(template: WorkflowTemplate) {
    const name = template.metadata.name ?? '';
    return this.call(
      'WorkflowTemplateService_UpdateWorkflowTemplate',
      'PUT',
      this.path('/api/v1/workflow-templates/{namespace}', name),
      { body: { name, namespace: this.namespace, template } }
    );
  }

  deleteWorkflowTemplate(name: string) {
    return this.call(
      'WorkflowTemplateService_DeleteWorkflowTemplate',
      'DELETE',
      this.path('/api/v1/workflow-templates/{namespace}', name)
    );
  }

  // ---------------------------------------------------------- cron workflows

  listCronWorkflows(labelSelector?: string) {
    return this.call(
      'CronWorkflowService_ListCronWorkflows',
      'GET',
      this.path('/api/v1/cron-workflows/{namespace}'),
      { query: { 'listOptions.labelSelector': labelSelector } }
    );
  }

  getCronWorkflow(name: string) {
    return this.call(
      'CronWorkflowService_GetCronWorkflow',
      'GET',
      this.path('/api/v1/cron-workflows/{namespace}', name)
    );
  }

  createCronWorkflow(cronWorkflow: CronWorkflow) {
    return this.call(
      'CronWorkflowService_CreateCronWorkflow',
      'POST',
      this.path('/api/v1/cron-workflows/{namespace}'),
      { body: { namespace: this.namespace, cronWorkflow } }
    );
  }

  updateCronWorkflow(cronWorkflow: CronWorkflow) {
    const name = cronWorkflow.metadata.name ?? '';
    return this.call(
      'CronWorkflowService_UpdateCronWorkflow',
      'PUT',
      this.path('/api/v1/cron-workflows/{namespace}', name),
      { body: { name, namespace: this.namespace, cronWorkflow } }
    );
  }

  deleteCronWorkflow(name: string) {
    return this.call(
      'CronWorkflowService_DeleteCronWorkflow',
      'DELETE',
      this.path('/api/v1/cron-workflows/{namespace}', name)
    );
  }

  suspendCronWorkflow(name: string) {
    return this.call(
      'CronWorkflowService_SuspendCronWorkflow',
      'PUT',
      `${this.path('/api/v1/cron-workflows/{namespace}', name)}/suspend`,
      { body: { name, namespace: this.namespace } }
    );
  }

  resumeCronWorkflow(name: string) {
    return this.call(
      'CronWorkflowService_ResumeCronWorkflow',
      'PUT',
      `${this.path('/api/v1/cron-workflows/{namespace}', name)}/resume`,
      { body: { name, namespace: this.namespace } }
    );
  }

  // ---------------------------------------------------------- workflows

  createWorkflow(workflow: Workflow) {
    return this.call(
      'WorkflowService_CreateWorkflow',
      'POST',
      this.path('/api/v1/workflows/{namespace}'),
      { body: { namespace: this.namespace, workflow } }
    );
  }

  /** A run of a WorkflowTemplate or CronWorkflow ("Run now"). */
  submit(
    resourceKind: 'WorkflowTemplate' | 'CronWorkflow',
    resourceName: string,
    options: SubmitOptions = {}
  ) {
    return this.call(
      'WorkflowService_SubmitWorkflow',
      'POST',
      `${this.path('/api/v1/workflows/{namespace}')}/submit`,
      {
        body: {
          namespace: this.namespace,
          resourceKind,
          resourceName,
          submitOptions: {
            generateName: options.generateName,
            labels:
              options.labels === undefined
                ? undefined
                : labelList(options.labels),
            annotations:
              options.annotations === undefined
                ? undefined
                : labelList(options.annotations),
            parameters:
              options.parameters === undefined
                ? undefined
                : Object.entries(options.parameters).map(
                    ([key, value]) => `${key}=${value}`
                  )
          }
        }
      }
    );
  }

  /** Workflows whose labels match all of `labels`, newest first. */
  async listWorkflows(
    labels: Record<string, string> = {},
    options: { limit?: number; continueToken?: string } = {}
  ) {
    const list = await this.call(
      'WorkflowService_ListWorkflows',
      'GET',
      this.path('/api/v1/workflows/{namespace}'),
      {
        query: {
          'listOptions.labelSelector':
            Object.keys(labels).length === 0 ? undefined : labelList(labels),
          'listOptions.limit':
            options.limit === undefined ? undefined : String(options.limit),
          'listOptions.continue': options.continueToken
        }
      }
    );
    return list;
  }

  getWorkflow(name: string) {
    return this.call(
      'WorkflowService_GetWorkflow',
      'GET',
      this.path('/api/v1/workflows/{namespace}', name)
    );
  }

  deleteWorkflow(name: string) {
    return this.call(
      'WorkflowService_DeleteWorkflow',
      'DELETE',
      this.path('/api/v1/workflows/{namespace}', name)
    );
  }

  private action<
    O extends
      | 'WorkflowService_StopWorkflow'
      | 'WorkflowService_TerminateWorkflow'
      | 'WorkflowService_RetryWorkflow'
      | 'WorkflowService_ResubmitWorkflow'
  >(operation: O, verb: string, name: string, body: BodyOf<O>) {
    return this.call(
      operation,
      'PUT',
      `${this.path('/api/v1/workflows/{namespace}', name)}/${verb}`,
      { body }
    );
  }

  /** Stop: running steps end, exit handlers still run. */
  stop(name: string, message?: string) {
    return this.action('WorkflowService_StopWorkflow', 'stop', name, {
      name,
      namespace: this.namespace,
      message
    });
  }

  /** Terminate: everything ends now, exit handlers do not run. */
  terminate(name: string) {
    return this.action('WorkflowService_TerminateWorkflow', 'terminate', name, {
      name,
      namespace: this.namespace
    });
  }

  /** Retry: the failed steps run again in the same workflow. */
  retry(name: string) {
    return this.action('WorkflowService_RetryWorkflow', 'retry', name, {
      name,
      namespace: this.namespace
    });
  }

  /** Resubmit: a new workflow with the same spec. */
  resubmit(name: string) {
    return this.action('WorkflowService_ResubmitWorkflow', 'resubmit', name, {
      name,
      namespace: this.namespace
    });
  }

  /**
   * Log lines of a workflow (or one node's pod), as grpc-gateway streams
   * them: one JSON object per line, `{"result": {"content", "podName"}}`.
   * With `follow`, resolves when the workflow ends or `signal` aborts.
   */
  async logs(
    name: string,
    options: {
      podName?: string;
      follow?: boolean;
      signal?: AbortSignal;
      onEntry: (entry: LogEntry) => void;
    }
  ): Promise<void> {
    const response = await this.send(
      'GET',
      `${this.path('/api/v1/workflows/{namespace}', name)}/log`,
      {
        query: {
          podName: options.podName,
          'logOptions.container': 'main',
          'logOptions.follow': options.follow === true ? 'true' : undefined
        },
        signal: options.signal,
        stream: true
      }
    );
    if (response.body === null) {
      return;
    }
    const decoder = new TextDecoder();
    let pending = '';
    const take = (line: string): void => {
      if (line.trim() === '') {
        return;
      }
      const parsed = JSON.parse(line) as {
        result?: LogEntry;
        error?: { message?: string; http_code?: number; grpc_code?: number };
      };
      if (parsed.error !== undefined) {
        throw new ArgoError(
          classify(parsed.error.http_code ?? 500, parsed.error.grpc_code),
          parsed.error.http_code ?? 500,
          `Argo's log stream failed: ${parsed.error.message ?? 'unknown error'}`
        );
      }
      if (parsed.result !== undefined) {
        options.onEntry(parsed.result);
      }
    };
    try {
      for await (const chunk of response.body) {
        pending += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline = pending.indexOf('\n');
        while (newline >= 0) {
          take(pending.slice(0, newline));
          pending = pending.slice(newline + 1);
          newline = pending.indexOf('\n');
        }
      }
      take(pending);
    } catch (error) {
      if (options.signal?.aborted === true) {
        return;
      }
      throw error;
    }
  }
}
