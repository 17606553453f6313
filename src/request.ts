import type { ErrorCode, ErrorResponse } from 'arcade-engine';
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { isRecord } from 'arcade-engine/core';

export { isRecord };

/**
 * How a request to the bridge failed:
 * - `network`: no HTTP response at all (Jupyter server down, offline);
 * - `http`: an HTTP error status, from the bridge or from the proxy in front of it;
 * - `invalid-response`: a success status with a body that is not what the API promises.
 */
export type ArcadeErrorKind = 'network' | 'http' | 'invalid-response';

/**
 * The one error type every bridge request rejects with.
 */
export class ArcadeRequestError extends Error {
  constructor(options: ArcadeRequestError.IOptions) {
    super(options.message);
    this.name = 'ArcadeRequestError';
    this.kind = options.kind;
    this.status = options.status ?? null;
    this.code = options.code ?? null;
  }

  readonly kind: ArcadeErrorKind;
  /** The HTTP status, or null when no response arrived. */
  readonly status: number | null;
  /** The bridge's error code, or null when the bridge did not answer with one. */
  readonly code: ErrorCode | null;
}

export namespace ArcadeRequestError {
  export interface IOptions {
    kind: ArcadeErrorKind;
    message: string;
    status?: number;
    code?: ErrorCode;
  }
}

/**
 * Call the kernel-bridge through jupyter-server-proxy at `<baseUrl>arcade/<endpoint>`.
 *
 * Goes through `ServerConnection.makeRequest` so the request carries the
 * Jupyter token and the `X-XSRFToken` header the bridge checks on writes.
 *
 * @returns the parsed JSON body; callers validate its shape.
 */
export async function requestArcade(
  endpoint: string,
  settings: ServerConnection.ISettings,
  init: RequestInit = {}
): Promise<unknown> {
  const url = URLExt.join(settings.baseUrl, 'arcade', endpoint);
  let response: Response;
  let text: string;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
    text = await response.text();
  } catch (error) {
    throw new ArcadeRequestError({
      kind: 'network',
      message: error instanceof Error ? error.message : String(error)
    });
  }

  const body = parseJson(text);
  if (!response.ok) {
    const bridgeError = isErrorResponse(body) ? body.error : null;
    throw new ArcadeRequestError({
      kind: 'http',
      status: response.status,
      code: bridgeError?.code,
      message: bridgeError?.message || response.statusText || text.trim()
    });
  }
  if (body === undefined) {
    throw new ArcadeRequestError({
      kind: 'invalid-response',
      status: response.status,
      message: `Expected JSON from ${endpoint}`
    });
  }
  return body;
}

/**
 * Turn anything a bridge call threw into an `ArcadeRequestError`.
 */
export function toRequestError(error: unknown): ArcadeRequestError {
  if (error instanceof ArcadeRequestError) {
    return error;
  }
  return new ArcadeRequestError({
    kind: 'invalid-response',
    message: error instanceof Error ? error.message : String(error)
  });
}

function isErrorResponse(value: unknown): value is ErrorResponse {
  return (
    isRecord(value) &&
    isRecord(value.error) &&
    typeof value.error.code === 'string' &&
    typeof value.error.message === 'string'
  );
}

/**
 * @returns the parsed value, null for an empty body, undefined for a body that is not JSON.
 */
function parseJson(text: string): unknown {
  if (!text.trim()) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The error for a success status whose body is not what the API promises. */
export function unexpectedBody(endpoint: string): ArcadeRequestError {
  return new ArcadeRequestError({
    kind: 'invalid-response',
    status: 200,
    message: `The bridge answered ${endpoint} with an unexpected body`
  });
}
