import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { CommandIDs, IArcadeBridge, IArcadeCatalog } from '../tokens';
import { CatalogApi } from './api';
import { addCommands } from './commands';
import { DataSidebar } from './sidebar';
import { CatalogTree, type ITreeState } from './tree';

/** A database cylinder: the Data sidebar. */
export const dataIcon = new LabIcon({
  name: 'jupyterlab-arcade:data',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">' +
    '<g class="jp-icon3" fill="none" stroke="#616161" stroke-width="1.3">' +
    '<ellipse cx="8" cy="3.6" rx="5.4" ry="2"/><path d="M2.6 3.6v8.8c0 1.1 2.4 2 5.4 2s5.4-.9 5.4-2V3.6"/>' +
    '<path d="M2.6 8c0 1.1 2.4 2 5.4 2s5.4-.9 5.4-2"/></g></svg>'
});

const STATE_KEY = 'jupyterlab-arcade:data-tree';

function isTreeState(value: unknown): value is ITreeState {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as ITreeState).expanded) &&
    typeof (value as ITreeState).filter === 'string'
  );
}

/**
 * The Data sidebar (left): the catalog's databases, tables and columns from
 * Athena, previews in the main area, table details with Delta history, and
 * "Query in notebook". What was open comes back after a reload.
 */
export const catalogPlugin: JupyterFrontEndPlugin<IArcadeCatalog> = {
  id: 'jupyterlab-arcade:catalog',
  description:
    'Browses the Delta tables in the catalog (Athena, Glue) and previews them.',
  autoStart: true,
  provides: IArcadeCatalog,
  requires: [IArcadeBridge, INotebookTracker],
  optional: [ITranslator, ICommandPalette, ILayoutRestorer, IStateDB],
  activate: (
    app: JupyterFrontEnd,
    bridge: IArcadeBridge,
    notebooks: INotebookTracker,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    state: IStateDB | null
  ): IArcadeCatalog => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_arcade');
    const api = new CatalogApi(bridge);
    const tree = new CatalogTree(api);
    const sidebar = new DataSidebar(tree, trans);
    sidebar.title.icon = dataIcon;
    app.shell.add(sidebar, 'left', { rank: 600 });
    restorer?.add(sidebar, 'arcade-data');
    addCommands(app, { api, bridge, notebooks, sidebar, trans });

    let saveTimer: ReturnType<typeof setTimeout> | undefined;
    const load = async (): Promise<void> => {
      const saved =
        state === null ? null : await state.fetch(STATE_KEY).catch(() => null);
      await tree.restore(isTreeState(saved) ? saved : null);
      if (tree.filter !== '') {
        sidebar.filterInput.value = tree.filter;
      }
      tree.changed.connect(() => {
        clearTimeout(saveTimer);
        saveTimer = setTimeout(() => {
          void state?.save(
            STATE_KEY,
            tree.toJSON() as unknown as ReadonlyPartialJSONObject
          );
        }, 500);
      });
    };
    // The catalog is read when the sidebar is first shown, not at start-up.
    let loaded = false;
    const loadOnce = (): void => {
      if (!loaded) {
        loaded = true;
        void load();
      }
    };
    if (sidebar.isVisible) {
      loadOnce();
    }
    app.restored
      .then(() => {
        if (sidebar.isVisible) {
          loadOnce();
        }
      })
      .catch(() => undefined);
    sidebar.shown.connect(loadOnce);

    for (const command of [CommandIDs.showData, CommandIDs.refreshData]) {
      palette?.addItem({ command, category: trans.__('Arcade') });
    }
    return {
      match: async refs => (await api.match(refs)).matches,
      preview: async (table, ref) => {
        await app.commands.execute(CommandIDs.previewTable, {
          database: table.database,
          table: table.table,
          ...(ref === undefined ? {} : { ref })
        });
      }
    };
  }
};
