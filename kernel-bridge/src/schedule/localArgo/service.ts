/**
 * Starts the local Argo service: loads the persisted objects, ends the runs a
 * previous process left unfinished, fires CronWorkflows every second and
 * answers the Argo Server API on 127.0.0.1 behind a bearer token.
 */
import path from 'node:path';
import { stringify } from 'yaml';
import type { FastifyInstance } from 'fastify';
import type { Secret } from '../../secret';
import { runArgoValidate, type ArgoFinding } from '../lint/argoValidate';
import { WorkflowController } from './controller';
import { CronController } from './cronController';
import { buildLocalArgo } from './server';
import { ObjectStore, type NewObject, type StoredObject } from './store';
import { realClock, type Clock, type JobRunner } from './types';

export interface LocalArgoOptions {
  /** Objects go under `<dir>/objects`, step logs under `<dir>/logs`. */
  dir: string;
  token: Secret;
  runner: JobRunner;
  /** argo-validate (make argo-tools); every object is validated with it. */
  validator: string;
  clock?: Clock;
  /** How often CronWorkflows are looked at; 0 leaves it to `cron.tick`. */
  tickMs?: number;
  /** Where unexpected errors of the background work go. */
  report?: (error: unknown) => void;
}

export interface LocalArgo {
  app: FastifyInstance;
  store: ObjectStore;
  controller: WorkflowController;
  cron: CronController;
  /** Runs ended as Error at start because a previous process left them running. */
  recovered: number;
  listen(port: number): Promise<string>;
  close(): Promise<void>;
}

/** Argo's own validation of one object, beside the namespace's templates. */
export function argoValidation(
  validator: string
): (object: NewObject, templates: StoredObject[]) => Promise<ArgoFinding[]> {
  return async (object, templates) => {
    const own = { file: 'object.yaml', text: stringify(object) };
    const findings = await runArgoValidate(validator, [
      own,
      ...templates.map((template, i) => ({
        file: `template-${i}.yaml`,
        text: stringify(template)
      }))
    ]);
    return findings.filter(finding => finding.file === own.file);
  };
}

export async function createLocalArgo(
  options: LocalArgoOptions
): Promise<LocalArgo> {
  const clock = options.clock ?? realClock;
  const store = new ObjectStore(path.join(options.dir, 'objects'), () =>
    clock.now()
  );
  await store.load();
  const validate = argoValidation(options.validator);
  let cron: CronController | null = null;
  const controller = new WorkflowController(
    store,
    options.runner,
    path.join(options.dir, 'logs'),
    clock,
    workflow => {
      void cron?.workflowFinished(workflow);
    }
  );
  const recovered = await controller.recover(store.namespaces());
  /** Callers validate first (the API with Argo's code, cron from a stored spec). */
  const createWorkflow = async (namespace: string, object: NewObject) => {
    const created = await store.create('workflows', namespace, object);
    void controller.start(created);
    return created;
  };
  cron = new CronController(
    store,
    {
      createWorkflow,
      terminate: (namespace, name) =>
        controller.shutdown(namespace, name, 'Terminate'),
      deleteWorkflow: (namespace, name) =>
        store.delete('workflows', namespace, name)
    },
    clock
  );
  const app = buildLocalArgo({
    store,
    controller,
    token: options.token,
    validate,
    createWorkflow
  });
  let timer: ReturnType<typeof setInterval> | null = null;
  const tickMs = options.tickMs ?? 1000;
  const cronController = cron;
  return {
    app,
    store,
    controller,
    cron: cronController,
    recovered,
    async listen(port: number): Promise<string> {
      const address = await app.listen({ host: '127.0.0.1', port });
      if (tickMs > 0) {
        let busy = false;
        timer = setInterval(() => {
          if (busy) {
            return;
          }
          busy = true;
          void cronController.tick(store.namespaces()).finally(() => {
            busy = false;
          });
        }, tickMs);
      }
      return address;
    },
    async close(): Promise<void> {
      if (timer !== null) {
        clearInterval(timer);
      }
      controller.stopAll();
      await app.close();
    }
  };
}
