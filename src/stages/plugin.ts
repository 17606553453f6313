import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  InputDialog,
  MainAreaWidget,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { ICompletionProviderManager } from '@jupyterlab/completer';
import {
  EditorExtensionRegistry,
  IEditorExtensionRegistry
} from '@jupyterlab/codemirror';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { StageOptions } from 'arcade-kernel-bridge';
import { INotebookTracker } from '@jupyterlab/notebook';
import {
  ITranslator,
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import { addBelowIcon, editIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import { toRequestError } from '../request';
import { describeError } from '../status/format';
import { CommandIDs } from '../tokens';
import { isMissingEndpoint, StagesApi } from './api';
import {
  fetchStagesContext,
  loadEngine,
  LocalStagesApi,
  type StageEngine
} from './engine';
import { sparkSqlExtension } from './editor';
import { layoutLineage } from './lineage';
import { LineageView } from './lineageView';
import { sqlStageSource, uniqueName } from './magic';
import { minimalEdit, StageOptionsForm } from './optionsForm';
import { SqlCompletionProvider } from './completion';
import { insertionContext, notebookForBridge } from './content';
import { sqlStageIcon } from './icons';
import { isArcNotebook, NotebookStages } from './notebook';
import { ProblemsPanel } from './problems';
import { STAGE_TEMPLATES } from './templates';

const PLUGIN_ID = 'jupyterlab-arcade:stages';

/**
 * Stage headers, Spark SQL highlighting, lint underlines, the Problems
 * panel, the lineage graph and the stage commands for Arc notebooks.
 */
export const stagesPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Stage headers, Spark SQL highlighting, lint problems and lineage for Arc notebooks.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [
    ITranslator,
    ICommandPalette,
    IEditorExtensionRegistry,
    ICompletionProviderManager
  ],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    extensions: IEditorExtensionRegistry | null,
    completion: ICompletionProviderManager | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_arcade');
    const settings = app.serviceManager.serverSettings;
    // Compile, lint and lineage run in the browser; the bridge is the fallback.
    const api = new LocalStagesApi({
      bridge: new StagesApi(settings),
      context: () => fetchStagesContext(settings)
    });
    // Keyed by panel; the completer looks entries up by its widget.
    const stages = new Map<Widget, NotebookStages>();

    extensions?.addExtension({
      name: 'jupyterlab-arcade:spark-sql',
      factory: options =>
        EditorExtensionRegistry.createImmutableExtension(
          sparkSqlExtension(options.model.sharedModel.getSource())
        )
    });

    completion?.registerProvider(
      new SqlCompletionProvider(
        widget => {
          const entry = stages.get(widget);
          if (!entry || !isArcNotebook(entry.panel)) {
            return null;
          }
          const compiled = entry.model.state.compiled;
          return {
            headers: entry.model.state.headers.values(),
            cell: entry.panel.content.activeCellIndex,
            names: Promise.all([
              compiled ? api.viewColumns(compiled) : new Map(),
              api.knownTables()
            ]).then(([columns, tables]) => ({ columns, tables }))
          };
        },
        {
          view: trans.__('view'),
          column: trans.__('column'),
          table: trans.__('table')
        }
      )
    );

    const goTo = async (
      panel: NotebookPanel,
      cellIndex: number,
      line?: number,
      column?: number
    ): Promise<void> => {
      if (panel.isDisposed || cellIndex >= panel.content.widgets.length) {
        return;
      }
      app.shell.activateById(panel.id);
      const notebook = panel.content;
      notebook.activeCellIndex = cellIndex;
      await notebook.scrollToItem(cellIndex, 'center');
      const cell = notebook.widgets[cellIndex];
      await cell.ready;
      if (line !== undefined && cell.editor) {
        notebook.mode = 'edit';
        const position = {
          line: Math.max(0, line - 1),
          column: Math.max(0, (column ?? 1) - 1)
        };
        cell.editor.setCursorPosition(position);
        cell.editor.revealPosition(position);
        cell.editor.focus();
      } else {
        cell.node.focus();
      }
    };

    const problems = new ProblemsPanel({
      trans,
      onSelect: diagnostic => {
        const current = tracker.currentWidget;
        if (current && diagnostic.cell !== null) {
          void goTo(
            current,
            diagnostic.cell,
            diagnostic.line,
            diagnostic.column
          );
        }
      }
    });
    problems.id = 'jp-Arcade-Problems';
    problems.title.label = trans.__('Problems');
    problems.title.caption = trans.__(
      'Arc lint problems of the current notebook'
    );
    app.shell.add(problems, 'right', { rank: 900 });

    const showProblems = (): void => {
      app.shell.activateById(problems.id);
    };

    const updateProblems = (): void => {
      const panel = tracker.currentWidget;
      const entry = panel ? stages.get(panel) : undefined;
      if (!panel || !entry || !isArcNotebook(panel)) {
        problems.render({ path: null, diagnostics: [], notice: null });
        return;
      }
      const state = entry.model.state;
      let notice: string | null = null;
      if (!state.lintAvailable) {
        notice = trans.__(
          'This Arcade bridge has no linter yet (POST /api/stages/lint answered 404). Stage headers still come from the compiler.'
        );
      } else if (state.error) {
        notice = trans.__(
          'Arcade bridge: %1',
          describeError(state.error, trans)
        );
      }
      problems.render({
        path: panel.context.path,
        diagnostics: state.diagnostics,
        notice
      });
    };

    tracker.widgetAdded.connect((_, panel) => {
      const entry = new NotebookStages({
        panel,
        api,
        trans,
        onProblems: showProblems
      });
      stages.set(panel, entry);
      entry.rendered.connect(() => {
        if (tracker.currentWidget === panel) {
          updateProblems();
        }
      });
      panel.disposed.connect(() => {
        entry.dispose();
        stages.delete(panel);
      });
    });
    tracker.currentChanged.connect(() => {
      updateProblems();
      for (const id of Object.values(CommandIDs)) {
        app.commands.notifyCommandChanged(id);
      }
    });

    const current = (): NotebookStages | null => {
      const panel = tracker.currentWidget;
      return panel ? (stages.get(panel) ?? null) : null;
    };
    const hasNotebook = (): boolean => tracker.currentWidget !== null;

    const insertBelow = (entry: NotebookStages, source: string): void => {
      const notebook = entry.panel.content;
      const model = notebook.model;
      if (!model) {
        return;
      }
      const index = Math.max(0, notebook.activeCellIndex) + 1;
      model.sharedModel.insertCell(Math.min(index, model.cells.length), {
        cell_type: 'code',
        source,
        metadata: {}
      });
      notebook.activeCellIndex = Math.min(index, model.cells.length - 1);
      void notebook.scrollToItem(notebook.activeCellIndex, 'center');
    };

    app.commands.addCommand(CommandIDs.addSqlStage, {
      label: trans.__('Add SQL Stage'),
      icon: args => (args.toolbar ? sqlStageIcon : undefined),
      caption: trans.__('Insert a %sql stage cell below the active cell'),
      isEnabled: hasNotebook,
      execute: async () => {
        const entry = current();
        if (!entry) {
          return;
        }
        const environments = await api.environments();
        const context = insertionContext(
          entry.model.state.headers.values(),
          entry.panel.content.activeCellIndex
        );
        const name = uniqueName('transform', [
          ...context.names,
          ...context.views
        ]);
        insertBelow(
          entry,
          sqlStageSource({
            name,
            outputView: uniqueName(name, context.views),
            inputView: context.inputView,
            environments
          })
        );
      }
    });

    app.commands.addCommand(CommandIDs.addStage, {
      label: trans.__('Add Stage…'),
      icon: args => (args.toolbar ? addBelowIcon : undefined),
      caption: trans.__(
        'Insert an Arc stage from a template below the active cell'
      ),
      isEnabled: hasNotebook,
      execute: async () => {
        const entry = current();
        if (!entry) {
          return;
        }
        const items = STAGE_TEMPLATES.map(
          t => `${t.type} — ${trans.__(t.description)}`
        );
        const result = await InputDialog.getItem({
          title: trans.__('Add stage'),
          label: trans.__('Stage type'),
          items,
          okLabel: trans.__('Insert')
        });
        const template = result.button.accept
          ? STAGE_TEMPLATES[items.indexOf(result.value ?? '')]
          : undefined;
        if (!template) {
          return;
        }
        const environments = await api.environments();
        const context = insertionContext(
          entry.model.state.headers.values(),
          entry.panel.content.activeCellIndex
        );
        const base = template.type
          .replace(/([a-z])([A-Z])/g, '$1_$2')
          .toLowerCase();
        const name = uniqueName(base, context.names);
        insertBelow(
          entry,
          template.source({
            name,
            outputView: uniqueName(name, context.views),
            inputView: context.inputView,
            environments
          })
        );
      }
    });

    app.commands.addCommand(CommandIDs.showCompiledJob, {
      label: trans.__('Show Compiled Job'),
      caption: trans.__('Show the Arc job this notebook compiles to'),
      isEnabled: hasNotebook,
      execute: async () => {
        const entry = current();
        if (!entry) {
          return;
        }
        const state = await entry.refresh();
        if (!state.compiled) {
          await showErrorMessage(
            trans.__('Cannot compile the notebook'),
            state.error
              ? trans.__(
                  'Arcade bridge: %1',
                  describeError(state.error, trans)
                ) + `\n${state.error.message}`
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
      isEnabled: hasNotebook,
      execute: async () => {
        const entry = current();
        if (!entry) {
          return;
        }
        showProblems();
        await entry.refresh();
        updateProblems();
      }
    });

    app.commands.addCommand(CommandIDs.editStageOptions, {
      label: trans.__('Edit Stage Options…'),
      icon: args => (args.toolbar ? editIcon : undefined),
      caption: trans.__(
        'Edit the options of the active stage cell (magic line or HOCON) in a form'
      ),
      isEnabled: hasNotebook,
      execute: async () => {
        const cell = tracker.activeCell;
        if (!current() || !cell) {
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
      execute: showProblems
    });

    app.commands.addCommand(CommandIDs.showLineage, {
      label: trans.__('Show Lineage'),
      caption: trans.__('Draw how the views of this notebook feed each other'),
      isEnabled: hasNotebook,
      execute: async () => {
        const entry = current();
        if (!entry) {
          return;
        }
        const panel = entry.panel;
        const content = new LineageView({
          trans,
          onSelect: node => {
            if (node.cell !== null) {
              void goTo(panel, node.cell);
            }
          }
        });
        const widget = new MainAreaWidget({ content });
        widget.id = `jp-Arcade-Lineage-${Date.now()}`;
        content.id = `${widget.id}-graph`;
        widget.title.label = trans.__('Lineage: %1', panel.title.label);
        widget.title.closable = true;
        app.shell.add(widget, 'main', { mode: 'split-right', ref: panel.id });
        const draw = async (): Promise<void> => {
          try {
            const response = await api.lineage(
              notebookForBridge(panel.context.model.toJSON())
            );
            content.render(layoutLineage(response));
          } catch (error) {
            content.showMessage(
              isMissingEndpoint(error)
                ? trans.__(
                    'This Arcade bridge cannot draw lineage yet (POST /api/stages/lineage answered 404).'
                  )
                : trans.__(
                    'Arcade bridge: %1',
                    describeError(toRequestError(error), trans)
                  )
            );
          }
        };
        // Redraw after each compile, so the graph follows the notebook as it is edited.
        // The widget is the receiver, so disposing it disconnects the redraw.
        entry.rendered.connect(() => void draw(), widget);
        content.showMessage(trans.__('Drawing lineage…'));
        await draw();
      }
    });

    if (palette) {
      for (const command of [
        CommandIDs.addSqlStage,
        CommandIDs.addStage,
        CommandIDs.showCompiledJob,
        CommandIDs.lintNotebook,
        CommandIDs.showProblems,
        CommandIDs.showLineage,
        CommandIDs.editStageOptions
      ]) {
        palette.addItem({ command, category: trans.__('Arcade') });
      }
    }
  }
};

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
