import type { ConfigResponse, HealthResponse } from 'arcade-engine';
import type { Settings } from './config';
import { findArcKernel } from './kernelspec';
import { VERSION } from './version';

/** The non-secret view of the settings, as `GET /api/config` returns it. */
export function publicConfig(settings: Settings): ConfigResponse {
  return {
    workspace: settings.workspace,
    s3: {
      endpoint: settings.s3.endpoint,
      region: settings.s3.region,
      artifactBucket: settings.s3.artifactBucket,
      lakeBucket: settings.s3.lakeBucket
    },
    git: { remote: settings.git.displayRemote },
    environments: [...settings.environments]
  };
}

/** What the status bar shows: bridge version, Arc kernel, backends. */
export async function health(settings: Settings): Promise<HealthResponse> {
  return {
    status: 'ok',
    version: VERSION,
    arcKernel: await findArcKernel(settings.kernelspecDirs),
    backends: {
      s3: {
        configured:
          settings.s3.endpoint !== null ||
          settings.awsCredentialSource !== 'none',
        endpoint: settings.s3.endpoint
      },
      git: {
        configured: settings.git.displayRemote !== null,
        remote: settings.git.displayRemote
      }
    }
  };
}
