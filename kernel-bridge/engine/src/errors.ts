import type { ErrorCode, ErrorResponse } from './api';

interface CodeInfo {
  httpStatus: number;
  exitCode: number;
}

/** How each error code surfaces over HTTP and as a CLI exit code. */
const CODES: Record<ErrorCode, CodeInfo> = {
  bad_request: { httpStatus: 400, exitCode: 2 },
  usage: { httpStatus: 400, exitCode: 2 },
  unauthorized: { httpStatus: 401, exitCode: 1 },
  xsrf: { httpStatus: 403, exitCode: 1 },
  not_found: { httpStatus: 404, exitCode: 1 },
  payload_too_large: { httpStatus: 413, exitCode: 1 },
  unsupported_media_type: { httpStatus: 415, exitCode: 1 },
  too_many_requests: { httpStatus: 429, exitCode: 1 },
  config: { httpStatus: 500, exitCode: 2 },
  port_in_use: { httpStatus: 500, exitCode: 1 },
  timeout: { httpStatus: 504, exitCode: 1 },
  process_failed: { httpStatus: 500, exitCode: 1 },
  missing_dependency: { httpStatus: 500, exitCode: 1 },
  internal: { httpStatus: 500, exitCode: 1 },
  invalid_notebook: { httpStatus: 422, exitCode: 2 },
  /** Someone else changed it meanwhile (a publish, a push): look, then retry. */
  conflict: { httpStatus: 409, exitCode: 3 },
  /** The request is understood but its preconditions fail (lint errors, uncommitted files). */
  refused: { httpStatus: 422, exitCode: 4 },
  /** S3, the git server or AWS answered with an error or could not be reached. */
  upstream: { httpStatus: 502, exitCode: 5 },
  cancelled: { httpStatus: 409, exitCode: 130 },
  access_denied: { httpStatus: 502, exitCode: 6 },
  invalid_query: { httpStatus: 422, exitCode: 2 }
};

/**
 * The one error type of the bridge. `message` says what failed, `hint` what
 * to do about it; neither may carry a secret.
 */
export class ArcadeError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; cause?: unknown } = {}
  ) {
    super(message, { cause: options.cause });
    this.name = 'ArcadeError';
    this.code = code;
    this.hint = options.hint;
  }

  get httpStatus(): number {
    return CODES[this.code].httpStatus;
  }

  get exitCode(): number {
    return CODES[this.code].exitCode;
  }

  /** The single stderr line the CLI prints: `arcade: <what> — <what to do>`. */
  toCliLine(): string {
    const hint = this.hint === undefined ? '' : ` — ${this.hint}`;
    return `arcade: ${this.message}${hint}`;
  }

  toResponse(): ErrorResponse {
    const hint = this.hint === undefined ? '' : ` (${this.hint})`;
    return { error: { code: this.code, message: `${this.message}${hint}` } };
  }
}

/** Wraps anything thrown into an ArcadeError without leaking internals. */
export function toArcadeError(error: unknown): ArcadeError {
  if (error instanceof ArcadeError) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ArcadeError('internal', message, { cause: error });
}
