import type { HealthResponse } from 'arcade-engine';

export function makeHealth(
  overrides: Partial<HealthResponse> = {}
): HealthResponse {
  return {
    status: 'ok',
    version: '0.1.0',
    arcKernel: { installed: true, name: 'arc', displayName: 'Arc' },
    backends: {
      s3: { configured: true, endpoint: 'http://127.0.0.1:9010' },
      git: { configured: false, remote: null }
    },
    ...overrides
  };
}
