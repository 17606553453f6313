import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
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
  activate: (app: JupyterFrontEnd): IArcadeBridge =>
    new ArcadeBridge(app.serviceManager.serverSettings)
};
