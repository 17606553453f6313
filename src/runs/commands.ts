import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  InputDialog,
  MainAreaWidget,
  Notification,
  type WidgetTracker
} from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { DEFAULT_ENVIRONMENTS } from 'arcade-engine/core';
import { isArcNotebook, openNotebook, showCell } from '../notebook';
import { describeError } from '../status/format';
import { CommandIDs, type IArcadeBridge } from '../tokens';
import { RunsApi } from './api';
import { runSummary } from './format';
import { RunModel } from './model';
import { RunPanel } from './panel';

const DEFAULT_ENVIRONMENT = 'dev';

/** The main-area widget of one run. */
export type RunWidget = MainAreaWidget<RunPanel>;

/** The id of a run's panel, the same after a reload. */
export function runWidgetId(runId: string): string {
  return `jp-Arcade-Run-${runId}`;
}

export interface IRunCommandsOptions {
  notebooks: INotebookTracker;
  /** The open run panels, saved for the layout restorer. */
  runs: WidgetTracker<RunWidget>;
  bridge: IArcadeBridge;
  trans: TranslationBundle;
}

/**
 * Registers "Run as job" and "Show run" (which opens the panel of a run
 * started before, as the layout restorer does after a reload).
 */
export function addCommands(
  app: JupyterFrontEnd,
  options: IRunCommandsOptions
): void {
  const { notebooks, runs, bridge, trans } = options;
  const api = new RunsApi(bridge);

  const chooseEnvironment = async (): Promise<string | null> => {
    const environments = (await bridge.config())?.environments ?? [
      ...DEFAULT_ENVIRONMENTS
    ];
    const result = await InputDialog.getItem({
      title: trans.__('Run as job'),
      label: trans.__('Environment'),
      items: environments,
      current: Math.max(0, environments.indexOf(DEFAULT_ENVIRONMENT)),
      okLabel: trans.__('Run')
    });
    return result.button.accept ? result.value : null;
  };

  const openPanel = (model: RunModel, ref: string | null): RunWidget => {
    const content = new RunPanel({
      model,
      trans,
      onShowCell: cellIndex => {
        void openNotebook(app.commands, notebooks, model.notebookPath).then(
          panel => {
            if (panel !== null) {
              void showCell(app.shell, panel, cellIndex);
            }
          }
        );
      }
    });
    const widget = new MainAreaWidget({ content });
    widget.title.label = trans.__(
      'Job: %1',
      model.notebookPath.split('/').pop() ?? model.notebookPath
    );
    widget.title.caption = trans.__(
      '%1 in %2',
      model.notebookPath,
      model.environment
    );
    widget.title.closable = true;
    widget.disposed.connect(() => {
      model.dispose();
    });
    app.shell.add(
      widget,
      'main',
      ref === null ? {} : { mode: 'split-right', ref }
    );
    return widget;
  };

  /** Tracks the panel once its run has an id, so a reload brings it back. */
  const track = (widget: RunWidget): void => {
    const runId = widget.content.model.runId;
    if (runId !== null && !runs.has(widget)) {
      widget.id = runWidgetId(runId);
      void runs.add(widget);
    }
  };

  app.commands.addCommand(CommandIDs.runAsJob, {
    label: trans.__('Run as Job'),
    caption: trans.__(
      'Run this Arc notebook as a batch job on local Spark and follow its stages'
    ),
    isEnabled: () => {
      const panel = notebooks.currentWidget;
      return panel !== null && isArcNotebook(panel);
    },
    execute: async () => {
      const panel = notebooks.currentWidget;
      if (panel === null || !isArcNotebook(panel)) {
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
      const widget = openPanel(model, panel.id);
      widget.id = `jp-Arcade-Run-starting-${Date.now()}`;
      reportProgress(widget, trans, () => app.shell.activateById(widget.id));
      await model.start();
      track(widget);
    }
  });

  app.commands.addCommand(CommandIDs.showRun, {
    label: trans.__('Show Run'),
    caption: trans.__('Show the progress of a batch run'),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          runId: { type: 'string' },
          path: { type: 'string' },
          environment: { type: 'string' }
        },
        required: ['runId', 'path', 'environment']
      }
    },
    execute: async args => {
      const { runId, path, environment } = args;
      if (
        typeof runId !== 'string' ||
        typeof path !== 'string' ||
        typeof environment !== 'string'
      ) {
        return;
      }
      const open = runs.find(w => w.content.model.runId === runId);
      if (open !== undefined) {
        app.shell.activateById(open.id);
        return;
      }
      const model = new RunModel({ api, notebookPath: path, environment });
      const widget = openPanel(model, null);
      widget.id = runWidgetId(runId);
      void runs.add(widget);
      await model.follow(runId);
    }
  });
}

/**
 * Reports a run through JupyterLab's notifications: in progress while it
 * runs, then its summary, with an action that shows its panel.
 */
function reportProgress(
  widget: RunWidget,
  trans: TranslationBundle,
  show: () => void
): void {
  const model = widget.content.model;
  const actions = [{ label: trans.__('Show'), callback: show }];
  const id = Notification.emit(
    trans.__('Running %1 in %2…', model.notebookPath, model.environment),
    'in-progress',
    { autoClose: false, actions }
  );
  const update = (): void => {
    const view = model.view;
    if (view.status === 'running') {
      return;
    }
    model.changed.disconnect(update);
    widget.disposed.disconnect(dismiss);
    const failed = view.status !== 'succeeded';
    Notification.update({
      id,
      message:
        model.error !== null && model.runId === null
          ? trans.__(
              'Cannot run %1: %2',
              model.notebookPath,
              describeError(model.error, trans)
            )
          : trans.__('%1: %2', model.notebookPath, runSummary(view, trans)),
      type: failed ? 'error' : 'success',
      autoClose: failed ? false : 5000,
      actions
    });
  };
  // Closing the panel stops following the run, so its progress is no longer known.
  const dismiss = (): void => {
    Notification.dismiss(id);
  };
  model.changed.connect(update);
  widget.disposed.connect(dismiss);
}
