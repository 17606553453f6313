import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { CommandIDs, IArcadeBridge } from '../tokens';
import { addCommands, type RunWidget } from './commands';

/**
 * "Run as job": runs the current Arc notebook as an Arc batch job through
 * the bridge and shows its stages live; run panels come back after a reload.
 */
export const runsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-arcade:runs',
  description: 'Runs an Arc notebook as a batch job and shows its progress.',
  autoStart: true,
  requires: [INotebookTracker, IArcadeBridge],
  optional: [ITranslator, ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker,
    bridge: IArcadeBridge,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_arcade');
    const runs = new WidgetTracker<RunWidget>({ namespace: 'arcade-run' });
    addCommands(app, { notebooks, runs, bridge, trans });

    void restorer?.restore(runs, {
      command: CommandIDs.showRun,
      args: widget => ({
        runId: widget.content.model.runId,
        path: widget.content.model.notebookPath,
        environment: widget.content.model.environment
      }),
      name: widget => widget.content.model.runId ?? ''
    });

    palette?.addItem({
      command: CommandIDs.runAsJob,
      category: trans.__('Arcade')
    });

    // The command is enabled only on Arc notebooks, which are known once loaded.
    const changed = (): void => {
      app.commands.notifyCommandChanged(CommandIDs.runAsJob);
    };
    notebooks.currentChanged.connect(changed);
    notebooks.widgetAdded.connect((_, panel) => {
      void panel.context.ready.then(changed);
      panel.context.model.metadataChanged.connect(changed);
    });
  }
};
