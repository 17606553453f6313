/**
 * The schedule dialog's fields: small labelled controls, and the notebooks
 * of a schedule with the dependencies Arcade proposes between them.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ScheduleNotebook } from 'arcade-engine';
import { proposeDependencies } from 'arcade-engine/core';
import { element } from '../dom';

export function labelled(
  label: string,
  control: HTMLElement,
  hint?: HTMLElement
): HTMLElement {
  const row = element('div', 'jp-Arcade-Schedule-row');
  const text = element('label', 'jp-Arcade-Schedule-label', label);
  if (control.id !== '') {
    text.htmlFor = control.id;
  }
  row.append(text, control);
  if (hint !== undefined) {
    row.appendChild(hint);
  }
  return row;
}

export function input(
  id: string,
  value: string,
  type = 'text'
): HTMLInputElement {
  const node = element('input', 'jp-mod-styled jp-Arcade-Schedule-input');
  node.id = id;
  node.type = type;
  node.value = value;
  return node;
}

export function select(
  id: string,
  options: Array<[string, string]>,
  value: string
): HTMLSelectElement {
  const node = element('select', 'jp-mod-styled jp-Arcade-Schedule-select');
  node.id = id;
  for (const [key, label] of options) {
    const option = element('option', '', label);
    option.value = key;
    node.appendChild(option);
  }
  node.value = value;
  return node;
}

export function localTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/**
 * The notebooks of a schedule: the one the dialog was opened on and any
 * others that make it a pipeline, each step with the steps it waits for —
 * proposed from lineage (it reads what they write) until the user edits them.
 */
export class StepsField {
  constructor(
    private readonly _notebooks: readonly ScheduleNotebook[],
    first: string | null,
    private readonly _trans: TranslationBundle,
    /** Called after the choice of notebooks changed. */
    private readonly _onChange: () => void
  ) {
    this.node = element('fieldset', 'jp-Arcade-Schedule-steps');
    this._selected = new Set(first === null ? [] : [first]);
  }

  readonly node: HTMLFieldSetElement;

  /** The chosen notebooks, in the order listed. */
  chosen(): ScheduleNotebook[] {
    return this._notebooks.filter(n => this._selected.has(n.path));
  }

  /** The steps `step` waits for (none for a single notebook). */
  dependsOn(step: string): string[] {
    return this.chosen().length === 1 ? [] : [...(this._deps.get(step) ?? [])];
  }

  render(): void {
    const trans = this._trans;
    this.node.replaceChildren(
      element('legend', '', trans.__('Notebooks (several make a pipeline)'))
    );
    const chosen = this.chosen();
    const proposal = proposeDependencies(
      chosen.map(n => ({ name: n.step, reads: n.reads, writes: n.writes }))
    );
    for (const step of [...this._deps.keys()]) {
      if (!chosen.some(n => n.step === step)) {
        this._deps.delete(step);
      }
    }
    for (const notebook of chosen) {
      if (!this._edited.has(notebook.step)) {
        this._deps.set(notebook.step, new Set(proposal[notebook.step] ?? []));
      }
    }
    for (const notebook of this._notebooks) {
      const row = element('div', 'jp-Arcade-Schedule-step');
      const box = input(
        `jp-Arcade-Schedule-nb-${notebook.step}`,
        '',
        'checkbox'
      );
      box.checked = this._selected.has(notebook.path);
      box.addEventListener('change', () => {
        if (box.checked) {
          this._selected.add(notebook.path);
        } else {
          this._selected.delete(notebook.path);
        }
        this.render();
        this._onChange();
      });
      const label = element('label', '', notebook.path);
      label.htmlFor = box.id;
      row.append(box, label);
      if (notebook.errors.length > 0) {
        row.appendChild(
          element(
            'span',
            'jp-Arcade-Schedule-lint',
            trans._n('%1 lint error', '%1 lint errors', notebook.errors.length)
          )
        );
      }
      if (box.checked && chosen.length > 1) {
        row.appendChild(this._dependencyRow(notebook, chosen));
      }
      this.node.appendChild(row);
    }
  }

  private _dependencyRow(
    notebook: ScheduleNotebook,
    chosen: ScheduleNotebook[]
  ): HTMLElement {
    const deps = this._deps.get(notebook.step) ?? new Set<string>();
    const row = element('div', 'jp-Arcade-Schedule-deps');
    row.appendChild(element('span', '', this._trans.__('waits for')));
    for (const other of chosen) {
      if (other.step === notebook.step) {
        continue;
      }
      const box = input(
        `jp-Arcade-Schedule-dep-${notebook.step}-${other.step}`,
        '',
        'checkbox'
      );
      box.checked = deps.has(other.step);
      box.addEventListener('change', () => {
        this._edited.add(notebook.step);
        if (box.checked) {
          deps.add(other.step);
        } else {
          deps.delete(other.step);
        }
      });
      const label = element('label', '', other.step);
      label.htmlFor = box.id;
      row.append(box, label);
    }
    return row;
  }

  private readonly _selected: Set<string>;
  private readonly _deps = new Map<string, Set<string>>();
  private readonly _edited = new Set<string>();
}
