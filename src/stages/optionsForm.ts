import type { Dialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

/** The magic-line options the form edits, in the order shown. */
export const EDITABLE_OPTIONS = [
  'name',
  'description',
  'outputView',
  'environments',
  'persist'
] as const;

export type EditableOption = (typeof EDITABLE_OPTIONS)[number];

/**
 * A form for a magic stage's options. An emptied field removes the option.
 */
export class StageOptionsForm
  extends Widget
  implements Dialog.IBodyWidget<Record<EditableOption, string | null>>
{
  constructor(current: Record<string, string>, trans: TranslationBundle) {
    super();
    this.addClass('jp-Arcade-StageOptions');
    const labels: Record<EditableOption, string> = {
      name: trans.__('Name'),
      description: trans.__('Description'),
      outputView: trans.__('Output view'),
      environments: trans.__('Environments (comma-separated)'),
      persist: trans.__('Persist (true or false)')
    };
    for (const key of EDITABLE_OPTIONS) {
      const label = document.createElement('label');
      label.className = 'jp-Arcade-StageOptions-field';
      const text = document.createElement('span');
      text.textContent = labels[key];
      const input = document.createElement('input');
      input.className = 'jp-mod-styled';
      input.name = key;
      input.value = current[key] ?? '';
      label.append(text, input);
      this.node.appendChild(label);
      this._inputs.set(key, input);
    }
  }

  getValue(): Record<EditableOption, string | null> {
    const values = {} as Record<EditableOption, string | null>;
    for (const key of EDITABLE_OPTIONS) {
      const value = this._inputs.get(key)?.value.trim() ?? '';
      values[key] = value === '' ? null : value;
    }
    return values;
  }

  private readonly _inputs = new Map<EditableOption, HTMLInputElement>();
}
