import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IArcadeBridge } from '../tokens';
import { ArcadeBridge } from './client';

/**
 * Provides the kernel-bridge client every other Arcade plugin calls through.
 */
export const bridgePlugin: JupyterFrontEndPlugin<IArcadeBridge> = {
  id: 'jupyterlab-arcade:bridge',
  description: 'The client of the Arcade kernel-bridge.',
  autoStart: true,
  provides: IArcadeBridge,
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    translator: ITranslator | null
  ): IArcadeBridge =>
    new ArcadeBridge(app.serviceManager.serverSettings, {
      trans: (translator ?? nullTranslator).load('jupyterlab_arcade'),
      warn: message => {
        Notification.warning(message, { autoClose: 8000 });
      }
    })
};
