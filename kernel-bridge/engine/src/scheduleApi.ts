/**
 * Schedules and runs as Argo objects: what Arcade asks for (a `ScheduleSpec`,
 * also the content of `schedules/<name>.yaml`), the manifests it generates
 * from it, and the diagnostics of `arcade schedule lint`.
 */

/** CPU architecture of the nodes a job runs on; arm64 is Graviton. */
export type CpuArch = 'arm64' | 'amd64';

/** Argo's `concurrencyPolicy` of a CronWorkflow. */
export type ConcurrencyPolicy = 'Allow' | 'Forbid' | 'Replace';

/** Spark resources of one job. */
export interface SizePreset {
  driverCores: number;
  /** A Kubernetes/Spark memory amount such as `4g`. */
  driverMemory: string;
  executorCores: number;
  executorMemory: string;
  executorInstances: number;
}

/** One notebook of a schedule and the notebooks it waits for. */
export interface ScheduleStep {
  /** DNS-1123 label, unique in the schedule: the DAG task's name. */
  name: string;
  /** Path of the notebook in the repository (and in the published version). */
  notebook: string;
  /** Names of the steps that must succeed first. */
  dependsOn: string[];
}

/** `schedules/<name>.yaml`, the dialog's content and `arcade schedule create`'s input. */
export interface ScheduleSpec {
  /** DNS-1123 subdomain name of the CronWorkflow / Workflow prefix. */
  name: string;
  description?: string;
  /** One step for a notebook; several for a pipeline (a DAG). */
  steps: ScheduleStep[];
  /** Arc environment (`--etl.config.environment`). */
  environment: string;
  /** `--NAME=value` job parameters for every step. */
  parameters: Record<string, string>;
  /** Cron expressions (five fields); empty for a run-once Workflow. */
  schedules: string[];
  /** IANA time zone of the cron expressions, e.g. `Europe/Paris`. */
  timezone: string;
  concurrencyPolicy: ConcurrencyPolicy;
  /** A run missed by more than this is skipped (Argo's `startingDeadlineSeconds`). */
  startingDeadlineSeconds: number | null;
  /** Retries of a failed step, with exponential backoff. */
  retries: { limit: number; backoffSeconds: number; factor: number };
  /** The whole run is failed after this (`activeDeadlineSeconds`); null: none. */
  timeoutSeconds: number | null;
  /** A name from the project's size presets (`small`, `medium`, `large`). */
  size: string;
  arch: CpuArch;
  /** Allow Spot capacity. */
  spot: boolean;
  suspend: boolean;
  /** History kept by Argo. */
  successfulJobsHistoryLimit: number;
  failedJobsHistoryLimit: number;
}

/** Where and how the manifests are made: the project's deployment settings. */
export interface ScheduleTarget {
  namespace: string;
  project: string;
  /** The published version (full commit SHA) the run pins. */
  commit: string;
  /** `s3a://bucket/prefix/project/versions/<commit>/`, with the slash. */
  versionUri: string;
  image: string;
  serviceAccount: string;
  /** Name of Arcade's WorkflowTemplate in the namespace. */
  templateName: string;
}

export type DiagnosticSeverity = 'error' | 'warning';

/** One finding of `arcade schedule lint`, with where it is and what to do. */
export interface ScheduleDiagnostic {
  file: string;
  /** 1-based; 0 when the finding concerns the whole file. */
  line: number;
  column: number;
  /** Stable code, e.g. `schema/unknown-field`, `argo/invalid`, `arc/unknown-flag`. */
  code: string;
  severity: DiagnosticSeverity;
  message: string;
  /** What to change; empty when there is nothing better to say than the message. */
  fix: string;
}
