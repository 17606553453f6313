import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import type { GitFileStatus, GitLogEntry } from 'arcade-engine';
import { describeError } from '../status/format';
import { CommandIDs } from '../tokens';
import type { GitModel } from './model';
import { button, element } from '../dom';

/** Rows shown per group before "show all": keeps the panel quick on huge change sets. */
export const ROWS_PER_GROUP = 300;

type Group = 'conflicted' | 'staged' | 'unstaged' | 'untracked';

/** Which groups a file appears in (a file can be staged and still changed). */
export function groupsOf(file: GitFileStatus): Group[] {
  if (file.conflicted) {
    return ['conflicted'];
  }
  const groups: Group[] = [];
  if (file.staged !== null) {
    groups.push('staged');
  }
  if (file.unstaged === 'untracked') {
    groups.push('untracked');
  } else if (file.unstaged !== null) {
    groups.push('unstaged');
  }
  return groups;
}

const BADGES: Record<string, string> = {
  added: 'A',
  modified: 'M',
  deleted: 'D',
  untracked: 'U',
  conflicted: '!'
};

/**
 * The Git panel in the left sidebar: branch, pull/push, changed files by
 * group with stage checkboxes, the commit box (Ctrl/Cmd+Enter) with Commit
 * and Commit & Publish, and the recent history.
 */
export class GitPanel extends Widget {
  constructor(options: GitPanel.IOptions) {
    super();
    this._model = options.model;
    this._commands = options.commands;
    this._trans = options.trans;
    const trans = this._trans;
    this.addClass('jp-Arcade-Git');

    const toolbar = element('div', 'jp-Arcade-Git-toolbar');
    this._branch = button(
      '',
      'jp-Arcade-Git-branch',
      trans.__('Switch branch'),
      () => {
        void this._commands.execute(CommandIDs.gitSwitchBranch);
      }
    );
    toolbar.appendChild(this._branch);
    this._pull = button(
      trans.__('Pull'),
      'jp-Arcade-Git-pull',
      trans.__('Pull: fast-forward from the remote'),
      () => {
        void this._commands.execute(CommandIDs.gitPull);
      }
    );
    this._push = button(
      trans.__('Push'),
      'jp-Arcade-Git-push',
      trans.__('Push this branch to the remote'),
      () => {
        void this._commands.execute(CommandIDs.gitPush);
      }
    );
    toolbar.appendChild(this._pull);
    toolbar.appendChild(this._push);
    toolbar.appendChild(
      button('⟳', 'jp-Arcade-Git-refresh', trans.__('Refresh'), () => {
        void this._commands.execute(CommandIDs.gitRefresh);
      })
    );
    this.node.appendChild(toolbar);

    this._message = element('div', 'jp-Arcade-Git-message');
    this._message.setAttribute('role', 'status');
    this.node.appendChild(this._message);
    this._clone = button(
      trans.__('Clone a Repository…'),
      'jp-mod-accept jp-Arcade-Git-clone',
      trans.__('Clone a repository into this folder'),
      () => {
        void this._commands.execute(CommandIDs.gitClone);
      }
    );
    this._clone.hidden = true;
    this.node.appendChild(this._clone);

    this._files = element('div', 'jp-Arcade-Git-files');
    this.node.appendChild(this._files);

    const commit = element('div', 'jp-Arcade-Git-commit');
    this._text = element('textarea', 'jp-Arcade-Git-commitMessage');
    this._text.placeholder = trans.__('Commit message (Ctrl+Enter to commit)');
    this._text.setAttribute('aria-label', trans.__('Commit message'));
    this._text.rows = 3;
    this._text.addEventListener('keydown', event => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this._commit(false);
      }
    });
    this._text.addEventListener('input', () => {
      this._updateButtons();
    });
    commit.appendChild(this._text);
    const actions = element('div', 'jp-Arcade-Git-commitActions');
    this._commitButton = button(
      trans.__('Commit'),
      'jp-mod-accept jp-Arcade-Git-commitButton',
      trans.__('Commit the staged files'),
      () => {
        this._commit(false);
      }
    );
    this._publishButton = button(
      trans.__('Commit & Publish'),
      'jp-Arcade-Git-publishButton',
      trans.__('Commit the staged files, push, and publish the commit to S3'),
      () => {
        this._commit(true);
      }
    );
    actions.appendChild(this._commitButton);
    actions.appendChild(this._publishButton);
    commit.appendChild(actions);
    this.node.appendChild(commit);

    const history = element('details', 'jp-Arcade-Git-history');
    history.appendChild(element('summary', '', trans.__('History')));
    this._history = element('ol', 'jp-Arcade-Git-commits');
    history.appendChild(this._history);
    this.node.appendChild(history);

    this._model.changed.connect(this._render, this);
    this._render();
  }

  get model(): GitModel {
    return this._model;
  }

  /** Clears the commit box after a commit succeeded. */
  clearMessage(): void {
    this._text.value = '';
    this._updateButtons();
  }

  private _commit(publish: boolean): void {
    const message = this._text.value.trim();
    if (message === '') {
      this._text.focus();
      return;
    }
    void this._commands.execute(
      publish ? CommandIDs.commitAndPublish : CommandIDs.gitCommit,
      { message }
    );
  }

  private _updateButtons(): void {
    const staged =
      this._model.status?.files.some(f => f.staged !== null) ?? false;
    const ready = staged && this._text.value.trim() !== '' && !this._model.busy;
    this._commitButton.disabled = !ready;
    this._publishButton.disabled = !ready;
  }

  private _render(): void {
    const trans = this._trans;
    const status = this._model.status;
    const error = this._model.error;
    this.node.classList.toggle('jp-mod-busy', this._model.busy);
    this._branch.textContent =
      status === null
        ? trans.__('(no repository)')
        : `⎇ ${status.branch ?? trans.__('(detached)')}`;
    const ahead = status?.ahead ?? 0;
    const behind = status?.behind ?? 0;
    this._push.textContent =
      ahead > 0 ? trans.__('Push ↑%1', ahead) : trans.__('Push');
    this._pull.textContent =
      behind > 0 ? trans.__('Pull ↓%1', behind) : trans.__('Pull');
    this._push.disabled = this._model.busy || status?.remote === null;
    this._pull.disabled = this._model.busy || status?.remote === null;
    this._message.textContent =
      error === null
        ? ''
        : error.code === 'not_found'
          ? error.message
          : trans.__('Git status unavailable: %1', describeError(error, trans));
    this._clone.hidden = error?.code !== 'not_found';
    this._renderFiles(status?.files ?? []);
    this._renderHistory(this._model.history);
    this._updateButtons();
  }

  private _renderFiles(files: GitFileStatus[]): void {
    const trans = this._trans;
    this._files.textContent = '';
    const groups: Record<Group, GitFileStatus[]> = {
      conflicted: [],
      staged: [],
      unstaged: [],
      untracked: []
    };
    for (const file of files) {
      for (const group of groupsOf(file)) {
        groups[group].push(file);
      }
    }
    const titles: Record<Group, string> = {
      conflicted: trans.__('Conflicted'),
      staged: trans.__('Staged'),
      unstaged: trans.__('Changes'),
      untracked: trans.__('Untracked')
    };
    if (files.length === 0 && this._model.status !== null) {
      this._files.appendChild(
        element('div', 'jp-Arcade-Git-clean', trans.__('No changes'))
      );
      return;
    }
    for (const group of [
      'conflicted',
      'staged',
      'unstaged',
      'untracked'
    ] as Group[]) {
      const list = groups[group];
      if (list.length === 0) {
        continue;
      }
      const section = element('section', `jp-Arcade-Git-group jp-mod-${group}`);
      section.dataset.group = group;
      const header = element(
        'div',
        'jp-Arcade-Git-groupHeader',
        `${titles[group]} (${list.length})`
      );
      if (group !== 'conflicted') {
        const all = button(
          group === 'staged' ? trans.__('Unstage all') : trans.__('Stage all'),
          'jp-Arcade-Git-all',
          group === 'staged'
            ? trans.__('Unstage every file')
            : trans.__('Stage every file of this group'),
          () => {
            void this._toggle(
              list.map(f => f.path),
              group !== 'staged'
            );
          }
        );
        header.appendChild(all);
      }
      section.appendChild(header);
      const ul = element('ul', 'jp-Arcade-Git-fileList');
      const shown = this._expanded.has(group)
        ? list
        : list.slice(0, ROWS_PER_GROUP);
      for (const file of shown) {
        ul.appendChild(this._fileRow(file, group));
      }
      section.appendChild(ul);
      if (shown.length < list.length) {
        section.appendChild(
          button(
            trans.__('Show all %1', list.length),
            'jp-Arcade-Git-more',
            trans.__('Show every file'),
            () => {
              this._expanded.add(group);
              this._render();
            }
          )
        );
      }
      this._files.appendChild(section);
    }
  }

  private _fileRow(file: GitFileStatus, group: Group): HTMLElement {
    const trans = this._trans;
    const row = element('li', 'jp-Arcade-Git-file');
    row.dataset.path = file.path;
    const change =
      group === 'staged'
        ? file.staged
        : group === 'conflicted'
          ? 'conflicted'
          : file.unstaged;
    if (group !== 'conflicted') {
      const box = element('input', 'jp-Arcade-Git-stage');
      box.type = 'checkbox';
      box.checked = group === 'staged';
      box.title =
        group === 'staged'
          ? trans.__('Unstage %1', file.path)
          : trans.__('Stage %1', file.path);
      box.setAttribute('aria-label', box.title);
      box.addEventListener('change', () => {
        void this._toggle([file.path], box.checked);
      });
      row.appendChild(box);
    }
    const badge = element(
      'span',
      `jp-Arcade-Git-badge jp-mod-${change ?? 'none'}`,
      BADGES[change ?? ''] ?? '?'
    );
    badge.title = change ?? '';
    row.appendChild(badge);
    const name = element('button', 'jp-Arcade-Git-path', file.path);
    name.type = 'button';
    name.title = trans.__('Show the changes of %1', file.path);
    name.addEventListener('click', () => {
      void this._commands.execute(CommandIDs.gitOpenDiff, {
        path: file.path,
        // Staged changes compare HEAD with the index; others HEAD with the working tree.
        mode: 'working'
      });
    });
    row.appendChild(name);
    if (group === 'unstaged' || group === 'untracked') {
      row.appendChild(
        button(
          '↺',
          'jp-Arcade-Git-discard',
          trans.__('Discard the changes of %1', file.path),
          () => {
            void this._commands.execute(CommandIDs.gitDiscard, {
              path: file.path
            });
          }
        )
      );
    }
    return row;
  }

  private async _toggle(paths: string[], stage: boolean): Promise<void> {
    const api = this._model.api;
    try {
      const status = await this._model.run(() =>
        api.change(stage ? 'stage' : 'unstage', paths)
      );
      this._model.setStatus(status);
    } catch {
      // The model shows the error on its next read.
    }
  }

  private _renderHistory(entries: GitLogEntry[]): void {
    const trans = this._trans;
    this._history.textContent = '';
    for (const entry of entries) {
      const item = element('li', 'jp-Arcade-Git-commitItem');
      item.dataset.commit = entry.commit;
      const details = element('details', '');
      const summary = element('summary', '');
      summary.appendChild(
        element('code', 'jp-Arcade-Git-sha', entry.commit.slice(0, 7))
      );
      summary.appendChild(
        element(
          'span',
          'jp-Arcade-Git-subject',
          ` ${entry.message.split('\n')[0] ?? ''}`
        )
      );
      summary.title = trans.__(
        '%1 · %2',
        entry.author.name,
        new Date(entry.time).toLocaleString()
      );
      details.appendChild(summary);
      const files = element('ul', 'jp-Arcade-Git-commitFiles');
      for (const file of entry.files) {
        const li = element('li', '');
        li.appendChild(
          element(
            'span',
            `jp-Arcade-Git-badge jp-mod-${file.change}`,
            BADGES[file.change] ?? '?'
          )
        );
        const open = element('button', 'jp-Arcade-Git-path', file.path);
        open.type = 'button';
        open.title = trans.__('Show what this commit changed in %1', file.path);
        open.addEventListener('click', () => {
          void this._commands.execute(CommandIDs.gitOpenDiff, {
            path: file.path,
            mode: 'commit',
            commit: entry.commit,
            parent: entry.parents[0] ?? ''
          });
        });
        li.appendChild(open);
        const vsHead = button(
          'HEAD',
          'jp-Arcade-Git-vsHead',
          trans.__('Compare %1 at this commit with HEAD', file.path),
          () => {
            void this._commands.execute(CommandIDs.gitOpenDiff, {
              path: file.path,
              mode: 'head',
              commit: entry.commit
            });
          }
        );
        li.appendChild(vsHead);
        files.appendChild(li);
      }
      details.appendChild(files);
      item.appendChild(details);
      this._history.appendChild(item);
    }
  }

  private readonly _model: GitModel;
  private readonly _commands: CommandRegistry;
  private readonly _trans: TranslationBundle;
  private readonly _branch: HTMLButtonElement;
  private readonly _pull: HTMLButtonElement;
  private readonly _push: HTMLButtonElement;
  private readonly _message: HTMLElement;
  private readonly _clone: HTMLButtonElement;
  private readonly _files: HTMLElement;
  private readonly _text: HTMLTextAreaElement;
  private readonly _commitButton: HTMLButtonElement;
  private readonly _publishButton: HTMLButtonElement;
  private readonly _history: HTMLElement;
  private readonly _expanded = new Set<Group>();
}

export namespace GitPanel {
  export interface IOptions {
    model: GitModel;
    commands: CommandRegistry;
    trans: TranslationBundle;
  }
}
