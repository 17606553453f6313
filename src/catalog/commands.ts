/**
 * The catalog commands: open the Data sidebar, refresh it, preview a table,
 * show its details, and "Query in notebook", which adds a `%sql` stage cell
 * reading the table to the current Arc notebook.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  MainAreaWidget,
  Notification,
  WidgetTracker
} from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { TableSummary } from 'arcade-engine';
import { DEFAULT_ENVIRONMENTS, notebookQueryCell } from 'arcade-engine/core';
import { insertCodeCellBelow, isArcNotebook } from '../notebook';
import { reportFailure } from '../git/commands';
import { CommandIDs, type IArcadeBridge } from '../tokens';
import type { CatalogApi } from './api';
import { TableDetails } from './details';
import { TablePreview } from './preview';
import type { DataSidebar } from './sidebar';

export interface ICatalogCommandsOptions {
  api: CatalogApi;
  bridge: IArcadeBridge;
  notebooks: INotebookTracker;
  sidebar: DataSidebar;
  trans: TranslationBundle;
}

const TABLE_ARGS = {
  args: {
    type: 'object',
    properties: {
      database: { type: 'string', description: 'the database (Glue)' },
      table: { type: 'string', description: 'the table' }
    },
    required: ['database', 'table']
  }
} as const;

export function addCommands(
  app: JupyterFrontEnd,
  options: ICatalogCommandsOptions
): void {
  const { api, bridge, notebooks, sidebar, trans } = options;
  const previews = new WidgetTracker<MainAreaWidget<TablePreview>>({
    namespace: 'arcade-preview'
  });

  /** The table the arguments name; its summary is read from the catalog when not given. */
  const tableOf = async (
    args: Record<string, unknown>
  ): Promise<TableSummary | null> => {
    const database = typeof args.database === 'string' ? args.database : '';
    const name = typeof args.table === 'string' ? args.table : '';
    if (database === '' || name === '') {
      return null;
    }
    try {
      return await api.table(database, name);
    } catch (error) {
      reportFailure(
        trans,
        trans.__('Table %1.%2 could not be read', database, name),
        error
      );
      return null;
    }
  };

  const queryInNotebook = async (
    database: string,
    table: TableSummary
  ): Promise<void> => {
    const panel = notebooks.currentWidget;
    if (panel === null || !isArcNotebook(panel)) {
      Notification.warning(
        trans.__(
          'Open an Arc notebook first: "Query in notebook" adds a stage cell to it.'
        ),
        {
          autoClose: 6000
        }
      );
      return;
    }
    const environments = (await bridge.config())?.environments ?? [
      ...DEFAULT_ENVIRONMENTS
    ];
    insertCodeCellBelow(
      panel,
      notebookQueryCell(
        {
          database,
          name: table.name,
          format: table.format,
          location: table.location
        },
        100,
        environments
      )
    );
    app.shell.activateById(panel.id);
  };

  const openPreview = (
    database: string,
    table: TableSummary,
    ref: string | null = null
  ): TablePreview => {
    const content = new TablePreview(api, database, table, trans, () => {
      void queryInNotebook(database, table);
    });
    const widget = new MainAreaWidget({ content });
    widget.id = content.id;
    widget.title.label = content.title.label;
    widget.title.caption = content.title.caption;
    widget.title.closable = true;
    app.shell.add(
      widget,
      'main',
      ref === null ? {} : { ref, mode: 'split-bottom' }
    );
    void previews.add(widget);
    void content.start();
    return content;
  };

  const openDetails = (database: string, table: TableSummary): void => {
    const content = new TableDetails(api, database, table, trans);
    const widget = new MainAreaWidget({ content });
    widget.title.label = content.title.label;
    widget.title.caption = content.title.caption;
    app.shell.add(widget, 'main');
    void content.load();
  };

  sidebar.actions = {
    preview: (database, table) => {
      openPreview(database, table);
    },
    details: openDetails,
    queryInNotebook: (database, table) => {
      void queryInNotebook(database, table);
    }
  };

  app.commands.addCommand(CommandIDs.showData, {
    label: trans.__('Show Data Catalog'),
    caption: trans.__(
      'The tables in the catalog (Athena over the Glue Data Catalog)'
    ),
    execute: () => {
      app.shell.activateById(sidebar.id);
      sidebar.filterInput.focus();
    }
  });

  app.commands.addCommand(CommandIDs.refreshData, {
    label: trans.__('Refresh Data Catalog'),
    execute: () => sidebar.tree.refresh()
  });

  app.commands.addCommand(CommandIDs.previewTable, {
    label: trans.__('Preview Table'),
    caption: trans.__(
      'The first rows of a table, as an Athena query you can cancel'
    ),
    describedBy: TABLE_ARGS,
    execute: async args => {
      const table = await tableOf(args);
      if (table === null) {
        return null;
      }
      const ref = typeof args.ref === 'string' ? args.ref : null;
      return openPreview(String(args.database), table, ref).id;
    }
  });

  app.commands.addCommand(CommandIDs.tableDetails, {
    label: trans.__('Table Details'),
    describedBy: TABLE_ARGS,
    execute: async args => {
      const table = await tableOf(args);
      if (table !== null) {
        openDetails(String(args.database), table);
      }
    }
  });

  app.commands.addCommand(CommandIDs.queryInNotebook, {
    label: trans.__('Query in Notebook'),
    caption: trans.__(
      'Add a %sql stage cell that reads the table to the current Arc notebook'
    ),
    describedBy: TABLE_ARGS,
    execute: async args => {
      const table = await tableOf(args);
      if (table !== null) {
        await queryInNotebook(String(args.database), table);
      }
    }
  });
}
