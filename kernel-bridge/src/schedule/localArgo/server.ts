/**
 * The local Argo service: the subset of the Argo Server REST API that Arcade
 * uses — same paths, same JSON shapes, grpc-gateway's error body
 * `{code, message}` — over objects persisted under the state folder. It is an
 * emulator of the Argo Server API for one machine, not Argo: no Kubernetes,
 * no pods; Arcade's Arc job template runs as a local Arc batch job.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest
} from 'fastify';
import { isRecord } from 'arcade-engine';
import type { Secret } from '../../secret';
import type { ArgoFinding } from '../lint/argoValidate';
import type { WorkflowController } from './controller';
import { LABEL_COMPLETED } from './types';
import {
  StoreError,
  type ObjectStore,
  type NewObject,
  type Resource,
  type StoredObject
} from './store';
import { TemplateError } from './templates';

export const WORKFLOW_TEMPLATE_LABEL =
  'workflows.argoproj.io/workflow-template';
export const CRON_LABEL = 'workflows.argoproj.io/cron-workflow';

export interface LocalArgoOptions {
  store: ObjectStore;
  controller: WorkflowController;
  token: Secret;
  /** Argo's own validation of an object, with the namespace's templates beside it. */
  validate: (
    object: NewObject,
    templates: StoredObject[]
  ) => Promise<ArgoFinding[]>;
  /** Creates a (validated) workflow and starts it. */
  createWorkflow: (
    namespace: string,
    object: NewObject
  ) => Promise<StoredObject>;
}

/** grpc-gateway's error answer. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly grpcCode: number,
    message: string
  ) {
    super(message);
  }
}

function apiError(error: unknown): ApiError {
  if (error instanceof ApiError) {
    return error;
  }
  if (error instanceof StoreError) {
    switch (error.reason) {
      case 'not-found':
        return new ApiError(404, 5, error.message);
      case 'exists':
        return new ApiError(409, 6, error.message);
      case 'conflict':
        return new ApiError(409, 10, error.message);
      case 'invalid':
        return new ApiError(400, 3, error.message);
    }
  }
  if (error instanceof TemplateError) {
    return new ApiError(400, 3, error.message);
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new ApiError(status, 3, (error as Error).message);
  }
  return new ApiError(500, 13, 'internal error of the local Argo service');
}

function labelsOf(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    const at = part.indexOf('=');
    if (at > 0) {
      labels[part.slice(0, at).trim()] = part.slice(at + 1).trim();
    }
  }
  return labels;
}

type Params = { namespace: string; name: string };
type Query = Record<string, string | undefined>;

function objectBody(body: unknown, field: string): StoredObject {
  const value = isRecord(body) ? body[field] : undefined;
  if (!isRecord(value) || !isRecord(value.metadata) || !isRecord(value.spec)) {
    throw new ApiError(
      400,
      3,
      `the request needs "${field}" with metadata and spec`
    );
  }
  return value as unknown as StoredObject;
}

function list(items: StoredObject[], resourceVersion: string) {
  return { metadata: { resourceVersion, continue: '' }, items };
}

/** A route's answer as the promise fastify awaits (a throw before it is an error answer). */
function answer<T>(value: T): Promise<T> {
  return Promise.resolve(value);
}

export function buildLocalArgo(options: LocalArgoOptions): FastifyInstance {
  const { store, controller, token } = options;
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  let version = 0;
  const currentVersion = () => String((version += 1));

  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token.equals(given)) {
      await reply.code(401).send({ code: 16, message: 'token not valid' });
    }
  });

  app.setErrorHandler((error, _request, reply) => {
    const api = apiError(error);
    void reply
      .code(api.status)
      .send({ code: api.grpcCode, message: api.message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      code: 5,
      message: `${request.method} ${request.url.split('?')[0] ?? ''} is not part of the local Argo service (an emulator of the Argo Server API subset Arcade uses)`
    });
  });

  async function validated(
    object: NewObject,
    namespace: string
  ): Promise<void> {
    object.metadata.namespace = namespace;
    const templates = store
      .list('workflowtemplates', namespace)
      .filter(
        t =>
          !(
            object.kind === 'WorkflowTemplate' &&
            t.metadata.name === object.metadata.name
          )
      );
    const findings = await options.validate(object, templates);
    const own = findings.find(f => f.kind === object.kind || f.kind === '');
    if (own !== undefined) {
      throw new ApiError(400, 3, own.message);
    }
  }

  /** create / get / update / delete / list of one resource. */
  function crud(resource: Resource, base: string, field: string, kind: string) {
    app.get<{ Params: Params; Querystring: Query }>(
      `${base}/:namespace`,
      request =>
        answer(
          list(
            store.list(
              resource,
              request.params.namespace,
              request.query['listOptions.labelSelector']
            ),
            currentVersion()
          )
        )
    );
    app.post<{ Params: Params }>(`${base}/:namespace`, async request => {
      const object = objectBody(request.body, field);
      object.kind = kind;
      object.apiVersion = 'argoproj.io/v1alpha1';
      await validated(object, request.params.namespace);
      return store.create(resource, request.params.namespace, object);
    });
    app.get<{ Params: Params }>(`${base}/:namespace/:name`, request =>
      answer(store.get(resource, request.params.namespace, request.params.name))
    );
    app.put<{ Params: Params }>(`${base}/:namespace/:name`, async request => {
      const object = objectBody(request.body, field);
      const current = store.get(
        resource,
        request.params.namespace,
        request.params.name
      );
      object.kind = kind;
      object.apiVersion = 'argoproj.io/v1alpha1';
      object.metadata = {
        ...current.metadata,
        ...object.metadata,
        name: current.metadata.name
      };
      await validated(object, request.params.namespace);
      return store.update(
        resource,
        { ...object, status: current.status },
        object.metadata.resourceVersion
      );
    });
    app.delete<{ Params: Params }>(
      `${base}/:namespace/:name`,
      async request => {
        await store.delete(
          resource,
          request.params.namespace,
          request.params.name
        );
        return {};
      }
    );
  }

  crud(
    'workflowtemplates',
    '/api/v1/workflow-templates',
    'template',
    'WorkflowTemplate'
  );
  crud(
    'cronworkflows',
    '/api/v1/cron-workflows',
    'cronWorkflow',
    'CronWorkflow'
  );

  for (const [verb, suspend] of [
    ['suspend', true],
    ['resume', false]
  ] as const) {
    app.put<{ Params: Params }>(
      `/api/v1/cron-workflows/:namespace/:name/${verb}`,
      async request => {
        const current = store.get(
          'cronworkflows',
          request.params.namespace,
          request.params.name
        );
        return store.update('cronworkflows', {
          ...current,
          spec: { ...current.spec, suspend }
        });
      }
    );
  }

  const createWorkflow = async (namespace: string, object: NewObject) => {
    object.kind = 'Workflow';
    object.apiVersion = 'argoproj.io/v1alpha1';
    delete object.status;
    await validated(object, namespace);
    return options.createWorkflow(namespace, object);
  };

  app.get<{ Params: Params; Querystring: Query }>(
    '/api/v1/workflows/:namespace',
    request => {
      const items = store
        .list(
          'workflows',
          request.params.namespace,
          request.query['listOptions.labelSelector']
        )
        .sort(
          (a, b) =>
            b.metadata.creationTimestamp.localeCompare(
              a.metadata.creationTimestamp
            ) || b.metadata.name.localeCompare(a.metadata.name)
        );
      const limit = Number(request.query['listOptions.limit'] ?? '0');
      return answer(
        list(limit > 0 ? items.slice(0, limit) : items, currentVersion())
      );
    }
  );
  app.post<{ Params: Params }>('/api/v1/workflows/:namespace', async request =>
    createWorkflow(
      request.params.namespace,
      objectBody(request.body, 'workflow')
    )
  );
  app.post<{ Params: { namespace: string } }>(
    '/api/v1/workflows/:namespace/submit',
    async request => {
      const body = isRecord(request.body) ? request.body : {};
      const kind =
        typeof body.resourceKind === 'string' ? body.resourceKind : '';
      const name =
        typeof body.resourceName === 'string' ? body.resourceName : '';
      const submit = isRecord(body.submitOptions) ? body.submitOptions : {};
      const namespace = request.params.namespace;
      const parameters = (
        Array.isArray(submit.parameters) ? submit.parameters : []
      )
        .map(String)
        .map(pair => {
          const at = pair.indexOf('=');
          return at < 0
            ? { name: pair, value: '' }
            : { name: pair.slice(0, at), value: pair.slice(at + 1) };
        });
      const labels = labelsOf(
        typeof submit.labels === 'string' ? submit.labels : undefined
      );
      const annotations = labelsOf(
        typeof submit.annotations === 'string' ? submit.annotations : undefined
      );
      let object: NewObject;
      if (kind.toLowerCase() === 'workflowtemplate') {
        store.get('workflowtemplates', namespace, name);
        object = {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Workflow',
          metadata: {
            generateName:
              typeof submit.generateName === 'string'
                ? submit.generateName
                : `${name}-`,
            labels: { ...labels, [WORKFLOW_TEMPLATE_LABEL]: name },
            annotations
          },
          spec: { workflowTemplateRef: { name }, arguments: { parameters } }
        };
      } else if (kind.toLowerCase() === 'cronworkflow') {
        const source = store.get('cronworkflows', namespace, name);
        const spec = source.spec as {
          workflowSpec?: Record<string, unknown>;
          workflowMetadata?: {
            labels?: Record<string, string>;
            annotations?: Record<string, string>;
          };
        };
        object = {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Workflow',
          metadata: {
            generateName:
              typeof submit.generateName === 'string'
                ? submit.generateName
                : `${name}-`,
            labels: {
              ...spec.workflowMetadata?.labels,
              ...labels,
              [CRON_LABEL]: name
            },
            annotations: {
              ...spec.workflowMetadata?.annotations,
              ...annotations
            }
          },
          spec: structuredClone(spec.workflowSpec ?? {})
        };
      } else {
        throw new ApiError(
          400,
          3,
          `resourceKind "${kind}" is not WorkflowTemplate or CronWorkflow`
        );
      }
      return createWorkflow(namespace, object);
    }
  );
  app.get<{ Params: Params }>('/api/v1/workflows/:namespace/:name', request =>
    answer(
      store.get('workflows', request.params.namespace, request.params.name)
    )
  );
  app.delete<{ Params: Params }>(
    '/api/v1/workflows/:namespace/:name',
    async request => {
      const { namespace, name } = request.params;
      const workflow = store.get('workflows', namespace, name);
      if (workflow.metadata.labels?.[LABEL_COMPLETED] !== 'true') {
        await controller.shutdown(namespace, name, 'Terminate');
      }
      await store.delete('workflows', namespace, name);
      return {};
    }
  );
  for (const strategy of ['Stop', 'Terminate'] as const) {
    app.put<{ Params: Params }>(
      `/api/v1/workflows/:namespace/:name/${strategy.toLowerCase()}`,
      async request => {
        await controller.shutdown(
          request.params.namespace,
          request.params.name,
          strategy
        );
        return store.get(
          'workflows',
          request.params.namespace,
          request.params.name
        );
      }
    );
  }
  app.put<{ Params: Params }>(
    '/api/v1/workflows/:namespace/:name/retry',
    async request =>
      controller.retry(request.params.namespace, request.params.name)
  );
  app.put<{ Params: Params }>(
    '/api/v1/workflows/:namespace/:name/resubmit',
    async request => {
      const { namespace, name } = request.params;
      const source = store.get('workflows', namespace, name);
      return createWorkflow(namespace, controller.resubmitted(source));
    }
  );
  app.get<{ Params: Params; Querystring: Query }>(
    '/api/v1/workflows/:namespace/:name/log',
    (request, reply) => streamLogs(request, reply)
  );

  /** grpc-gateway's streaming answer: one `{"result": {content, podName}}` per line. */
  async function streamLogs(
    request: FastifyRequest<{ Params: Params; Querystring: Query }>,
    reply: FastifyReply
  ): Promise<void> {
    const { namespace, name } = request.params;
    store.get('workflows', namespace, name);
    const only = request.query.podName;
    const follow = request.query['logOptions.follow'] === 'true';
    const offsets = new Map<string, number>();
    const pending = new Map<string, string>();
    reply.raw.writeHead(200, { 'content-type': 'application/json' });
    const connection = { closed: false };
    request.raw.on('close', () => {
      connection.closed = true;
    });
    const drain = async (): Promise<void> => {
      const workflow = store.find('workflows', namespace, name);
      const nodes = Object.values(
        (
          (workflow?.status ?? {}) as {
            nodes?: Record<string, { id: string; type: string }>;
          }
        ).nodes ?? {}
      ).filter(
        node => node.type === 'Pod' && (only === undefined || only === node.id)
      );
      for (const node of nodes) {
        const file = controller.logFile(namespace, name, node.id);
        if (!existsSync(file)) {
          continue;
        }
        const start = offsets.get(node.id) ?? 0;
        const size = statSync(file).size;
        if (size <= start) {
          continue;
        }
        const text = await new Promise<string>((resolve, reject) => {
          const chunks: Buffer[] = [];
          createReadStream(file, { start, end: size - 1 })
            .on('data', chunk => chunks.push(chunk as Buffer))
            .on('end', () => {
              resolve(Buffer.concat(chunks).toString('utf8'));
            })
            .on('error', reject);
        });
        offsets.set(node.id, size);
        const lines = ((pending.get(node.id) ?? '') + text).split('\n');
        pending.set(node.id, lines.pop() ?? '');
        for (const line of lines) {
          reply.raw.write(
            `${JSON.stringify({ result: { content: line, podName: node.id } })}\n`
          );
        }
      }
    };
    await drain();
    while (follow && !connection.closed) {
      const workflow = store.find('workflows', namespace, name);
      const finished =
        workflow === null ||
        workflow.metadata.labels?.[LABEL_COMPLETED] === 'true';
      await new Promise(resolve => setTimeout(resolve, 200));
      await drain();
      if (finished) {
        break;
      }
    }
    for (const [podName, rest] of pending) {
      if (rest !== '') {
        reply.raw.write(
          `${JSON.stringify({ result: { content: rest, podName } })}\n`
        );
      }
    }
    reply.raw.end();
  }

  return app;
}
