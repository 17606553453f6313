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

/** `GET /api/config`: non-secret settings only. */
export interface ConfigResponse {
  workspace: string;
  s3: {
    endpoint: string | null;
    region: string;
    artifactBucket: string;
    lakeBucket: string;
  };
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
  | 'internal'
  | 'usage'
  | 'config'
  | 'port_in_use'
  | 'timeout'
  | 'process_failed'
  | 'missing_dependency';

/** Body of every error response. */
export interface ErrorResponse {
  error: {
    code: ErrorCode;
    message: string;
  };
}
