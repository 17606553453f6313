import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import {
  CommandIDs,
  IArcadeBridge,
  IArcadeGitModel,
  IArcadeStages
} from '../tokens';
import { PublishApi } from './api';
import { addCommands, type VersionsWidget } from './commands';

/**
 * Publish to S3 (notebook toolbar, Git panel's Commit & Publish) and the
 * versions view, which comes back after a reload.
 */
export const publishPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-arcade:publish',
  description:
    'Publishes the committed version to S3 and shows the published versions.',
  autoStart: true,
  requires: [IArcadeBridge, IArcadeGitModel, INotebookTracker],
  optional: [IArcadeStages, ITranslator, ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    bridge: IArcadeBridge,
    git: IArcadeGitModel,
    notebooks: INotebookTracker,
    stages: IArcadeStages | null,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_arcade');
    const versions = new WidgetTracker<VersionsWidget>({
      namespace: 'arcade-versions'
    });
    addCommands(app, {
      api: new PublishApi(bridge, () => git.status?.repo ?? git.repo),
      git,
      notebooks,
      stages,
      versions,
      trans
    });
    void restorer?.restore(versions, {
      command: CommandIDs.showVersions,
      name: () => 'versions'
    });
    for (const command of [CommandIDs.publish, CommandIDs.showVersions]) {
      palette?.addItem({ command, category: trans.__('Arcade') });
    }
  }
};
