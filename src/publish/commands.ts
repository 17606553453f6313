import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  MainAreaWidget,
  Notification,
  showDialog,
  type WidgetTracker
} from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { PublishResponse, TaskSummary } from 'arcade-engine';
import { formatBytes } from '../bridge/progress';
import { runTaskWithProgress } from '../bridge/tasks';
import { MESSAGE_ARGS, reportFailure } from '../git/commands';
import { isArcNotebook, openNotebook, showCell } from '../notebook';
import { firstProblem } from './problems';
import {
  CommandIDs,
  type IArcadeGitModel,
  type IArcadeStages
} from '../tokens';
import type { PublishApi } from './api';
import { VersionsPanel } from './versionsPanel';

export type VersionsWidget = MainAreaWidget<VersionsPanel>;

export interface IPublishCommandsOptions {
  api: PublishApi;
  git: IArcadeGitModel;
  notebooks: INotebookTracker;
  stages: IArcadeStages | null;
  versions: WidgetTracker<VersionsWidget>;
  trans: TranslationBundle;
}

const ASSET = /\.(ipynb|sql|json|conf)$/;

/**
 * Publish (notebook toolbar and palette), Commit & Publish (Git panel),
 * the versions view and moving current.
 */
export function addCommands(
  app: JupyterFrontEnd,
  options: IPublishCommandsOptions
): void {
  const { api, git, notebooks, stages, versions, trans } = options;
  const { commands } = app;

  const openVersions = (): VersionsWidget => {
    const open = versions.currentWidget ?? versions.find(() => true);
    if (open !== undefined && open !== null) {
      app.shell.activateById(open.id);
      void open.content.refresh();
      return open;
    }
    const content = new VersionsPanel(api, commands, trans);
    const widget = new MainAreaWidget({ content });
    widget.id = 'jp-Arcade-versions';
    widget.title.label = trans.__('Versions');
    widget.title.caption = trans.__('Published versions on S3');
    widget.title.closable = true;
    app.shell.add(widget, 'main');
    void versions.add(widget);
    void content.refresh();
    return widget;
  };

  /** Refuses, with the way forward, what the bridge would refuse anyway. */
  const precheck = async (): Promise<'ok' | 'stop'> => {
    const panel = notebooks.currentWidget;
    if (panel !== null && isArcNotebook(panel)) {
      if (panel.context.model.dirty) {
        await panel.context.save();
      }
      const state = stages?.get(panel)?.state;
      const error = state?.diagnostics.find(d => d.severity === 'error');
      if (error !== undefined) {
        Notification.error(
          trans.__(
            'Not published: %1 has lint errors (cell %2: %3)',
            panel.context.path,
            (error.cell ?? 0) + 1,
            error.message
          ),
          {
            autoClose: false,
            actions: [
              {
                label: trans.__('Show cell'),
                callback: () => {
                  void showCell(
                    app.shell,
                    panel,
                    error.cell ?? 0,
                    error.line,
                    error.column
                  );
                }
              }
            ]
          }
        );
        return 'stop';
      }
    }
    await git.refresh();
    // JupyterLab's checkpoints are never published, committed or not.
    const uncommitted = (git.status?.files ?? []).filter(
      f =>
        !f.path.split('/').includes('.ipynb_checkpoints') &&
        (ASSET.test(f.path) || f.staged !== null)
    );
    if (uncommitted.length > 0) {
      const answer = await showDialog({
        title: trans.__('Commit first'),
        body: trans.__(
          'Publish sends exactly what is committed. These files have uncommitted changes: %1',
          uncommitted
            .slice(0, 8)
            .map(f => f.path)
            .join(', ')
        ),
        buttons: [
          Dialog.cancelButton(),
          Dialog.okButton({ label: trans.__('Open Git panel') })
        ]
      });
      if (answer.button.accept) {
        await commands.execute(CommandIDs.openGitPanel);
      }
      return 'stop';
    }
    return 'ok';
  };

  /** Asks before pushing: the commit must be on the remote for runs to trace it. */
  const pushConsent = async (): Promise<boolean | null> => {
    const status = git.status;
    if (status === null || (status.ahead ?? 0) === 0) {
      return false;
    }
    const answer = await showDialog({
      title: trans.__('Push and publish?'),
      body: trans.__(
        '%1 has %2 commit(s) that are not on the remote yet. Push them, then publish?',
        status.branch ?? 'HEAD',
        status.ahead ?? 0
      ),
      buttons: [
        Dialog.cancelButton(),
        Dialog.okButton({ label: trans.__('Push and publish') })
      ]
    });
    return answer.button.accept ? true : null;
  };

  /** Retry after a conflict; the cell of the first lint error after a refusal. */
  const failureActions = (task: TaskSummary): Notification.IAction[] => {
    if (task.error?.code === 'conflict') {
      return [
        {
          label: trans.__('Retry'),
          callback: () => void commands.execute(CommandIDs.publish)
        }
      ];
    }
    const problem =
      task.error?.code === 'refused' ? firstProblem(task.error.message) : null;
    if (problem === null) {
      return [];
    }
    const root = git.status?.repo ?? '.';
    const notebookPath =
      root === '.' ? problem.path : `${root}/${problem.path}`;
    return [
      {
        label: trans.__('Show cell'),
        callback: () => {
          void openNotebook(commands, notebooks, notebookPath).then(panel => {
            if (panel !== null) {
              void showCell(app.shell, panel, problem.cell, problem.line);
            }
          });
        }
      }
    ];
  };

  const publish = async (): Promise<TaskSummary | null> => {
    if ((await precheck()) === 'stop') {
      return null;
    }
    const push = await pushConsent();
    if (push === null) {
      return null;
    }
    const title = trans.__(
      'Publishing %1',
      (git.status?.head ?? '').slice(0, 7)
    );
    let final: TaskSummary;
    try {
      final = await runTaskWithProgress(
        api.bridge,
        () => api.publish({ push }),
        {
          trans,
          title,
          success: task => {
            const r = task.result as PublishResponse;
            return r.uploadedFiles === 0
              ? trans.__(
                  '%1 was already published (nothing sent); it is current',
                  r.commit.slice(0, 7)
                )
              : trans.__(
                  'Published %1: %2 files (%3) sent, %4 already there; it is current',
                  r.commit.slice(0, 7),
                  r.uploadedFiles,
                  formatBytes(r.uploadedBytes),
                  r.skippedFiles
                );
          },
          actions: [
            {
              label: trans.__('Versions'),
              callback: () => void commands.execute(CommandIDs.showVersions)
            }
          ],
          failureActions
        }
      );
    } catch (error) {
      reportFailure(trans, trans.__('Publish failed'), error);
      return null;
    }
    await git.refresh();
    versions.forEach(widget => {
      void widget.content.refresh();
    });
    return final;
  };

  commands.addCommand(CommandIDs.publish, {
    label: trans.__('Publish'),
    caption: trans.__(
      'Publish the committed version of this repository to S3 and make it current'
    ),
    execute: publish
  });

  commands.addCommand(CommandIDs.commitAndPublish, {
    label: trans.__('Commit & Publish'),
    caption: trans.__('Commit the staged files, push, and publish the commit'),
    describedBy: MESSAGE_ARGS,
    execute: async args => {
      const committed = await commands.execute(CommandIDs.gitCommit, {
        message: args.message ?? ''
      });
      if (committed === null || committed === undefined) {
        return null;
      }
      return publish();
    }
  });

  commands.addCommand(CommandIDs.showVersions, {
    label: trans.__('Published Versions'),
    caption: trans.__(
      'The versions published to S3, which one is current, rollback'
    ),
    execute: openVersions
  });

  commands.addCommand(CommandIDs.setCurrentVersion, {
    label: trans.__('Make Version Current'),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          version: { type: 'string' },
          expected: { type: 'string' }
        },
        required: ['version']
      }
    },
    execute: async args => {
      const version = typeof args.version === 'string' ? args.version : '';
      const expected =
        typeof args.expected === 'string' && args.expected !== ''
          ? args.expected
          : null;
      const answer = await showDialog({
        title: trans.__('Make %1 current?', version.slice(0, 7)),
        body: trans.__(
          'Scheduled runs that follow current.json will run version %1 from their next start (it was %2).',
          version.slice(0, 7),
          expected?.slice(0, 7) ?? trans.__('none')
        ),
        buttons: [
          Dialog.cancelButton(),
          Dialog.warnButton({ label: trans.__('Make current') })
        ]
      });
      if (!answer.button.accept) {
        return null;
      }
      try {
        const result = await api.setCurrent(version, expected);
        Notification.success(
          trans.__('Current is now %1', result.current.slice(0, 7)),
          { autoClose: 4000 }
        );
        return result;
      } catch (error) {
        reportFailure(trans, trans.__('Current not changed'), error);
        return null;
      }
    }
  });
}
