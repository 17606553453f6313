/**
 * The Argo manifests of a schedule, built from a `ScheduleSpec` and the
 * published version it pins. Pure: no I/O.
 *
 * One WorkflowTemplate (`arcade-arc-job`) holds the only container Arcade
 * runs: `spark-submit` of Arcade's launcher, which hands Arc its
 * `--etl.config.*` options and the job's `--NAME=value` parameters. The
 * parameters travel as one JSON object in one argument — never through a
 * shell — and the launcher turns each entry into exactly one argument after
 * checking its name, so a value cannot add, remove or change another
 * argument. Workflows and CronWorkflows reference the template
 * (`workflowTemplateRef` for one notebook, `templateRef` in a DAG for a
 * pipeline) and pass `--etl.config.uri=…/versions/<commit>/<notebook>`.
 */
import type {
  ScheduleSpec,
  ScheduleStep,
  ScheduleTarget,
  SizePreset
} from 'arcade-engine';

export const API_VERSION = 'argoproj.io/v1alpha1';

/** Labels on every Workflow Arcade makes; the runs panel lists by them. */
export const LABELS = {
  project: 'arcade.dev/project',
  notebook: 'arcade.dev/notebook',
  commit: 'arcade.dev/commit',
  schedule: 'arcade.dev/schedule',
  managedBy: 'app.kubernetes.io/managed-by'
} as const;

/** Annotations: values that do not fit a label (paths, full URIs). */
export const ANNOTATIONS = {
  notebooks: 'arcade.dev/notebooks',
  version: 'arcade.dev/version-uri',
  trigger: 'arcade.dev/trigger'
} as const;

/** The template (in the WorkflowTemplate) that runs one Arc job. */
export const JOB_TEMPLATE = 'arc-job';

/** Arcade's launcher: reads `--arcade.vars=<JSON>`, then runs `ai.tripl.arc.ARC`. */
export const LAUNCHER_CLASS = 'dev.arcade.launch.ArcJob';
export const LAUNCHER_JAR = 'local:///opt/arcade/lib/arcade-launcher.jar';
export const VARS_FLAG = '--arcade.vars';

/** Node label of the capacity type on EKS managed node groups. */
export const CAPACITY_LABEL = 'eks.amazonaws.com/capacityType';
/** Taint of Arcade's Spot node group (deploy/terraform). */
export const SPOT_TAINT = 'arcade.dev/spot';

export const SIZE_PRESETS: Readonly<Record<string, SizePreset>> = {
  small: {
    driverCores: 1,
    driverMemory: '2g',
    executorCores: 1,
    executorMemory: '2g',
    executorInstances: 1
  },
  medium: {
    driverCores: 2,
    driverMemory: '4g',
    executorCores: 2,
    executorMemory: '8g',
    executorInstances: 2
  },
  large: {
    driverCores: 4,
    driverMemory: '8g',
    executorCores: 4,
    executorMemory: '16g',
    executorInstances: 4
  }
};

/** The defaults of a new schedule (the dialog's and `schedules/*.yaml`'s). */
export function defaultSpec(
  name: string,
  steps: ScheduleStep[],
  environment: string
): ScheduleSpec {
  return {
    name,
    steps,
    environment,
    parameters: {},
    schedules: [],
    timezone: 'UTC',
    concurrencyPolicy: 'Forbid',
    startingDeadlineSeconds: 300,
    retries: { limit: 1, backoffSeconds: 60, factor: 2 },
    timeoutSeconds: 4 * 3600,
    size: 'small',
    arch: 'arm64',
    spot: false,
    suspend: false,
    successfulJobsHistoryLimit: 10,
    failedJobsHistoryLimit: 10
  };
}

export type Manifest = Record<string, unknown>;

/** Parameters of the job template, in order, with their defaults. */
const JOB_PARAMETERS: ReadonlyArray<[string, string | null]> = [
  ['configUri', null],
  ['environment', null],
  ['jobId', null],
  ['tags', ''],
  ['vars', '{}'],
  ['notebook', ''],
  ['image', null],
  ['arch', 'arm64'],
  ['capacityType', 'ON_DEMAND'],
  ['driverCores', '1'],
  ['driverMemory', '2g'],
  ['driverPodMemory', '2432Mi'],
  ['executorCores', '1'],
  ['executorMemory', '2g'],
  ['executorInstances', '1'],
  ['retryLimit', '0'],
  ['retryBackoff', '60s'],
  ['retryFactor', '2']
];

function input(name: string): string {
  return `{{inputs.parameters.${name}}}`;
}

/**
 * Kubernetes memory for a Spark amount (`4g` → `4Gi`), with Spark's 10%
 * overhead (at least 384 MiB) added as Spark itself asks the cluster.
 */
export function podMemory(sparkMemory: string): string {
  const match = /^(\d+)([kmgt]?)$/i.exec(sparkMemory.trim());
  if (match === null) {
    return sparkMemory;
  }
  const scale: Record<string, number> = { '': 1 / 1048576, k: 1 / 1024 };
  const unit = (match[2] ?? '').toLowerCase();
  const mib =
    Number(match[1]) *
    (scale[unit] ?? { m: 1, g: 1024, t: 1048576 }[unit] ?? 1);
  return `${Math.ceil(mib + Math.max(384, mib * 0.1))}Mi`;
}

/** The WorkflowTemplate every Arcade run uses. */
export function workflowTemplate(
  target: Pick<
    ScheduleTarget,
    'namespace' | 'templateName' | 'image' | 'serviceAccount'
  >
): Manifest {
  return {
    apiVersion: API_VERSION,
    kind: 'WorkflowTemplate',
    metadata: {
      name: target.templateName,
      namespace: target.namespace,
      labels: { [LABELS.managedBy]: 'arcade' }
    },
    spec: {
      entrypoint: JOB_TEMPLATE,
      serviceAccountName: target.serviceAccount,
      templates: [
        {
          name: JOB_TEMPLATE,
          inputs: {
            parameters: JOB_PARAMETERS.map(([name, value]) =>
              value === null
                ? { name }
                : { name, value: name === 'image' ? target.image : value }
            )
          },
          metadata: {
            labels: { [LABELS.notebook]: input('notebook') }
          },
          retryStrategy: {
            limit: input('retryLimit'),
            retryPolicy: 'OnFailure',
            backoff: {
              duration: input('retryBackoff'),
              factor: input('retryFactor')
            }
          },
          nodeSelector: {
            'kubernetes.io/arch': input('arch'),
            [CAPACITY_LABEL]: input('capacityType')
          },
          tolerations: [
            { key: SPOT_TAINT, operator: 'Exists', effect: 'NoSchedule' }
          ],
          // Resource quantities cannot hold a parameter; the patch can.
          podSpecPatch: JSON.stringify({
            containers: [
              {
                name: 'main',
                resources: {
                  requests: {
                    cpu: input('driverCores'),
                    memory: input('driverPodMemory')
                  }
                }
              }
            ]
          }),
          container: {
            image: input('image'),
            command: ['/opt/spark/bin/spark-submit'],
            args: [
              '--master',
              'k8s://https://kubernetes.default.svc',
              '--deploy-mode',
              'client',
              '--name',
              input('jobId'),
              '--class',
              LAUNCHER_CLASS,
              '--driver-cores',
              input('driverCores'),
              '--driver-memory',
              input('driverMemory'),
              '--executor-cores',
              input('executorCores'),
              '--executor-memory',
              input('executorMemory'),
              '--num-executors',
              input('executorInstances'),
              '--conf',
              'spark.driver.host=$(POD_IP)',
              '--conf',
              `spark.kubernetes.container.image=${input('image')}`,
              '--conf',
              `spark.kubernetes.executor.node.selector.kubernetes.io/arch=${input('arch')}`,
              '--conf',
              `spark.kubernetes.executor.node.selector.${CAPACITY_LABEL}=${input('capacityType')}`,
              '--conf',
              'spark.kubernetes.authenticate.driver.serviceAccountName={{workflow.serviceAccountName}}',
              // Executors in the run's namespace (Spark's default is "default").
              '--conf',
              'spark.kubernetes.namespace={{workflow.namespace}}',
              // The driver owns its executor pods, so Kubernetes deletes them with
              // the step's pod when a run ends or is stopped.
              '--conf',
              'spark.kubernetes.driver.pod.name=$(POD_NAME)',
              LAUNCHER_JAR,
              `--etl.config.uri=${input('configUri')}`,
              `--etl.config.environment=${input('environment')}`,
              `--etl.config.job.id=${input('jobId')}`,
              `--etl.config.tags=${input('tags')}`,
              `${VARS_FLAG}=${input('vars')}`
            ],
            env: [
              {
                name: 'POD_IP',
                valueFrom: { fieldRef: { fieldPath: 'status.podIP' } }
              },
              {
                name: 'POD_NAME',
                valueFrom: { fieldRef: { fieldPath: 'metadata.name' } }
              }
            ]
          }
        }
      ]
    }
  };
}

/** A label value Kubernetes accepts: ≤ 63 of [A-Za-z0-9._-], alphanumeric ends. */
export function labelValue(text: string): string {
  const value = text
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return value;
}

/** `notebooks/01 load.ipynb` → `01_load`: the notebook label's value. */
export function notebookLabel(notebook: string): string {
  const base = notebook.split('/').pop() ?? notebook;
  return labelValue(base.replace(/\.ipynb$/i, ''));
}

function sizeOf(spec: ScheduleSpec): SizePreset {
  const size = SIZE_PRESETS[spec.size];
  if (size === undefined) {
    throw new Error(`unknown size preset "${spec.size}"`);
  }
  return size;
}

/** Arc's `--etl.config.tags`: space-separated key=value (no spaces inside). */
function tags(spec: ScheduleSpec, target: ScheduleTarget, step: ScheduleStep) {
  return [
    `arcade.project=${labelValue(target.project)}`,
    `arcade.commit=${target.commit}`,
    `arcade.schedule=${labelValue(spec.name)}`,
    `arcade.notebook=${notebookLabel(step.notebook)}`
  ].join(' ');
}

/** The arguments one step passes to the job template. */
export function stepArguments(
  spec: ScheduleSpec,
  target: ScheduleTarget,
  step: ScheduleStep
): Array<{ name: string; value: string }> {
  const size = sizeOf(spec);
  const values: Record<string, string> = {
    configUri: `${target.versionUri}${step.notebook}`,
    environment: spec.environment,
    jobId: `{{workflow.name}}-${step.name}`,
    tags: tags(spec, target, step),
    vars: JSON.stringify(spec.parameters),
    notebook: notebookLabel(step.notebook),
    image: target.image,
    arch: spec.arch,
    capacityType: spec.spot ? 'SPOT' : 'ON_DEMAND',
    driverCores: String(size.driverCores),
    driverMemory: size.driverMemory,
    driverPodMemory: podMemory(size.driverMemory),
    executorCores: String(size.executorCores),
    executorMemory: size.executorMemory,
    executorInstances: String(size.executorInstances),
    retryLimit: String(Math.max(0, spec.retries.limit)),
    retryBackoff: `${spec.retries.backoffSeconds}s`,
    retryFactor: String(spec.retries.factor)
  };
  return JOB_PARAMETERS.map(([name]) => ({ name, value: values[name] ?? '' }));
}

/**
 * The `spec` of the Workflow (also the CronWorkflow's `workflowSpec`): a
 * reference to the template for one notebook, a DAG of references for a
 * pipeline.
 */
export function workflowSpec(
  spec: ScheduleSpec,
  target: ScheduleTarget
): Manifest {
  const common: Manifest = {
    serviceAccountName: target.serviceAccount,
    ...(spec.timeoutSeconds === null
      ? {}
      : { activeDeadlineSeconds: spec.timeoutSeconds }),
    podMetadata: {
      labels: {
        [LABELS.project]: labelValue(target.project),
        [LABELS.commit]: target.commit
      }
    }
  };
  const [only] = spec.steps;
  if (spec.steps.length === 1 && only !== undefined) {
    return {
      ...common,
      workflowTemplateRef: { name: target.templateName },
      arguments: { parameters: stepArguments(spec, target, only) }
    };
  }
  return {
    ...common,
    entrypoint: 'pipeline',
    templates: [
      {
        name: 'pipeline',
        dag: {
          tasks: spec.steps.map(step => ({
            name: step.name,
            templateRef: { name: target.templateName, template: JOB_TEMPLATE },
            ...(step.dependsOn.length === 0
              ? {}
              : { dependencies: [...step.dependsOn] }),
            arguments: { parameters: stepArguments(spec, target, step) }
          }))
        }
      }
    ]
  };
}

function metadataLabels(
  spec: ScheduleSpec,
  target: ScheduleTarget
): Record<string, string> {
  const [only] = spec.steps;
  return {
    [LABELS.managedBy]: 'arcade',
    [LABELS.project]: labelValue(target.project),
    [LABELS.commit]: target.commit,
    [LABELS.schedule]: labelValue(spec.name),
    ...(spec.steps.length === 1 && only !== undefined
      ? { [LABELS.notebook]: notebookLabel(only.notebook) }
      : {})
  };
}

function annotations(
  spec: ScheduleSpec,
  target: ScheduleTarget,
  trigger: 'cron' | 'manual'
): Record<string, string> {
  return {
    [ANNOTATIONS.notebooks]: spec.steps.map(step => step.notebook).join(','),
    [ANNOTATIONS.version]: target.versionUri,
    [ANNOTATIONS.trigger]: trigger,
    ...(spec.description === undefined
      ? {}
      : { 'workflows.argoproj.io/description': spec.description })
  };
}

/** A one-off run ("Run now", `arcade submit`). */
export function workflowManifest(
  spec: ScheduleSpec,
  target: ScheduleTarget
): Manifest {
  return {
    apiVersion: API_VERSION,
    kind: 'Workflow',
    metadata: {
      generateName: `${spec.name}-`,
      namespace: target.namespace,
      labels: metadataLabels(spec, target),
      annotations: annotations(spec, target, 'manual')
    },
    spec: workflowSpec(spec, target)
  };
}

/** The schedule itself. */
export function cronWorkflowManifest(
  spec: ScheduleSpec,
  target: ScheduleTarget
): Manifest {
  return {
    apiVersion: API_VERSION,
    kind: 'CronWorkflow',
    metadata: {
      name: spec.name,
      namespace: target.namespace,
      labels: metadataLabels(spec, target),
      annotations: annotations(spec, target, 'cron')
    },
    spec: {
      schedules: [...spec.schedules],
      timezone: spec.timezone,
      concurrencyPolicy: spec.concurrencyPolicy,
      ...(spec.startingDeadlineSeconds === null
        ? {}
        : { startingDeadlineSeconds: spec.startingDeadlineSeconds }),
      suspend: spec.suspend,
      successfulJobsHistoryLimit: spec.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: spec.failedJobsHistoryLimit,
      workflowMetadata: {
        labels: metadataLabels(spec, target),
        annotations: annotations(spec, target, 'cron')
      },
      workflowSpec: workflowSpec(spec, target)
    }
  };
}
