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

/** One schedule (a CronWorkflow) as `arcade schedule list` and the runs panel show it. */
export interface ScheduleRow {
  name: string;
  schedules: string[];
  timezone: string;
  suspended: boolean;
  /** The pinned version's commit. */
  commit: string | null;
  /** Notebook paths of its steps. */
  notebooks: string[];
  lastScheduledTime: string | null;
  /** Names of its runs still running. */
  active: string[];
  /** ISO times of the next runs (none while suspended). */
  nextRuns: string[];
}

/** Argo's phase of a run or a step: Pending, Running, Succeeded, Failed or Error. */
export type RunPhase = string;

/** One run (an Argo Workflow) as `arcade runs list` and the runs panel show it. */
export interface ArgoRunRow {
  name: string;
  phase: RunPhase;
  /** `cron` for a scheduled run, `manual` for Run now / `arcade submit`. */
  trigger: string;
  /** The schedule that started it, if any. */
  schedule: string | null;
  /** Commit of the published version it runs. */
  commit: string | null;
  /** `s3a://…/versions/<commit>/`, or null when Arcade did not make the run. */
  versionUri: string | null;
  notebooks: string[];
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
  /** Argo's `done/total` of its pods. */
  progress: string | null;
  message: string | null;
}

/** One Arc stage of a step, from Arc's JSON log lines. */
export interface ArgoStageProgress {
  /** Position among the stages the step ran, from 0. */
  index: number;
  name: string;
  type: string;
  status: 'running' | 'finished' | 'failed';
  durationMs: number | null;
  records: number | null;
  /** Arc's messages when it failed. */
  reasons: string[];
  /** The notebook cell (in the run's version) the stage came from, when known. */
  cellIndex: number | null;
}

/** One step (pod) of a run, with its Arc stages. */
export interface ArgoRunStep {
  /** The DAG task's name (the notebook's step name). */
  name: string;
  /** The pod node's id: what logs are asked for. */
  node: string;
  notebook: string | null;
  phase: RunPhase;
  startedAt: string | null;
  finishedAt: string | null;
  message: string | null;
  stages: ArgoStageProgress[];
  /** A failure Arc reported outside any stage (configuration, exception). */
  failure: string[] | null;
}

/** `GET /api/schedule/runs/:name` */
export interface ArgoRunDetail extends ArgoRunRow {
  environment: string | null;
  steps: ArgoRunStep[];
}

/** `GET /api/schedule/runs` */
export interface ArgoRunsResponse {
  runs: ArgoRunRow[];
}

/** `GET /api/schedule` */
export interface SchedulesResponse {
  schedules: ScheduleRow[];
}

/** One line of a run's log. */
export interface ArgoLogLine {
  /** The step (pod node id) that wrote it. */
  node: string;
  text: string;
}

/** `GET /api/schedule/runs/:name/logs?after=N`: the lines after the first N. */
export interface ArgoLogsResponse {
  lines: ArgoLogLine[];
  /** Pass as `after` next time. */
  next: number;
  /** True once the run has ended: no more lines will come. */
  done: boolean;
}

/** A `${NAME}` a notebook needs that none of its stages defines. */
export interface ScheduleVariable {
  name: string;
  /** False for `${?NAME}`, which Arc leaves out when unset. */
  required: boolean;
}

/** A notebook of the repository, as the schedule dialog offers it. */
export interface ScheduleNotebook {
  path: string;
  /** Its default step name. */
  step: string;
  variables: ScheduleVariable[];
  /** Tables and URIs its stages read and write (for proposed dependencies). */
  reads: string[];
  writes: string[];
  /** Lint errors at HEAD: a notebook with any is not scheduled. */
  errors: ScheduleLintError[];
}

export interface ScheduleLintError {
  cell: number | null;
  line: number;
  message: string;
}

/** `GET /api/schedule/context`: what the schedule dialog starts from. */
export interface ScheduleContextResponse {
  project: string;
  /** HEAD's commit, null before the first. */
  head: string | null;
  /** The version current.json points at. */
  current: string | null;
  /** True when HEAD's commit is published (a run can pin HEAD). */
  publishedAtHead: boolean;
  /** Workspace-relative paths of files changed since HEAD (they would not be in the run). */
  uncommitted: string[];
  environments: string[];
  sizes: Record<string, SizePreset>;
  notebooks: ScheduleNotebook[];
  defaults: ScheduleSpec;
  /** Where runs go, for the dialog's caption; never a token. */
  argo: { url: string | null; namespace: string };
}

/** `POST /api/schedule/cron`: a cron line read for the dialog. */
export interface CronPreviewResponse {
  /** Per expression, its problem or null. */
  problems: Array<string | null>;
  timezoneProblem: string | null;
  /** ISO times of the next runs over all expressions. */
  nextRuns: string[];
}

/** `POST /api/schedule` (create) and `POST /api/schedule/run` (Run now). */
export interface ScheduleRequest {
  repo?: string;
  spec: ScheduleSpec;
  /** The published version to pin; HEAD's by default. */
  version?: string;
}

export interface ScheduleCreatedResponse {
  schedule: ScheduleRow;
  /** `schedules/<name>.yaml`, written in the repository. */
  file: string;
  version: string;
}

export interface RunSubmittedResponse {
  run: ArgoRunRow;
  version: string;
}
