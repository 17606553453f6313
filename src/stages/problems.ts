import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { LintDiagnostic } from 'arcade-engine';

/**
 * What the Problems panel lists.
 */
export interface IProblemsView {
  /** The notebook the problems belong to, or null without an Arc notebook. */
  path: string | null;
  diagnostics: readonly LintDiagnostic[];
  /** A message instead of the list, e.g. when the bridge has no lint route. */
  notice: string | null;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };

/**
 * Diagnostics in reading order: by cell, line, column, then severity.
 */
export function sortDiagnostics(
  diagnostics: readonly LintDiagnostic[]
): LintDiagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.cell ?? -1) - (b.cell ?? -1) ||
      a.line - b.line ||
      a.column - b.column ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]
  );
}

/**
 * The side panel listing the current notebook's lint diagnostics; a click
 * (or Enter) on one goes to its cell and line.
 */
export class ProblemsPanel extends Widget {
  constructor(options: ProblemsPanel.IOptions) {
    super();
    this._trans = options.trans;
    this._onSelect = options.onSelect;
    this.addClass('jp-Arcade-Problems');
    this.render({ path: null, diagnostics: [], notice: null });
  }

  render(view: IProblemsView): void {
    const trans = this._trans;
    const node = this.node;
    node.replaceChildren();
    const heading = document.createElement('h2');
    heading.className = 'jp-Arcade-Problems-title';
    heading.textContent = trans.__('Problems');
    node.appendChild(heading);
    const message = (text: string): void => {
      const p = document.createElement('p');
      p.className = 'jp-Arcade-Problems-notice';
      p.textContent = text;
      node.appendChild(p);
    };
    if (view.path === null) {
      message(trans.__('Open an Arc notebook to see its problems.'));
      return;
    }
    if (view.notice !== null) {
      message(view.notice);
      return;
    }
    if (view.diagnostics.length === 0) {
      message(trans.__('No problems in %1.', view.path));
      return;
    }
    const list = document.createElement('ul');
    list.className = 'jp-Arcade-Problems-list';
    for (const diagnostic of sortDiagnostics(view.diagnostics)) {
      const item = document.createElement('li');
      item.className = `jp-Arcade-Problems-item jp-mod-${diagnostic.severity}`;
      item.tabIndex = 0;
      item.setAttribute('role', 'button');
      const where = document.createElement('span');
      where.className = 'jp-Arcade-Problems-where';
      // The bridge lints the unsaved content, so its `file` is a placeholder: name the open notebook.
      where.textContent =
        diagnostic.cell === null
          ? trans.__('%1 · notebook', view.path)
          : trans.__(
              '%1 · cell %2 · line %3',
              view.path,
              diagnostic.cell + 1,
              diagnostic.line
            );
      const code = document.createElement('span');
      code.className = 'jp-Arcade-Problems-code';
      code.textContent = diagnostic.code;
      const text = document.createElement('span');
      text.className = 'jp-Arcade-Problems-message';
      text.textContent = diagnostic.message;
      item.append(where, code, text);
      item.addEventListener('click', () => this._onSelect(diagnostic));
      item.addEventListener('keydown', event => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          this._onSelect(diagnostic);
        }
      });
      list.appendChild(item);
    }
    node.appendChild(list);
  }

  private readonly _trans: TranslationBundle;
  private readonly _onSelect: (diagnostic: LintDiagnostic) => void;
}

export namespace ProblemsPanel {
  export interface IOptions {
    trans: TranslationBundle;
    onSelect: (diagnostic: LintDiagnostic) => void;
  }
}
