import type { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { showCell } from '../notebook';
import { toRequestError } from '../request';
import { describeError } from '../status/format';
import { CommandIDs, type IArcadeStages } from '../tokens';
import type { IStagesApi } from './api';
import { notebookForBridge } from './content';
import { layoutLineage } from './lineage';
import { LineageView } from './lineageView';
import { ProblemsPanel, type IProblemsView } from './problems';

/** The id of the Problems side panel, also its key in the saved layout. */
export const PROBLEMS_ID = 'jp-Arcade-Problems';

/**
 * Adds the Problems panel to the right side bar; it lists the lint problems
 * of the current Arc notebook and comes back after a reload as it was.
 */
export function addProblemsPanel(
  app: JupyterFrontEnd,
  stages: IArcadeStages,
  trans: TranslationBundle,
  restorer: ILayoutRestorer | null
): ProblemsPanel {
  const problems = new ProblemsPanel({
    trans,
    onSelect: diagnostic => {
      const current = stages.current;
      if (current !== null && diagnostic.cell !== null) {
        void showCell(
          app.shell,
          current.panel,
          diagnostic.cell,
          diagnostic.line,
          diagnostic.column
        );
      }
    }
  });
  problems.id = PROBLEMS_ID;
  problems.title.label = trans.__('Problems');
  problems.title.caption = trans.__(
    'Arc lint problems of the current notebook'
  );
  app.shell.add(problems, 'right', { rank: 900 });
  restorer?.add(problems, PROBLEMS_ID);

  const update = (): void => {
    problems.render(problemsView(stages, trans));
  };
  stages.currentChanged.connect(update);
  stages.rendered.connect((_, entry) => {
    if (entry === stages.current) {
      update();
    }
  });
  update();
  return problems;
}

function problemsView(
  stages: IArcadeStages,
  trans: TranslationBundle
): IProblemsView {
  const entry = stages.current;
  if (entry === null) {
    return { path: null, diagnostics: [], notice: null };
  }
  const { error, diagnostics } = entry.state;
  return {
    path: entry.panel.context.path,
    diagnostics,
    notice:
      error === null
        ? null
        : trans.__('Arcade bridge: %1', describeError(error, trans))
  };
}

/** A notebook's lineage in the main area. */
export class LineagePanel extends MainAreaWidget<LineageView> {
  constructor(options: LineagePanel.IOptions) {
    super({ content: options.content });
    this.notebookPath = options.notebookPath;
    this.id = lineageId(options.notebookPath);
    this.content.id = `${this.id}-graph`;
    this.addClass('jp-Arcade-LineagePanel');
  }

  /** The notebook it draws; the key it is restored by. */
  readonly notebookPath: string;
}

export namespace LineagePanel {
  export interface IOptions {
    content: LineageView;
    notebookPath: string;
  }
}

/** The id of a notebook's lineage panel, the same after a reload. */
export function lineageId(notebookPath: string): string {
  return `jp-Arcade-Lineage-${encodeURIComponent(notebookPath)}`;
}

/**
 * Opens lineage panels, one per notebook, redrawn after each compile, and
 * saves them so a reload brings them back.
 */
export class LineagePanels {
  constructor(options: LineagePanels.IOptions) {
    this._app = options.app;
    this._api = options.api;
    this._stages = options.stages;
    this._trans = options.trans;
    this.tracker = new WidgetTracker<LineagePanel>({
      namespace: 'arcade-lineage'
    });
    void options.restorer?.restore(this.tracker, {
      command: CommandIDs.showLineage,
      args: widget => ({ path: widget.notebookPath }),
      name: widget => widget.notebookPath
    });
  }

  readonly tracker: WidgetTracker<LineagePanel>;

  /** Show the lineage of an open notebook, reusing its panel if it has one. */
  async open(panel: NotebookPanel): Promise<LineagePanel | null> {
    const path = panel.context.path;
    const open = this.tracker.find(widget => widget.notebookPath === path);
    if (open !== undefined) {
      this._app.shell.activateById(open.id);
      return open;
    }
    await panel.context.ready;
    const entry = this._stages.get(panel);
    if (entry === null || panel.isDisposed) {
      return null;
    }
    const trans = this._trans;
    const content = new LineageView({
      trans,
      onSelect: node => {
        if (node.cell !== null) {
          void showCell(this._app.shell, panel, node.cell);
        }
      }
    });
    const widget = new LineagePanel({ content, notebookPath: path });
    widget.title.label = trans.__('Lineage: %1', panel.title.label);
    widget.title.closable = true;
    this._app.shell.add(widget, 'main', {
      mode: 'split-right',
      ref: panel.id
    });
    void this.tracker.add(widget);
    // Without its notebook the graph could no longer follow it.
    panel.disposed.connect(() => widget.dispose(), widget);

    const draw = async (): Promise<void> => {
      try {
        const response = await this._api.lineage(
          notebookForBridge(panel.context.model.toJSON())
        );
        if (!widget.isDisposed) {
          content.render(layoutLineage(response));
        }
      } catch (error) {
        content.showMessage(
          trans.__(
            'Arcade bridge: %1',
            describeError(toRequestError(error), trans)
          )
        );
      }
    };
    // Redraw after each compile, so the graph follows the notebook as it is
    // edited; the widget is the receiver, so disposing it disconnects the redraw.
    entry.rendered.connect(() => void draw(), widget);
    content.showMessage(trans.__('Drawing lineage…'));
    await draw();
    return widget;
  }

  private readonly _app: JupyterFrontEnd;
  private readonly _api: IStagesApi;
  private readonly _stages: IArcadeStages;
  private readonly _trans: TranslationBundle;
}

export namespace LineagePanels {
  export interface IOptions {
    app: JupyterFrontEnd;
    api: IStagesApi;
    stages: IArcadeStages;
    trans: TranslationBundle;
    restorer: ILayoutRestorer | null;
  }
}
