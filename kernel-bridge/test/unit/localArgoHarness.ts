/**
 * The local Argo service started in-process for tests: the real HTTP API,
 * store and controllers, Argo's own validator (make argo-tools), a clock the
 * test moves, and a job runner the test steers (the real Arc runner is
 * covered by the integration tests).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import type { ScheduleTarget } from 'arcade-engine';
import { findRepoRoot } from '../../src/repoRoot';
import { Secret } from '../../src/secret';
import { ArgoClient } from '../../src/schedule/argo/client';
import { argoTools } from '../../src/schedule/argoTools';
import { closeObjects } from '../../src/schedule/lint/schema';
import {
  createLocalArgo,
  type LocalArgo
} from '../../src/schedule/localArgo/service';
import type {
  Clock,
  JobHandle,
  JobResult,
  JobSpec
} from '../../src/schedule/localArgo/types';

export const tools = argoTools(process.env, findRepoRoot(__dirname));
export const TOKEN = 'local-argo-test-token-7f3a9c';
export const COMMIT = '3f9a0c1d2e4b5a6978877665544332211000fedc';

export const target: ScheduleTarget = {
  namespace: 'etl',
  project: 'sales',
  commit: COMMIT,
  versionUri: `s3a://arcade-artifacts/arcade/sales/versions/${COMMIT}/`,
  image: 'registry.example/arcade-arc:0.1.0',
  serviceAccount: 'arcade-job',
  templateName: 'arcade-arc-job'
};

/** A clock that moves only when the test says so. */
export class TestClock implements Clock {
  private current: number;
  private timers: Array<{ at: number; callback: () => void; live: boolean }> =
    [];

  constructor(start: string) {
    this.current = Date.parse(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimeout(callback: () => void, ms: number) {
    const timer = { at: this.current + ms, callback, live: true };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.live = false;
      }
    };
  }

  /** Moves time forward, firing what falls due. */
  advance(ms: number): void {
    this.current += ms;
    const due = this.timers.filter(t => t.live && t.at <= this.current);
    this.timers = this.timers.filter(t => !due.includes(t));
    for (const timer of due) {
      timer.callback();
    }
  }

  set(time: string): void {
    this.current = Date.parse(time);
  }
}

/** A job the test ends: `finish(code)`, or `stop()` from the controller. */
export class FakeJob implements JobHandle {
  readonly done: Promise<JobResult>;
  stopped = false;
  private resolve: (result: JobResult) => void = () => undefined;

  constructor(readonly spec: JobSpec) {
    this.done = new Promise(resolve => {
      this.resolve = resolve;
    });
  }

  /** Appends lines to the step's log, as the JVM would. */
  async log(...lines: string[]): Promise<void> {
    await mkdir(path.dirname(this.spec.logFile), { recursive: true });
    await appendFile(this.spec.logFile, lines.map(l => `${l}\n`).join(''));
  }

  finish(exitCode: number): void {
    this.resolve({ exitCode });
  }

  stop(): void {
    this.stopped = true;
    this.resolve({ exitCode: 143, message: 'stopped' });
  }

  /** The value of an `--etl.config.*` or other `--name=` argument. */
  arg(name: string): string | undefined {
    const prefix = `--${name}=`;
    return this.spec.template.container?.args
      ?.find(a => a.startsWith(prefix))
      ?.slice(prefix.length);
  }
}

export interface Exchange {
  method: string;
  route: string;
  status: number;
  request: unknown;
  response: string;
}

export interface Harness {
  argo: LocalArgo;
  client: ArgoClient;
  url: string;
  dir: string;
  jobs: FakeJob[];
  exchanges: Exchange[];
  clock: TestClock;
  close(): Promise<void>;
}

export async function startHarness(
  options: { dir?: string; clock?: TestClock; token?: string } = {}
): Promise<Harness> {
  const dir =
    options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'arcade-argo-'));
  const clock = options.clock ?? new TestClock('2027-01-15T00:00:00Z');
  const jobs: FakeJob[] = [];
  const argo = await createLocalArgo({
    dir,
    token: new Secret(TOKEN),
    validator: tools.validator,
    clock,
    tickMs: 0,
    runner: spec => {
      const job = new FakeJob(spec);
      jobs.push(job);
      return job;
    }
  });
  const exchanges: Exchange[] = [];
  argo.app.addHook('onSend', async (request, reply, payload) => {
    exchanges.push({
      method: request.method,
      route: request.routeOptions.url ?? request.url,
      status: reply.statusCode,
      request: request.body,
      response: typeof payload === 'string' ? payload : ''
    });
    return payload;
  });
  const url = await argo.listen(0);
  const client = new ArgoClient({
    baseUrl: url,
    namespace: 'etl',
    token: () => Promise.resolve(new Secret(options.token ?? TOKEN))
  });
  return {
    argo,
    client,
    url,
    dir,
    jobs,
    exchanges,
    clock,
    close: () => argo.close()
  };
}

/** Waits until `check` holds (the controller works asynchronously). */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 5000
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

/** Argo's OpenAPI definitions, objects closed, as validators by reference. */
export class SwaggerContract {
  private readonly ajv: Ajv;
  private readonly swagger: {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: Array<{ in: string; schema?: unknown }>;
          responses: Record<string, { schema?: unknown }>;
        }
      >
    >;
  };
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(file: string) {
    const swagger = JSON.parse(readFileSync(file, 'utf8')) as Record<
      string,
      unknown
    > & {
      definitions: Record<string, unknown>;
    };
    closeObjects(swagger.definitions);
    this.swagger = swagger as unknown as SwaggerContract['swagger'];
    this.ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateFormats: false
    });
    this.ajv.addSchema({ $id: 'swagger', definitions: swagger.definitions });
  }

  private validator(schema: unknown): ValidateFunction {
    const text = JSON.stringify(schema).replaceAll(
      '"#/definitions/',
      '"swagger#/definitions/'
    );
    let found = this.cache.get(text);
    if (found === undefined) {
      found = this.ajv.compile(JSON.parse(text) as object);
      this.cache.set(text, found);
    }
    return found;
  }

  /** Problems of one exchange against its operation; [] when it conforms. */
  check(exchange: Exchange): string[] {
    const path = exchange.route.replace(/:(\w+)/g, '{$1}');
    const operation = this.swagger.paths[path]?.[exchange.method.toLowerCase()];
    if (operation === undefined) {
      return [`${exchange.method} ${path} is not in Argo's OpenAPI`];
    }
    const problems: string[] = [];
    const body = operation.parameters?.find(p => p.in === 'body');
    if (body?.schema !== undefined && exchange.request !== undefined) {
      const validate = this.validator(body.schema);
      if (!validate(exchange.request)) {
        problems.push(
          `request of ${exchange.method} ${path}: ${this.ajv.errorsText(validate.errors)}`
        );
      }
    }
    const response =
      exchange.status === 200
        ? operation.responses['200']
        : operation.responses.default;
    if (response?.schema !== undefined) {
      const validate = this.validator(response.schema);
      const bodies = exchange.response.includes('\n')
        ? exchange.response.split('\n').filter(line => line !== '')
        : [exchange.response];
      for (const text of bodies) {
        if (!validate(JSON.parse(text))) {
          problems.push(
            `response ${exchange.status} of ${exchange.method} ${path}: ${this.ajv.errorsText(validate.errors)}`
          );
        }
      }
    }
    return problems;
  }
}
