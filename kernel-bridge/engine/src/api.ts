/**
 * Request and response types of the bridge's HTTP API.
 *
 * Types only: the frontend imports this module with `import type`, so it must
 * never gain runtime code.
 */

/** `GET /api/health` */
export interface HealthResponse {
  status: 'ok';
  /** Semver of the running bridge. */
  version: string;
  arcKernel: ArcKernelStatus;
  backends: {
    s3: { configured: boolean; endpoint: string | null };
    git: { configured: boolean; remote: string | null };
  };
}

export interface ArcKernelStatus {
  /** A kernelspec directory named `arc` with a `kernel.json` was found. */
  installed: boolean;
  name: 'arc';
  /** `display_name` from the kernelspec, or null when not installed. */
  displayName: string | null;
}

/** Where the project's S3 buckets are (no credentials: the AWS SDK reads those itself). */
export interface S3Settings {
  /** An S3-compatible endpoint (the local stack's MinIO); null for AWS. */
  endpoint: string | null;
  region: string;
  artifactBucket: string;
  lakeBucket: string;
}

/** `GET /api/config`: non-secret settings only. */
export interface ConfigResponse {
  workspace: string;
  s3: S3Settings;
  git: {
    /** The remote URL with any user name or token removed. */
    remote: string | null;
  };
  environments: string[];
}

/** Error codes the API can answer with. */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'xsrf'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'internal'
  | 'usage'
  | 'config'
  | 'port_in_use'
  | 'timeout'
  | 'process_failed'
  | 'missing_dependency'
  | 'invalid_notebook'
  | 'conflict'
  | 'refused'
  | 'upstream'
  | 'cancelled'
  /** AWS refused the caller's identity or permissions (Athena's AccessDeniedException). */
  | 'access_denied'
  /** The query is not valid SQL, or names a column that is not there. */
  | 'invalid_query';

/** Body of every error response. */
export interface ErrorResponse {
  error: {
    code: ErrorCode;
    message: string;
  };
}

/** `POST /api/runs`: run a notebook as an Arc batch job on local Spark. */
export interface StartRunRequest {
  /** The notebook, relative to the workspace. */
  path: string;
  /** Arc's `--etl.config.environment`, e.g. `dev`. */
  environment: string;
  /** Values for the notebook's `${NAME}` substitutions. */
  vars?: Record<string, string>;
}

/** `POST /api/runs` answers 202 with this. */
export interface StartRunResponse {
  runId: string;
  run: RunSummary;
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A stage as Arc ran it. */
export interface RunStage {
  /**
   * Position among the stages this run executed, from 0; for a configuration
   * error (no stage ran), its position among the notebook's stage cells.
   */
  index: number;
  name: string;
  /** Arc stage type, e.g. `SQLTransform`; `unknown` for a configuration error. */
  type: string;
  /** Index of the notebook cell the stage came from, or null when unknown. */
  cellIndex: number | null;
}

interface RunEventBase {
  /** Sequence number within the run, from 1. */
  seq: number;
  /** ISO time the bridge saw the event. */
  at: string;
}

export interface StageStartedEvent extends RunEventBase {
  type: 'stage-started';
  stage: RunStage;
}

export interface StageFinishedEvent extends RunEventBase {
  type: 'stage-finished';
  stage: RunStage;
  durationMs: number;
  /** Rows Arc counted; Arc counts for extracts and persisted views only. */
  records: number | null;
  /** Columns of the stage's output view, when Arc reports them. */
  outputColumns: number | null;
}

export interface StageFailedEvent extends RunEventBase {
  type: 'stage-failed';
  /** Null when Arc failed before or outside any stage. */
  stage: RunStage | null;
  /** Arc's messages, outermost first. */
  reasons: string[];
}

export interface JobFinishedEvent extends RunEventBase {
  type: 'job-finished';
  status: Exclude<RunStatus, 'running'>;
  /** The JVM's exit code; null when it was ended by a signal. */
  exitCode: number | null;
  durationMs: number;
  /**
   * Last lines of the JVM's output when Arc itself could not report, e.g.
   * Java missing or a class not found; empty otherwise.
   */
  outputTail: string[];
}

export type RunEvent =
  StageStartedEvent | StageFinishedEvent | StageFailedEvent | JobFinishedEvent;

export interface RunSummary {
  id: string;
  /** Workspace-relative notebook path (the CLI shows the path it was given). */
  notebook: string;
  environment: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  exitCode: number | null;
  /** Sequence number of the last event so far, 0 before the first. */
  lastSeq: number;
}

/** `GET /api/runs/:id`: the run with every event so far. */
export interface RunDetail extends RunSummary {
  events: RunEvent[];
}

/** `GET /api/runs` */
export interface RunListResponse {
  runs: RunSummary[];
}

/** `GET /api/runs/:id/events?after=N`: the events after sequence number N. */
export interface RunEventsResponse {
  run: RunSummary;
  events: RunEvent[];
}

export type * from './types';
