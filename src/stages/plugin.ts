import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import {
  EditorExtensionRegistry,
  IEditorExtensionRegistry
} from '@jupyterlab/codemirror';
import { ICompletionProviderManager } from '@jupyterlab/completer';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { isArcNotebook } from '../notebook';
import {
  CommandIDs,
  IArcadeBridge,
  IArcadeCatalog,
  IArcadeStages
} from '../tokens';
import { StagesApi } from './api';
import { addCommands, STAGE_COMMANDS } from './commands';
import { SqlCompletionProvider } from './completion';
import { sparkSqlExtension } from './editor';
import { fetchStagesContext, LocalStagesApi } from './engine';
import { addProblemsPanel, LineagePanels, PROBLEMS_ID } from './panels';
import { StagesRegistry } from './registry';

/**
 * Stage headers, Spark SQL highlighting, lint underlines, the Problems
 * panel, the lineage graph and the stage commands for Arc notebooks.
 */
export const stagesPlugin: JupyterFrontEndPlugin<IArcadeStages> = {
  id: 'jupyterlab-arcade:stages',
  description:
    'Stage headers, Spark SQL highlighting, lint problems and lineage for Arc notebooks.',
  autoStart: true,
  provides: IArcadeStages,
  requires: [INotebookTracker, IArcadeBridge],
  optional: [
    ITranslator,
    ICommandPalette,
    IEditorExtensionRegistry,
    ICompletionProviderManager,
    ILayoutRestorer,
    IArcadeCatalog
  ],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker,
    bridge: IArcadeBridge,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    extensions: IEditorExtensionRegistry | null,
    completion: ICompletionProviderManager | null,
    restorer: ILayoutRestorer | null,
    catalog: IArcadeCatalog | null
  ): IArcadeStages => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_arcade');
    // Compile, lint and lineage run in the browser; the bridge is the fallback.
    const api = new LocalStagesApi({
      bridge: new StagesApi(bridge),
      context: () => fetchStagesContext(bridge)
    });
    const showProblems = (): void => {
      app.shell.activateById(PROBLEMS_ID);
    };
    const stages = new StagesRegistry({
      notebooks,
      api,
      trans,
      onProblems: showProblems,
      catalog
    });

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
          const entry =
            widget instanceof NotebookPanel ? stages.get(widget) : null;
          if (entry === null || !isArcNotebook(entry.panel)) {
            return null;
          }
          const compiled = entry.state.compiled;
          return {
            headers: entry.state.headers.values(),
            cell: entry.panel.content.activeCellIndex,
            names: (compiled
              ? api.viewColumns(compiled)
              : Promise.resolve(new Map<string, string[]>())
            ).then(columns => ({ columns }))
          };
        },
        {
          view: trans.__('view'),
          column: trans.__('column'),
          table: trans.__('table')
        }
      )
    );

    addProblemsPanel(app, stages, trans, restorer);
    const lineage = new LineagePanels({ app, api, stages, trans, restorer });
    addCommands(app, { notebooks, stages, api, lineage, trans, showProblems });

    for (const command of [...STAGE_COMMANDS, CommandIDs.showProblems]) {
      palette?.addItem({ command, category: trans.__('Arcade') });
    }
    return stages;
  }
};
