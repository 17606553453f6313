import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import { isArcNotebook } from '../notebook';
import { CommandIDs, IArcadeBridge, IArcadeGitModel } from '../tokens';
import { ScheduleApi } from './api';
import { addCommands } from './commands';
import { repoRelative } from './format';
import { ArgoRunsModel } from './model';
import { ArgoRunsPanel } from './panel';

/** A clock: schedules and their runs. */
export const scheduleIcon = new LabIcon({
  name: 'jupyterlab-arcade:schedule',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">' +
    '<g class="jp-icon3" fill="none" stroke="#616161" stroke-width="1.5">' +
    '<circle cx="8" cy="8" r="6.2"/><path d="M8 4.2V8l2.8 1.8"/></g></svg>'
});

/**
 * "Schedule as Argo workflow" on Arc notebooks and the Argo runs panel in
 * the right sidebar, which follows the current notebook and comes back
 * after a reload.
 */
export const schedulePlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-arcade:schedule',
  description:
    'Schedules published notebooks as Argo workflows and follows their runs and logs.',
  autoStart: true,
  requires: [IArcadeBridge, IArcadeGitModel, INotebookTracker],
  optional: [ITranslator, ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    bridge: IArcadeBridge,
    git: IArcadeGitModel,
    notebooks: INotebookTracker,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_arcade');
    const api = new ScheduleApi(bridge, () => git.status?.repo ?? git.repo);
    const model = new ArgoRunsModel({ api });
    const panel = new ArgoRunsPanel(model, trans);
    panel.title.icon = scheduleIcon;
    app.shell.add(panel, 'right', { rank: 700 });
    restorer?.add(panel, 'arcade-argo-runs');
    addCommands(app, { api, git, notebooks, panel, trans });

    // The panel's "This notebook" is the current Arc notebook.
    const follow = (): void => {
      const current = notebooks.currentWidget;
      panel.setNotebook(
        current !== null && isArcNotebook(current)
          ? repoRelative(current.context.path, git.status?.repo ?? '.')
          : null
      );
      app.commands.notifyCommandChanged(CommandIDs.scheduleNotebook);
    };
    notebooks.currentChanged.connect(follow);
    notebooks.widgetAdded.connect((_, added) => {
      void added.context.ready.then(follow);
    });

    for (const command of [
      CommandIDs.scheduleNotebook,
      CommandIDs.showArgoRuns
    ]) {
      palette?.addItem({ command, category: trans.__('Arcade') });
    }
  }
};
