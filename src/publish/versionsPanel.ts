import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import type {
  GitCommitFile,
  VersionInfo,
  VersionsResponse
} from 'arcade-engine';
import { toRequestError } from '../request';
import { describeError } from '../status/format';
import { CommandIDs } from '../tokens';
import type { PublishApi } from './api';
import { button as domButton, element } from '../dom';

function button(
  label: string,
  title: string,
  onClick: () => void
): HTMLButtonElement {
  return domButton(label, 'jp-Arcade-Versions-action', title, onClick);
}

/**
 * The published versions of the project: commit, author, time, lint
 * summary, which is current; compare one with HEAD stage by stage, and make
 * another one current (roll back or forward).
 */
export class VersionsPanel extends Widget {
  constructor(
    private readonly _api: PublishApi,
    private readonly _commands: CommandRegistry,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Arcade-Versions');
    const trans = _trans;
    const header = element('div', 'jp-Arcade-Versions-header');
    this._title = element(
      'div',
      'jp-Arcade-Versions-title',
      trans.__('Published versions')
    );
    header.appendChild(this._title);
    header.appendChild(
      button(trans.__('Refresh'), trans.__('Read the versions again'), () => {
        void this.refresh();
      })
    );
    this.node.appendChild(header);
    this._status = element('div', 'jp-Arcade-Versions-status');
    this._status.setAttribute('role', 'status');
    this.node.appendChild(this._status);
    this._list = element('ol', 'jp-Arcade-Versions-list');
    this.node.appendChild(this._list);
  }

  get versions(): VersionsResponse | null {
    return this._versions;
  }

  async refresh(): Promise<void> {
    const trans = this._trans;
    this._status.textContent = trans.__('Reading the published versions…');
    try {
      this._versions = await this._api.versions();
      this._status.textContent =
        this._versions.versions.length === 0
          ? trans.__('Nothing is published yet at %1', this._versions.location)
          : trans.__(
              '%1 versions at %2',
              this._versions.versions.length,
              this._versions.location
            );
      this._title.textContent = trans.__(
        'Published versions of %1',
        this._versions.project
      );
    } catch (error) {
      this._status.textContent = trans.__(
        'Cannot read the versions: %1',
        describeError(toRequestError(error), trans)
      );
    }
    this._render();
  }

  private _render(): void {
    this._list.textContent = '';
    for (const version of this._versions?.versions ?? []) {
      this._list.appendChild(this._row(version));
    }
  }

  private _row(v: VersionInfo): HTMLElement {
    const trans = this._trans;
    const item = element(
      'li',
      `jp-Arcade-Versions-item${v.current ? ' jp-mod-current' : ''}`
    );
    item.dataset.version = v.version;
    const line = element('div', 'jp-Arcade-Versions-line');
    line.appendChild(
      element('code', 'jp-Arcade-Versions-sha', v.version.slice(0, 7))
    );
    if (v.current) {
      line.appendChild(
        element('span', 'jp-Arcade-Versions-current', trans.__('current'))
      );
    }
    line.appendChild(
      element(
        'span',
        'jp-Arcade-Versions-message',
        v.message.split('\n')[0] ?? ''
      )
    );
    item.appendChild(line);
    item.appendChild(
      element(
        'div',
        'jp-Arcade-Versions-meta',
        trans.__(
          '%1 · committed %2 · published %3 · %4 files · lint: %5 errors, %6 warnings',
          v.author,
          new Date(v.time).toLocaleString(),
          new Date(v.publishedAt).toLocaleString(),
          v.files,
          v.lint.errors,
          v.lint.warnings
        )
      )
    );
    const actions = element('div', 'jp-Arcade-Versions-actions');
    actions.appendChild(
      button(
        trans.__('Compare with HEAD'),
        trans.__('The stage diff of this version against HEAD'),
        () => {
          void this._compare(v, item);
        }
      )
    );
    if (!v.current) {
      actions.appendChild(
        button(
          trans.__('Make current'),
          trans.__('Point current.json at this version (roll back or forward)'),
          () => {
            void this._commands
              .execute(CommandIDs.setCurrentVersion, {
                version: v.version,
                expected: this._versions?.current ?? ''
              })
              .then(() => this.refresh());
          }
        )
      );
    }
    item.appendChild(actions);
    return item;
  }

  private async _compare(v: VersionInfo, item: HTMLElement): Promise<void> {
    const trans = this._trans;
    item.querySelector('.jp-Arcade-Versions-changes')?.remove();
    const box = element(
      'ul',
      'jp-Arcade-Versions-changes',
      trans.__('Comparing…')
    );
    item.appendChild(box);
    let files: GitCommitFile[];
    try {
      files = (await this._api.changes(v.version)).files;
    } catch (error) {
      box.textContent = trans.__(
        'Cannot compare: %1',
        describeError(toRequestError(error), trans)
      );
      return;
    }
    box.textContent = files.length === 0 ? trans.__('Same files as HEAD') : '';
    for (const file of files) {
      const li = element('li', '');
      const open = element(
        'button',
        'jp-Arcade-Git-path',
        `${file.change[0]?.toUpperCase() ?? ''} ${file.path}`
      );
      open.type = 'button';
      open.addEventListener('click', () => {
        void this._commands.execute(CommandIDs.gitOpenDiff, {
          path: file.path,
          mode: 'refs',
          from: v.version,
          to: 'HEAD'
        });
      });
      li.appendChild(open);
      box.appendChild(li);
    }
  }

  private _versions: VersionsResponse | null = null;
  private readonly _title: HTMLElement;
  private readonly _status: HTMLElement;
  private readonly _list: HTMLElement;
}
