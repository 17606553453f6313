import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import { Debouncer } from '@lumino/polling';
import { CommandIDs, IArcadeBridge, IArcadeGitModel } from '../tokens';
import { GitApi } from './api';
import { addCommands } from './commands';
import { GitModel } from './model';
import { GitPanel } from './panel';

/** A branch: two commits and a fork. */
export const gitIcon = new LabIcon({
  name: 'jupyterlab-arcade:git',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">' +
    '<g class="jp-icon3" fill="none" stroke="#616161" stroke-width="1.5">' +
    '<circle cx="4" cy="3" r="1.6"/><circle cx="4" cy="13" r="1.6"/><circle cx="12" cy="5" r="1.6"/>' +
    '<path d="M4 4.6v6.8M12 6.6c0 3-8 2.4-8 4.8"/></g></svg>'
});

/** Saves and other file changes refresh the status after this quiet time. */
const SAVE_DEBOUNCE_MS = 400;

/**
 * The Git panel in the left sidebar, over the bridge's isomorphic-git; it
 * comes back after a reload and refreshes on save and on focus.
 */
export const gitPlugin: JupyterFrontEndPlugin<IArcadeGitModel> = {
  id: 'jupyterlab-arcade:git',
  description:
    'The Git panel: status, stage, commit, push, pull, branches, history and stage diffs.',
  autoStart: true,
  requires: [IArcadeBridge],
  optional: [
    ITranslator,
    ICommandPalette,
    ILayoutRestorer,
    IDefaultFileBrowser
  ],
  provides: IArcadeGitModel,
  activate: (
    app: JupyterFrontEnd,
    bridge: IArcadeBridge,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    browser: IDefaultFileBrowser | null
  ): IArcadeGitModel => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_arcade');
    const model = new GitModel(new GitApi(bridge));
    const panel = new GitPanel({ model, commands: app.commands, trans });
    panel.id = 'jp-Arcade-git';
    panel.title.icon = gitIcon;
    panel.title.caption = trans.__('Git');
    app.shell.add(panel, 'left', { rank: 200 });
    restorer?.add(panel, 'arcade-git');
    addCommands(app, { model, panel, trans });

    // The panel shows the repository around the folder the file browser is in.
    if (browser !== null) {
      model.setRepo(browser.model.path);
      browser.model.pathChanged.connect((_, change) => {
        model.setRepo(change.newValue ?? '');
      });
    }
    model.start();
    const afterSave = new Debouncer(() => model.refresh(), SAVE_DEBOUNCE_MS);
    app.serviceManager.contents.fileChanged.connect(() => {
      void afterSave.invoke();
    });
    window.addEventListener('focus', () => {
      void model.refresh();
    });
    model.changed.connect(() => {
      app.commands.notifyCommandChanged(CommandIDs.gitPush);
      app.commands.notifyCommandChanged(CommandIDs.gitPull);
    });

    for (const command of [
      CommandIDs.openGitPanel,
      CommandIDs.gitRefresh,
      CommandIDs.gitPush,
      CommandIDs.gitPull,
      CommandIDs.gitClone,
      CommandIDs.gitNewBranch,
      CommandIDs.gitSwitchBranch
    ]) {
      palette?.addItem({ command, category: trans.__('Arcade Git') });
    }
    return model;
  }
};
