import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  InputDialog,
  MainAreaWidget,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { addBelowIcon, editIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import type { StageOptions, StageTemplateOptions } from 'arcade-engine';
import { insertCodeCellBelow, openNotebook } from '../notebook';
import { describeError } from '../status/format';
import {
  CommandIDs,
  type IArcadeStages,
  type INotebookStages
} from '../tokens';
import { insertionContext } from './content';
import { loadEngine, type LocalStagesApi, type StageEngine } from './engine';
import { sqlStageIcon } from './icons';
import { minimalEdit, StageOptionsForm } from './optionsForm';
import type { LineagePanels } from './panels';
import { templateBaseName, uniqueName } from './templates';

export interface IStageCommandsOptions {
  notebooks: INotebookTracker;
  stages: IArcadeStages;
  api: LocalStagesApi;
  lineage: LineagePanels;
  trans: TranslationBundle;
  /** Show the Problems panel. */
  showProblems: () => void;
}

/** The stage commands that act on the current Arc notebook. */
export const STAGE_COMMANDS = [
  CommandIDs.addSqlStage,
  CommandIDs.addStage,
  CommandIDs.showCompiledJob,
  CommandIDs.lintNotebook,
  CommandIDs.showLineage,
  CommandIDs.editStageOptions
];

/**
 * Registers the stage commands. Each acts on the current notebook and is
 * enabled only while that is an Arc notebook.
 */
export function addCommands(
  app: JupyterFrontEnd,
  options: IStageCommandsOptions
): void {
  const { notebooks, stages, api, lineage, trans, showProblems } = options;
  const isArc = (): boolean => stages.current !== null;

  const insertBelow = (entry: INotebookStages, source: string): void => {
    insertCodeCellBelow(entry.panel, source);
  };

  const addStageTitle = trans.__('Add stage');

  /** The engine, which writes new stage cells; null (after saying why) when it cannot be loaded. */
  const stageWriter = async (): Promise<StageEngine | null> => {
    try {
      return await loadEngine();
    } catch (error) {
      await showErrorMessage(
        addStageTitle,
        trans.__(
          'The stage engine could not be loaded (%1). Reload JupyterLab and try again.',
          error instanceof Error ? error.message : String(error)
        )
      );
      return null;
    }
  };

  /**
   * Names a new stage below the active cell and inserts its source there;
   * the engine's `source` writes the options, and refuses (StageOptionsError)
   * a value Arc would misread.
   */
  const insertStage = async (
    entry: INotebookStages,
    base: string,
    reservedViews: boolean,
    source: (options: StageTemplateOptions) => string
  ): Promise<void> => {
    const environments = await api.environments();
    const context = insertionContext(
      entry.state.headers.values(),
      entry.panel.content.activeCellIndex
    );
    const name = uniqueName(
      base,
      reservedViews ? [...context.names, ...context.views] : context.names
    );
    let text: string;
    try {
      text = source({
        name,
        outputView: uniqueName(name, context.views),
        inputView: context.inputView,
        environments
      });
    } catch (error) {
      await showErrorMessage(addStageTitle, describeOptionsError(error, trans));
      return;
    }
    insertBelow(entry, text);
  };

  app.commands.addCommand(CommandIDs.addSqlStage, {
    label: trans.__('Add SQL Stage'),
    icon: args => (args.toolbar ? sqlStageIcon : undefined),
    caption: trans.__('Insert a %sql stage cell below the active cell'),
    isEnabled: isArc,
    execute: async () => {
      const entry = stages.current;
      const engine = entry === null ? null : await stageWriter();
      if (entry !== null && engine !== null) {
        await insertStage(entry, 'transform', true, engine.sqlStageSource);
      }
    }
  });

  app.commands.addCommand(CommandIDs.addStage, {
    label: trans.__('Add Stage…'),
    icon: args => (args.toolbar ? addBelowIcon : undefined),
    caption: trans.__(
      'Insert an Arc stage from a template below the active cell'
    ),
    isEnabled: isArc,
    execute: async () => {
      const entry = stages.current;
      const engine = entry === null ? null : await stageWriter();
      if (entry === null || engine === null) {
        return;
      }
      const templates = engine.STAGE_TEMPLATES;
      const items = templates.map(
        t => `${t.type} — ${trans.__(t.description)}`
      );
      const result = await InputDialog.getItem({
        title: addStageTitle,
        label: trans.__('Stage type'),
        items,
        okLabel: trans.__('Insert')
      });
      const template = result.button.accept
        ? templates[items.indexOf(result.value ?? '')]
        : undefined;
      if (template === undefined) {
        return;
      }
      await insertStage(
        entry,
        templateBaseName(template.type),
        false,
        template.source
      );
    }
  });

  app.commands.addCommand(CommandIDs.showCompiledJob, {
    label: trans.__('Show Compiled Job'),
    caption: trans.__('Show the Arc job this notebook compiles to'),
    isEnabled: isArc,
    execute: async () => {
      const entry = stages.current;
      if (entry === null) {
        return;
      }
      const state = await entry.refresh();
      if (!state.compiled) {
        await showErrorMessage(
          trans.__('Cannot compile the notebook'),
          state.error
            ? trans.__('Arcade bridge: %1', describeError(state.error, trans)) +
                `\n${state.error.message}`
            : trans.__('The notebook did not compile.')
        );
        return;
      }
      const content = new Widget();
      content.addClass('jp-Arcade-CompiledJob');
      const pre = document.createElement('pre');
      pre.textContent = JSON.stringify(state.compiled.job, null, 2);
      pre.tabIndex = 0;
      content.node.appendChild(pre);
      const widget = new MainAreaWidget({ content });
      widget.id = `jp-Arcade-CompiledJob-${Date.now()}`;
      widget.title.label = trans.__('Job: %1', entry.panel.title.label);
      widget.title.closable = true;
      app.shell.add(widget, 'main', {
        mode: 'split-right',
        ref: entry.panel.id
      });
    }
  });

  app.commands.addCommand(CommandIDs.lintNotebook, {
    label: trans.__('Lint Notebook'),
    caption: trans.__('Check the Arc notebook and list its problems'),
    isEnabled: isArc,
    execute: async () => {
      const entry = stages.current;
      if (entry === null) {
        return;
      }
      showProblems();
      await entry.refresh();
    }
  });

  app.commands.addCommand(CommandIDs.editStageOptions, {
    label: trans.__('Edit Stage Options…'),
    icon: args => (args.toolbar ? editIcon : undefined),
    caption: trans.__(
      'Edit the options of the active stage cell (magic line or HOCON) in a form'
    ),
    isEnabled: isArc,
    execute: async () => {
      const cell = notebooks.activeCell;
      if (stages.current === null || !cell) {
        return;
      }
      const title = trans.__('Edit stage options');
      let engine: StageEngine;
      try {
        engine = await loadEngine();
      } catch (error) {
        await showErrorMessage(
          title,
          trans.__(
            'The stage engine could not be loaded (%1). Reload JupyterLab and try again.',
            error instanceof Error ? error.message : String(error)
          )
        );
        return;
      }
      let stage: StageOptions | null;
      try {
        stage = engine.readStageOptions(cell.model.sharedModel.getSource());
      } catch (error) {
        await showErrorMessage(title, describeOptionsError(error, trans));
        return;
      }
      if (stage === null) {
        await showErrorMessage(
          title,
          trans.__(
            'The active cell is not a stage: Arc skips it in a job. Stage cells are HOCON objects or start with %sql, %sqlvalidate, %arc, %log, %configexecute, %metadatafilter or %metadatavalidate.'
          )
        );
        return;
      }
      const form = new StageOptionsForm(
        stage,
        stage.type === null ? null : engine.stageKeys(stage.type),
        trans
      );
      const result = await showDialog({
        title: trans.__('Stage options'),
        body: form,
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.okButton({ label: trans.__('Apply') })
        ]
      });
      if (!result.button.accept || result.value === null || cell.isDisposed) {
        return;
      }
      // Read again: the cell may have changed while the dialog was open.
      const before = cell.model.sharedModel.getSource();
      let after: string;
      try {
        after = engine.writeStageOptions(before, result.value);
      } catch (error) {
        await showErrorMessage(title, describeOptionsError(error, trans));
        return;
      }
      const edit = minimalEdit(before, after);
      if (edit) {
        cell.model.sharedModel.updateSource(edit.from, edit.to, edit.text);
      }
    }
  });

  app.commands.addCommand(CommandIDs.showProblems, {
    label: trans.__('Show Problems'),
    caption: trans.__('Show the lint problems of the current Arc notebook'),
    execute: showProblems
  });

  app.commands.addCommand(CommandIDs.showLineage, {
    label: trans.__('Show Lineage'),
    caption: trans.__('Draw how the views of this notebook feed each other'),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          path: {
            type: 'string',
            description: trans.__(
              'The notebook to draw; the current one by default'
            )
          }
        }
      }
    },
    isEnabled: args => typeof args.path === 'string' || isArc(),
    execute: async args => {
      const panel =
        typeof args.path === 'string'
          ? await openNotebook(app.commands, notebooks, args.path)
          : (stages.current?.panel ?? null);
      if (panel !== null) {
        await lineage.open(panel);
      }
    }
  });

  const changed = (): void => {
    for (const id of STAGE_COMMANDS) {
      app.commands.notifyCommandChanged(id);
    }
  };
  stages.currentChanged.connect(changed);
}

/** What went wrong reading or writing a stage's options, with the place in the cell when known. */
function describeOptionsError(
  error: unknown,
  trans: TranslationBundle
): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const where = error as Error & {
    key?: string | null;
    line?: number | null;
    column?: number | null;
  };
  const parts: string[] = [];
  if (typeof where.line === 'number') {
    parts.push(trans.__('line %1, column %2', where.line, where.column ?? 1));
  }
  if (typeof where.key === 'string') {
    parts.push(trans.__('option "%1"', where.key));
  }
  return parts.length > 0
    ? `${error.message} (${parts.join(', ')})`
    : error.message;
}
