import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  InputDialog,
  MainAreaWidget,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { GitPullResponse, GitPushResponse } from 'arcade-engine';
import { runTaskWithProgress } from '../bridge/tasks';
import { toRequestError } from '../request';
import { describeFailure } from '../status/format';
import { CommandIDs } from '../tokens';
import { DiffPanel, type IDiffSource } from './diffView';
import type { GitModel } from './model';
import type { GitPanel } from './panel';

/** The arguments of the commands that commit: the commit message. */
export const MESSAGE_ARGS = {
  args: {
    type: 'object',
    properties: { message: { type: 'string' } },
    required: ['message']
  }
};

export interface IGitCommandsOptions {
  model: GitModel;
  panel: GitPanel;
  trans: TranslationBundle;
}

function shortSha(sha: string | null | undefined): string {
  return (sha ?? '').slice(0, 7);
}

/** Shows a failed operation's reason and what to do, never a stack trace. */
export function reportFailure(
  trans: TranslationBundle,
  what: string,
  error: unknown
): void {
  Notification.error(
    trans.__('%1: %2', what, describeFailure(toRequestError(error), trans)),
    {
      autoClose: false
    }
  );
}

/**
 * The Git panel's commands: refresh, commit, push, pull, discard (after a
 * confirmation), new and switch branch, open a diff.
 */
export function addCommands(
  app: JupyterFrontEnd,
  options: IGitCommandsOptions
): void {
  const { model, panel, trans } = options;
  const { commands } = app;
  const api = model.api;

  commands.addCommand(CommandIDs.openGitPanel, {
    label: trans.__('Git'),
    caption: trans.__('Open the Git panel'),
    execute: () => {
      app.shell.activateById(panel.id);
    }
  });

  commands.addCommand(CommandIDs.gitRefresh, {
    label: trans.__('Refresh Git Status'),
    execute: () => model.refresh()
  });

  commands.addCommand(CommandIDs.gitCommit, {
    label: trans.__('Commit Staged Files'),
    caption: trans.__(
      'Commit the staged files with the message in the Git panel'
    ),
    describedBy: MESSAGE_ARGS,
    execute: async args => {
      const message = typeof args.message === 'string' ? args.message : '';
      try {
        const result = await model.run(() => api.commit(message));
        panel.clearMessage();
        Notification.success(
          trans.__(
            'Committed %1 on %2',
            shortSha(result.commit),
            result.branch ?? trans.__('(detached)')
          ),
          {
            autoClose: 4000
          }
        );
        return result;
      } catch (error) {
        reportFailure(trans, trans.__('Commit failed'), error);
        return null;
      }
    }
  });

  const remoteTask = async (kind: 'push' | 'pull'): Promise<void> => {
    const title = kind === 'push' ? trans.__('Pushing') : trans.__('Pulling');
    try {
      await model.run(() =>
        runTaskWithProgress(
          api.bridge,
          () => (kind === 'push' ? api.push() : api.pull()),
          {
            trans,
            title,
            success: task => {
              if (kind === 'push') {
                const result = task.result as GitPushResponse;
                return result.updated
                  ? trans.__(
                      'Pushed %1 at %2',
                      result.branch,
                      shortSha(result.commit)
                    )
                  : trans.__('%1 was already on the remote', result.branch);
              }
              const result = task.result as GitPullResponse;
              return result.from === result.to
                ? trans.__('%1 is up to date', result.branch)
                : trans.__(
                    'Pulled %1: %2 files changed',
                    result.branch,
                    result.changedFiles
                  );
            }
          }
        )
      );
    } catch (error) {
      reportFailure(
        trans,
        kind === 'push' ? trans.__('Push failed') : trans.__('Pull failed'),
        error
      );
    }
  };

  commands.addCommand(CommandIDs.gitPush, {
    label: trans.__('Push'),
    caption: trans.__('Push the current branch to the remote'),
    isEnabled: () => !model.busy,
    execute: () => remoteTask('push')
  });

  commands.addCommand(CommandIDs.gitPull, {
    label: trans.__('Pull'),
    caption: trans.__(
      'Fast-forward the current branch from the remote; never overwrites your changes'
    ),
    isEnabled: () => !model.busy,
    execute: () => remoteTask('pull')
  });

  commands.addCommand(CommandIDs.gitDiscard, {
    label: trans.__('Discard Changes'),
    describedBy: {
      args: {
        type: 'object',
        properties: { path: { type: 'string' } },
        required: ['path']
      }
    },
    execute: async args => {
      const path = typeof args.path === 'string' ? args.path : '';
      const answer = await showDialog({
        title: trans.__('Discard changes?'),
        body: trans.__(
          'The changes to %1 will be lost. This cannot be undone.',
          path
        ),
        buttons: [
          Dialog.cancelButton(),
          Dialog.warnButton({ label: trans.__('Discard') })
        ]
      });
      if (!answer.button.accept) {
        return;
      }
      try {
        model.setStatus(await model.run(() => api.change('discard', [path])));
      } catch (error) {
        reportFailure(trans, trans.__('Discard failed'), error);
      }
    }
  });

  commands.addCommand(CommandIDs.gitNewBranch, {
    label: trans.__('New Branch…'),
    execute: async () => {
      const result = await InputDialog.getText({
        title: trans.__('New branch'),
        label: trans.__('Name (created from HEAD and switched to)'),
        okLabel: trans.__('Create')
      });
      if (!result.button.accept || !result.value) {
        return;
      }
      const name = result.value.trim();
      try {
        await model.run(() => api.createBranch(name, true));
      } catch (error) {
        reportFailure(trans, trans.__('Cannot create branch %1', name), error);
      }
    }
  });

  commands.addCommand(CommandIDs.gitSwitchBranch, {
    label: trans.__('Switch Branch…'),
    execute: async () => {
      let branches;
      try {
        branches = await api.branches();
      } catch (error) {
        reportFailure(trans, trans.__('Cannot list branches'), error);
        return;
      }
      const newBranch = trans.__('(new branch…)');
      const items = [
        ...branches.local,
        ...branches.remote.filter(
          r => !branches.local.includes(r.replace(/^origin\//, ''))
        ),
        newBranch
      ];
      const result = await InputDialog.getItem({
        title: trans.__('Switch branch'),
        label: trans.__('Branch'),
        items,
        current: Math.max(0, items.indexOf(branches.current ?? '')),
        okLabel: trans.__('Switch')
      });
      if (!result.button.accept || result.value === null) {
        return;
      }
      if (result.value === newBranch) {
        await commands.execute(CommandIDs.gitNewBranch);
        return;
      }
      const target = result.value.replace(/^origin\//, '');
      try {
        model.setStatus(await model.run(() => api.checkout(target)));
        Notification.success(trans.__('Switched to %1', target), {
          autoClose: 3000
        });
      } catch (error) {
        reportFailure(trans, trans.__('Cannot switch to %1', target), error);
      }
    }
  });

  commands.addCommand(CommandIDs.gitClone, {
    label: trans.__('Clone a Repository…'),
    caption: trans.__(
      'Clone an HTTPS repository into the current folder; the bridge holds the token'
    ),
    execute: async () => {
      const remote = (await api.bridge.config())?.git.remote ?? '';
      const url = await InputDialog.getText({
        title: trans.__('Clone a repository'),
        label: trans.__('HTTPS URL (no token: the bridge adds its own)'),
        text: remote,
        okLabel: trans.__('Next')
      });
      if (!url.button.accept || !url.value) {
        return null;
      }
      const suggested =
        url.value
          .replace(/\/+$/, '')
          .split('/')
          .pop()
          ?.replace(/\.git$/, '') ?? 'repository';
      const name = await InputDialog.getText({
        title: trans.__('Clone a repository'),
        label: trans.__(
          'New folder in %1',
          model.repo === '.' ? trans.__('the workspace') : model.repo
        ),
        text: suggested,
        okLabel: trans.__('Clone')
      });
      if (!name.button.accept || !name.value) {
        return null;
      }
      const directory =
        model.repo === '.' ? name.value : `${model.repo}/${name.value}`;
      try {
        const task = await runTaskWithProgress(
          api.bridge,
          () => api.clone(url.value ?? '', directory),
          {
            trans,
            title: trans.__('Cloning into %1', directory),
            success: () => trans.__('Cloned into %1', directory)
          }
        );
        if (task.status === 'succeeded') {
          model.setRepo(directory);
        }
        return task;
      } catch (error) {
        reportFailure(trans, trans.__('Clone failed'), error);
        return null;
      }
    }
  });

  commands.addCommand(CommandIDs.gitOpenDiff, {
    label: trans.__('Show Changes'),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          mode: { type: 'string', enum: ['working', 'commit', 'head', 'refs'] },
          commit: { type: 'string' },
          parent: { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' }
        },
        required: ['path']
      }
    },
    execute: async args => {
      const path = typeof args.path === 'string' ? args.path : '';
      const text = (value: unknown): string =>
        typeof value === 'string' ? value : '';
      let source: IDiffSource;
      try {
        source = await diffSource(
          api,
          path,
          {
            mode: text(args.mode) || 'working',
            commit: text(args.commit),
            parent: text(args.parent),
            from: text(args.from),
            to: text(args.to)
          },
          trans
        );
      } catch (error) {
        reportFailure(trans, trans.__('Cannot compare %1', path), error);
        return;
      }
      const widget = new MainAreaWidget({
        content: new DiffPanel(source, trans)
      });
      widget.title.label = trans.__('Δ %1', path.split('/').pop() ?? path);
      widget.title.caption = trans.__(
        '%1: %2 → %3',
        path,
        source.beforeLabel,
        source.afterLabel
      );
      widget.title.closable = true;
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      return widget;
    }
  });
}

async function diffSource(
  api: GitModel['api'],
  path: string,
  args: {
    mode: string;
    commit: string;
    parent: string;
    from: string;
    to: string;
  },
  trans: TranslationBundle
): Promise<IDiffSource> {
  switch (args.mode) {
    case 'commit': {
      const [before, after] = await Promise.all([
        args.parent === ''
          ? Promise.resolve(null)
          : api.file(path, args.parent).then(f => f.text),
        api.file(path, args.commit).then(f => f.text)
      ]);
      return {
        path,
        before,
        after,
        beforeLabel: shortSha(args.parent) || trans.__('(none)'),
        afterLabel: shortSha(args.commit)
      };
    }
    case 'head': {
      const [before, after] = await Promise.all([
        api.file(path, args.commit),
        api.file(path, 'HEAD')
      ]);
      return {
        path,
        before: before.text,
        after: after.text,
        beforeLabel: shortSha(args.commit),
        afterLabel: 'HEAD'
      };
    }
    case 'refs': {
      // `to: "working"` compares with the working tree (a run's stage diff).
      const working = args.to === 'working';
      const [before, after] = await Promise.all([
        api.file(path, args.from),
        working ? api.file(path) : api.file(path, args.to || 'HEAD')
      ]);
      return {
        path,
        before: before.text,
        after: after.text,
        beforeLabel: shortSha(args.from),
        afterLabel: working
          ? trans.__('working tree')
          : args.to
            ? shortSha(args.to)
            : 'HEAD'
      };
    }
    default: {
      const [before, after] = await Promise.all([
        api.file(path, 'HEAD'),
        api.file(path)
      ]);
      return {
        path,
        before: before.text,
        after: after.text,
        beforeLabel: 'HEAD',
        afterLabel: trans.__('working tree')
      };
    }
  }
}
