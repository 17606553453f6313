import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { CommandIDs, IArcadeBridge, IArcadeStatusModel } from '../tokens';
import { fetchHealth } from './health';
import { ArcadeStatusModel } from './model';
import { ArcadeStatusItem } from './view';

const PLUGIN_ID = 'jupyterlab-arcade:status';

/**
 * Shows in the status bar whether the kernel-bridge answers, and provides
 * that state to other Arcade plugins.
 */
export const statusPlugin: JupyterFrontEndPlugin<IArcadeStatusModel> = {
  id: PLUGIN_ID,
  description:
    'Shows whether the Arcade kernel-bridge is reachable in the status bar.',
  autoStart: true,
  provides: IArcadeStatusModel,
  requires: [IArcadeBridge],
  optional: [IStatusBar, ISettingRegistry, ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    bridge: IArcadeBridge,
    statusBar: IStatusBar | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ): IArcadeStatusModel => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_arcade');
    const model = new ArcadeStatusModel({ check: () => fetchHealth(bridge) });

    app.commands.addCommand(CommandIDs.checkConnection, {
      label: trans.__('Check Arcade Bridge Connection'),
      caption: trans.__('Ask the Arcade kernel-bridge for its health now'),
      execute: () => model.refresh()
    });
    palette?.addItem({
      command: CommandIDs.checkConnection,
      category: trans.__('Arcade')
    });

    if (statusBar) {
      const item = new ArcadeStatusItem({
        model,
        trans,
        onActivate: () => {
          void app.commands.execute(CommandIDs.checkConnection);
        }
      });
      statusBar.registerStatusItem(PLUGIN_ID, {
        item,
        align: 'left',
        rank: 100
      });
    }

    if (settingRegistry) {
      const applySettings = (settings: ISettingRegistry.ISettings): void => {
        const seconds = (key: string, fallback: number): number => {
          const value = settings.get(key).composite;
          return typeof value === 'number' ? value * 1000 : fallback;
        };
        model.configure({
          interval: seconds(
            'pollInterval',
            ArcadeStatusModel.DEFAULTS.interval
          ),
          maxInterval: seconds(
            'maxBackoffInterval',
            ArcadeStatusModel.DEFAULTS.maxInterval
          )
        });
      };
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          applySettings(settings);
          settings.changed.connect(applySettings);
        })
        .catch(reason => {
          console.error(`${PLUGIN_ID}: could not load settings`, reason);
        });
    }

    return model;
  }
};
