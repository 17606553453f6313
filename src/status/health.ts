import type { HealthResponse } from 'arcade-engine';
import { isRecord, unexpectedBody } from '../request';
import type { IArcadeBridge } from '../tokens';

/**
 * `GET <baseUrl>arcade/api/health`, checked against the bridge's `HealthResponse`.
 */
export async function fetchHealth(
  bridge: IArcadeBridge
): Promise<HealthResponse> {
  const body = await bridge.request('api/health');
  if (!isHealthResponse(body)) {
    throw unexpectedBody('api/health');
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
