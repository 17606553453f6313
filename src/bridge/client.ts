import type { ConfigResponse } from 'arcade-engine';
import type { ServerConnection } from '@jupyterlab/services';
import { isRecord, requestArcade, unexpectedBody } from '../request';
import type { IArcadeBridge } from '../tokens';

function isConfigResponse(value: unknown): value is ConfigResponse {
  return (
    isRecord(value) &&
    typeof value.workspace === 'string' &&
    Array.isArray(value.environments) &&
    value.environments.every(e => typeof e === 'string')
  );
}

/**
 * The one client of the kernel-bridge the plugins share.
 */
export class ArcadeBridge implements IArcadeBridge {
  constructor(readonly serverSettings: ServerConnection.ISettings) {}

  request(endpoint: string, init: RequestInit = {}): Promise<unknown> {
    return requestArcade(endpoint, this.serverSettings, init);
  }

  config(): Promise<ConfigResponse> {
    if (this._config === null) {
      this._config = this.request('api/config').then(body => {
        if (!isConfigResponse(body)) {
          throw unexpectedBody('api/config');
        }
        return body;
      });
      // A bridge that is still starting answers later: ask again next time.
      this._config.catch(() => {
        this._config = null;
      });
    }
    return this._config;
  }

  private _config: Promise<ConfigResponse> | null = null;
}
