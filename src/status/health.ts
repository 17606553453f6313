import type { HealthResponse } from 'arcade-kernel-bridge';
import type { ServerConnection } from '@jupyterlab/services';
import { ArcadeRequestError, isRecord, requestArcade } from '../request';

/**
 * `GET <baseUrl>arcade/api/health`, checked against the bridge's `HealthResponse`.
 */
export async function fetchHealth(
  settings: ServerConnection.ISettings
): Promise<HealthResponse> {
  const body = await requestArcade('api/health', settings);
  if (!isHealthResponse(body)) {
    throw new ArcadeRequestError({
      kind: 'invalid-response',
      status: 200,
      message: 'The bridge answered api/health with an unexpected body'
    });
  }
  return body;
}

export function isHealthResponse(value: unknown): value is HealthResponse {
  if (!isRecord(value) || value.status !== 'ok') {
    return false;
  }
  const { version, arcKernel, backends } = value;
  return (
    typeof version === 'string' &&
    isRecord(arcKernel) &&
    typeof arcKernel.installed === 'boolean' &&
    isRecord(backends) &&
    isRecord(backends.s3) &&
    typeof backends.s3.configured === 'boolean' &&
    isRecord(backends.git) &&
    typeof backends.git.configured === 'boolean'
  );
}
