import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  InputDialog,
  MainAreaWidget,
  showErrorMessage
} from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { toRequestError } from '../request';
import { describeError } from '../status/format';
import { CommandIDs } from '../tokens';
import { fetchEnvironments, RunsApi } from './api';
import { RunModel } from './model';
import { RunPanel } from './panel';

const PLUGIN_ID = 'jupyterlab-arcade:runs';
const DEFAULT_ENVIRONMENT = 'dev';

function isArcNotebook(panel: NotebookPanel): boolean {
  return panel.context.model.getMetadata('kernelspec')?.name === 'arc';
}

async function showCell(
  app: JupyterFrontEnd,
  panel: NotebookPanel,
  cellIndex: number
): Promise<void> {
  if (panel.isDisposed) {
    return;
  }
  app.shell.activateById(panel.id);
  const notebook = panel.content;
  if (cellIndex >= notebook.widgets.length) {
    return;
  }
  notebook.activeCellIndex = cellIndex;
  const cell = notebook.widgets[cellIndex];
  await notebook.scrollToItem(cellIndex, 'center');
  cell.node.focus();
}

/**
 * "Run as job": runs the current Arc notebook as an Arc batch job through
 * the bridge and shows its stages live.
 */
export const runsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Runs an Arc notebook as a batch job and shows its progress.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_arcade');
    const serverSettings = app.serviceManager.serverSettings;
    const api = new RunsApi(serverSettings);

    const chooseEnvironment = async (): Promise<string | null> => {
      let environments: string[];
      try {
        environments = await fetchEnvironments(serverSettings);
      } catch (error) {
        const requestError = toRequestError(error);
        await showErrorMessage(
          trans.__('Cannot run as job'),
          trans.__('Arcade bridge: %1', describeError(requestError, trans))
        );
        return null;
      }
      const result = await InputDialog.getItem({
        title: trans.__('Run as job'),
        label: trans.__('Environment'),
        items: environments,
        current: Math.max(0, environments.indexOf(DEFAULT_ENVIRONMENT)),
        okLabel: trans.__('Run')
      });
      return result.button.accept ? result.value : null;
    };

    app.commands.addCommand(CommandIDs.runAsJob, {
      label: trans.__('Run as Job'),
      caption: trans.__(
        'Run this Arc notebook as a batch job on local Spark and follow its stages'
      ),
      // Enabled for every notebook: its kernelspec is only known once the file has loaded.
      isEnabled: () => tracker.currentWidget !== null,
      execute: async () => {
        const panel = tracker.currentWidget;
        if (panel === null) {
          return;
        }
        await panel.context.ready;
        if (!isArcNotebook(panel)) {
          await showErrorMessage(
            trans.__('Cannot run as job'),
            trans.__('%1 is not an Arc notebook.', panel.context.path)
          );
          return;
        }
        const environment = await chooseEnvironment();
        if (environment === null) {
          return;
        }
        // The job runs the file on disk, so it must hold what the user sees.
        if (panel.context.model.dirty) {
          await panel.context.save();
        }
        const model = new RunModel({
          api,
          notebookPath: panel.context.path,
          environment
        });
        const content = new RunPanel({
          model,
          trans,
          onShowCell: cellIndex => void showCell(app, panel, cellIndex)
        });
        const widget = new MainAreaWidget({ content });
        widget.id = `jp-Arcade-Run-${Date.now()}`;
        widget.title.label = trans.__('Job: %1', panel.title.label);
        widget.title.closable = true;
        widget.disposed.connect(() => {
          model.dispose();
        });
        app.shell.add(widget, 'main', { mode: 'split-right', ref: panel.id });
        await model.start();
      }
    });
    palette?.addItem({
      command: CommandIDs.runAsJob,
      category: trans.__('Arcade')
    });

    tracker.currentChanged.connect(() => {
      app.commands.notifyCommandChanged(CommandIDs.runAsJob);
    });
  }
};
