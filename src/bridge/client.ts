import type { ConfigResponse } from 'arcade-engine';
import type { ServerConnection } from '@jupyterlab/services';
import {
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import {
  isRecord,
  requestArcade,
  toRequestError,
  unexpectedBody
} from '../request';
import { describeError } from '../status/format';
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
  constructor(
    readonly serverSettings: ServerConnection.ISettings,
    options: ArcadeBridge.IOptions = {}
  ) {
    this._trans = options.trans ?? nullTranslator.load('jupyterlab_arcade');
    this._warn = options.warn ?? (message => console.warn(message));
  }

  request(endpoint: string, init: RequestInit = {}): Promise<unknown> {
    return requestArcade(endpoint, this.serverSettings, init);
  }

  config(): Promise<ConfigResponse | null> {
    if (this._config === null) {
      this._config = this.request('api/config')
        .then(body => {
          if (!isConfigResponse(body)) {
            throw unexpectedBody('api/config');
          }
          this._warned = false;
          return body;
        })
        .catch((error: unknown) => {
          // A bridge that is still starting answers later: ask again next time.
          this._config = null;
          this._warnOnce(error);
          return null;
        });
    }
    return this._config;
  }

  /** One warning per run of failures, not one per caller. */
  private _warnOnce(error: unknown): void {
    if (this._warned) {
      return;
    }
    this._warned = true;
    const trans = this._trans;
    this._warn(
      trans.__(
        'Arcade: the project configuration could not be read (%1); using the default environments until the bridge answers.',
        describeError(toRequestError(error), trans)
      )
    );
  }

  private readonly _trans: TranslationBundle;
  private readonly _warn: (message: string) => void;
  private _config: Promise<ConfigResponse | null> | null = null;
  private _warned = false;
}

export namespace ArcadeBridge {
  export interface IOptions {
    trans?: TranslationBundle;
    /** Shows a warning to the user; `console.warn` when absent. */
    warn?: (message: string) => void;
  }
}
