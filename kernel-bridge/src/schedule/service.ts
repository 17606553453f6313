/**
 * Schedules and runs of published notebooks: the spec is checked, the
 * manifests are generated for a complete published version and validated
 * (Argo's schema, Argo's own code, Arcade's Arc checks) before anything is
 * sent; then the Argo Server (or the local service) gets them.
 */
import {
  ArcadeError,
  type Manifest as PublishedManifest,
  type ScheduleDiagnostic,
  type ScheduleSpec,
  type ScheduleTarget
} from 'arcade-engine';
import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import type { Env, Settings } from '../config';
import type { PublishService } from '../publish/service';
import type { Layout } from '../publish/keys';
import {
  ArgoClient,
  type CronWorkflow,
  type Workflow,
  type WorkflowTemplate
} from './argo/client';
import { ArgoToken } from './argo/token';
import { lintManifestFiles } from './lintService';
import {
  cronWorkflowManifest,
  LABELS,
  labelValue,
  workflowManifest,
  workflowTemplate,
  type Manifest
} from './manifests';
import { checkSpec } from './spec';
import { diffValues, type ApplyAction } from './asCode';

export interface ScheduleDeps {
  settings: Settings;
  env: Env;
  repoRoot: string | null;
  publish: PublishService;
  /** Injected by tests; otherwise built from the settings. */
  client?: ArgoClient;
}

/** What a create/submit did (or would do, with dryRun). */
export interface SchedulePlan {
  target: ScheduleTarget;
  manifests: Manifest[];
  /** The YAML that was validated and sent. */
  yaml: string;
}

export function versionUri(layout: Layout, commit: string): string {
  const base =
    layout.prefix === ''
      ? layout.project
      : `${layout.prefix}/${layout.project}`;
  return `s3a://${layout.bucket}/${base}/versions/${commit}/`;
}

/** A JSON value without undefined members, as it comes back from a server. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

export class ScheduleService {
  readonly #deps: ScheduleDeps;
  #client: ArgoClient | null;

  constructor(deps: ScheduleDeps) {
    this.#deps = deps;
    this.#client = deps.client ?? null;
  }

  client(): ArgoClient {
    if (this.#client !== null) {
      return this.#client;
    }
    const { argo } = this.#deps.settings;
    if (argo.url === null) {
      throw new ArcadeError('config', 'no Argo Server is configured', {
        hint: 'set ARCADE_ARGO_URL (in local mode: eval "$(arcade dev env)")'
      });
    }
    const token = new ArgoToken(this.#deps.env);
    this.#client = new ArgoClient({
      baseUrl: argo.url,
      namespace: argo.namespace,
      token: () => token.get()
    });
    return this.#client;
  }

  /** The published version runs pin (the current one unless named). */
  async target(
    repo: unknown,
    version?: string
  ): Promise<{ target: ScheduleTarget; manifest: PublishedManifest }> {
    const { layout, manifest } = await this.#deps.publish.pinned(repo, version);
    const { argo } = this.#deps.settings;
    return {
      manifest,
      target: {
        namespace: argo.namespace,
        project: layout.project,
        commit: manifest.commit,
        versionUri: versionUri(layout, manifest.commit),
        image: argo.image,
        serviceAccount: argo.serviceAccount,
        templateName: argo.templateName
      }
    };
  }

  /** Refuses a spec whose notebooks are not in the version or were published with lint errors. */
  #checkVersion(spec: ScheduleSpec, manifest: PublishedManifest): void {
    const notebooks = new Set(
      manifest.files.filter(f => f.kind === 'notebook').map(f => f.path)
    );
    const missing = spec.steps.filter(step => !notebooks.has(step.notebook));
    if (missing.length > 0) {
      throw new ArcadeError(
        'refused',
        `${missing.map(s => s.notebook).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the published version ${manifest.commit.slice(0, 7)}`,
        {
          hint: 'commit and publish the notebook first, then schedule that version'
        }
      );
    }
    if (
      manifest.lint.environments.length > 0 &&
      !manifest.lint.environments.includes(spec.environment)
    ) {
      throw new ArcadeError(
        'refused',
        `version ${manifest.commit.slice(0, 7)} was linted for ${manifest.lint.environments.join(', ')}, not for ${spec.environment}`,
        {
          hint: `publish with ${spec.environment} among the project's environments (ARCADE_ENVIRONMENTS)`
        }
      );
    }
  }

  /** Generates and validates; throws `refused` with every error diagnostic. */
  async plan(
    spec: ScheduleSpec,
    repo: unknown,
    options: { version?: string; once: boolean }
  ): Promise<SchedulePlan> {
    checkSpec(spec, this.#deps.settings.environments);
    const { target, manifest } = await this.target(repo, options.version);
    this.#checkVersion(spec, manifest);
    const manifests = [
      workflowTemplate(target),
      options.once
        ? workflowManifest(spec, target)
        : cronWorkflowManifest(spec, target)
    ];
    const yaml = manifests.map(m => stringify(m)).join('---\n');
    const diagnostics = await lintManifestFiles(
      [{ file: 'generated.yaml', text: yaml }],
      {
        env: this.#deps.env,
        repoRoot: this.#deps.repoRoot,
        settings: this.#deps.settings
      }
    );
    const errors = diagnostics.filter(d => d.severity === 'error');
    if (errors.length > 0) {
      throw new ArcadeError(
        'refused',
        `the generated manifests do not pass validation: ${errors.map(describe).join('; ')}`,
        { hint: 'correct the schedule; nothing was sent' }
      );
    }
    return { target, manifests, yaml };
  }

  /** Updates an object at its current resourceVersion, or creates it when there is none. */
  async #upsert<T extends { metadata: { resourceVersion?: string } }>(
    object: T,
    calls: {
      get: () => Promise<T>;
      update: (next: T) => Promise<T>;
      create: (next: T) => Promise<T>;
    }
  ): Promise<T> {
    let current: T;
    try {
      current = await calls.get();
    } catch (error) {
      if (error instanceof ArcadeError && error.code === 'not_found') {
        return calls.create(object);
      }
      throw error;
    }
    return calls.update({
      ...object,
      metadata: {
        ...object.metadata,
        resourceVersion: current.metadata.resourceVersion
      }
    });
  }

  /**
   * Arcade's WorkflowTemplate, as generated. On a cluster the operator's
   * Helm release (deploy/helm/arcade) installs the same template: when the
   * cluster's spec already is the generated one nothing is written, and an
   * update keeps the labels and annotations it finds (Helm's ownership).
   */
  async #ensureTemplate(manifest: Manifest): Promise<WorkflowTemplate> {
    const client = this.client();
    const template = manifest as unknown as WorkflowTemplate;
    let current: WorkflowTemplate;
    try {
      current = await client.getWorkflowTemplate(template.metadata.name ?? '');
    } catch (error) {
      if (error instanceof ArcadeError && error.code === 'not_found') {
        return client.createWorkflowTemplate(template);
      }
      throw error;
    }
    if (isDeepStrictEqual(plain(current.spec), plain(template.spec))) {
      return current;
    }
    return client.updateWorkflowTemplate({
      ...template,
      metadata: {
        ...template.metadata,
        labels: { ...current.metadata.labels, ...template.metadata.labels },
        annotations: {
          ...current.metadata.annotations,
          ...template.metadata.annotations
        },
        resourceVersion: current.metadata.resourceVersion
      }
    });
  }

  /** The schedule (a CronWorkflow), created or updated. */
  async create(
    spec: ScheduleSpec,
    repo: unknown,
    options: { version?: string; dryRun?: boolean } = {}
  ): Promise<SchedulePlan & { cron: CronWorkflow | null }> {
    const plan = await this.plan(spec, repo, {
      version: options.version,
      once: false
    });
    if (options.dryRun === true) {
      return { ...plan, cron: null };
    }
    const [template, cronManifest] = plan.manifests;
    await this.#ensureTemplate(template ?? {});
    const client = this.client();
    const saved = await this.#upsert(cronManifest as unknown as CronWorkflow, {
      get: () => client.getCronWorkflow(spec.name),
      update: next => client.updateCronWorkflow(next),
      create: next => client.createCronWorkflow(next)
    });
    return { ...plan, cron: saved };
  }

  /** A one-off run ("Run now", `arcade submit`). */
  async submit(
    spec: ScheduleSpec,
    repo: unknown,
    options: { version?: string; dryRun?: boolean } = {}
  ): Promise<SchedulePlan & { workflow: Workflow | null }> {
    const plan = await this.plan(spec, repo, {
      version: options.version,
      once: true
    });
    if (options.dryRun === true) {
      return { ...plan, workflow: null };
    }
    const [template, run] = plan.manifests;
    await this.#ensureTemplate(template ?? {});
    const workflow = await this.client().createWorkflow(
      run as unknown as Workflow
    );
    return { ...plan, workflow };
  }

  /**
   * Makes Argo match the schedule files: creates, updates (printing what
   * changes) and deletes the project's schedules. Everything is generated
   * and validated before the first change is sent.
   */
  async apply(
    specs: ScheduleSpec[],
    repo: unknown,
    options: { version?: string; dryRun?: boolean } = {}
  ): Promise<ApplyAction[]> {
    const plans = [];
    for (const spec of specs) {
      plans.push({
        spec,
        plan: await this.plan(spec, repo, {
          version: options.version,
          once: false
        })
      });
    }
    const project = (await this.target(repo, options.version)).target.project;
    const existing = new Map(
      (await this.list(project)).map(cron => [cron.metadata.name ?? '', cron])
    );
    const actions: ApplyAction[] = [];
    for (const { spec, plan } of plans) {
      const wanted = plan.manifests[1] as unknown as CronWorkflow;
      const current = existing.get(spec.name);
      existing.delete(spec.name);
      if (current === undefined) {
        actions.push({ kind: 'create', name: spec.name });
        continue;
      }
      const changes = diffValues(
        { labels: current.metadata.labels, spec: current.spec },
        { labels: wanted.metadata.labels, spec: wanted.spec }
      );
      actions.push(
        changes.length === 0
          ? { kind: 'unchanged', name: spec.name }
          : { kind: 'update', name: spec.name, changes }
      );
    }
    for (const name of existing.keys()) {
      actions.push({ kind: 'delete', name });
    }
    if (options.dryRun === true) {
      return actions;
    }
    const client = this.client();
    const [first] = plans;
    if (first !== undefined) {
      await this.#ensureTemplate(first.plan.manifests[0] ?? {});
    }
    for (const { spec, plan } of plans) {
      const action = actions.find(a => a.name === spec.name);
      if (action?.kind === 'unchanged') {
        continue;
      }
      await this.#upsert(plan.manifests[1] as unknown as CronWorkflow, {
        get: () => client.getCronWorkflow(spec.name),
        update: next => client.updateCronWorkflow(next),
        create: next => client.createCronWorkflow(next)
      });
    }
    for (const action of actions.filter(a => a.kind === 'delete')) {
      await client.deleteCronWorkflow(action.name);
    }
    return actions;
  }

  /** The project's schedules. */
  async list(project: string): Promise<CronWorkflow[]> {
    const list = await this.client().listCronWorkflows(
      `${LABELS.project}=${labelValue(project)}`
    );
    return list.items;
  }

  /** Runs of the project, newest first, filtered by notebook or schedule. */
  async runs(
    project: string,
    filter: { schedule?: string; notebook?: string; limit?: number } = {}
  ): Promise<Workflow[]> {
    const labels: Record<string, string> = {
      [LABELS.project]: labelValue(project)
    };
    if (filter.schedule !== undefined) {
      labels[LABELS.schedule] = labelValue(filter.schedule);
    }
    if (filter.notebook !== undefined) {
      labels[LABELS.notebook] = filter.notebook;
    }
    const list = await this.client().listWorkflows(labels, {
      limit: filter.limit
    });
    return list.items;
  }
}

function describe(d: ScheduleDiagnostic): string {
  return `${d.code} at line ${d.line}: ${d.message}`;
}
