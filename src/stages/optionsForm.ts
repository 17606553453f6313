import type { OptionValue, StageOption, StageOptions } from 'arcade-engine';
import type { Dialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

/** Keys whose value is a list of names (comma-separated in the form). */
const LIST_KEYS = new Set(['environments', 'partitionBy']);
/** Keys whose value is true or false. */
const FLAG_KEYS = new Set([
  'persist',
  'header',
  'multiLine',
  'contiguousIndex'
]);
/** Options a magic stage's form always offers, when its kind has them. */
const MAGIC_KEYS = [
  'name',
  'description',
  'outputView',
  'environments',
  'persist'
];
/** Magic kinds whose stage has an output view and `persist`. */
const MAGIC_WITH_OUTPUT = new Set(['sql', 'configexecute', 'metadatafilter']);
/** Options a HOCON stage's form offers when its type allows them. */
const HOCON_KEYS = [
  'name',
  'description',
  'environments',
  'inputView',
  'inputURI',
  'outputView',
  'outputURI',
  'persist'
];

/** What Arc accepts for the stage's type, when Arcade knows it. */
export interface IStageKeys {
  allowed: readonly string[];
  required: readonly string[];
}

/** One row of the form. */
export interface IOptionField {
  key: string;
  /** The text in the input: lists comma-separated, flags as true/false. */
  text: string;
  editable: boolean;
  required: boolean;
  /** Why the field is read-only, or what is wrong with its value. */
  note: string | null;
}

function asText(value: unknown): string {
  if (Array.isArray(value)) {
    return value.map(v => String(v)).join(',');
  }
  return value === null || value === undefined ? '' : String(value);
}

/**
 * The fields the form shows for a stage: every option the cell has (read-only
 * ones with their text as written), then the ones the stage's type requires
 * or commonly takes that the cell does not have yet.
 */
export function optionFields(
  stage: StageOptions,
  keys: IStageKeys | null,
  trans: TranslationBundle
): IOptionField[] {
  const fields: IOptionField[] = [];
  const present = new Map<string, StageOption>();
  for (const option of stage.options) {
    present.set(option.key, option);
  }
  const required = new Set(keys?.required ?? []);
  const offered =
    stage.format === 'magic'
      ? MAGIC_KEYS.filter(
          key =>
            MAGIC_WITH_OUTPUT.has(stage.kind) ||
            (key !== 'outputView' && key !== 'persist')
        )
      : [
          ...HOCON_KEYS.filter(
            key => keys === null || keys.allowed.includes(key)
          ),
          ...(keys?.required ?? [])
        ];
  const order = [...new Set([...offered, ...present.keys()])].filter(
    key => key !== 'type'
  );
  for (const key of order) {
    const option = present.get(key);
    if (option === undefined) {
      fields.push({
        key,
        text: '',
        editable: true,
        required: required.has(key),
        note: null
      });
    } else if (option.editable) {
      fields.push({
        key,
        text: asText(option.value),
        editable: true,
        required: required.has(key),
        note: option.inStage
          ? null
          : trans.__('Arc leaves this option out of the stage')
      });
    } else {
      fields.push({
        key,
        text: option.raw,
        editable: false,
        required: required.has(key),
        note:
          option.problem ??
          trans.__(
            'Written as a substitution or structure: edit it in the cell'
          )
      });
    }
  }
  return fields;
}

/** The value to write for a field's text, typed like the option it replaces. */
export function parseFieldValue(
  key: string,
  text: string,
  previous: StageOption | undefined
): OptionValue | null {
  const trimmed = text.trim();
  if (trimmed === '') {
    return null;
  }
  const old = previous?.editable ? previous.value : undefined;
  if (Array.isArray(old) || (old === undefined && LIST_KEYS.has(key))) {
    return trimmed
      .split(',')
      .map(part => part.trim())
      .filter(part => part !== '');
  }
  if (
    (typeof old === 'boolean' || (old === undefined && FLAG_KEYS.has(key))) &&
    /^(true|false)$/i.test(trimmed)
  ) {
    return trimmed.toLowerCase() === 'true';
  }
  if (typeof old === 'number' && /^-?\d+(\.\d+)?$/.test(trimmed)) {
    return Number(trimmed);
  }
  return trimmed;
}

/**
 * A form for a stage cell's options, magic line or HOCON alike. `getValue`
 * gives only what the user changed: a new value, or null for an emptied
 * field (the option is removed).
 */
export class StageOptionsForm
  extends Widget
  implements Dialog.IBodyWidget<Record<string, OptionValue | null>>
{
  constructor(
    stage: StageOptions,
    keys: IStageKeys | null,
    trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Arcade-StageOptions');
    this._stage = stage;
    const heading = document.createElement('p');
    heading.className = 'jp-Arcade-StageOptions-type';
    heading.textContent =
      stage.format === 'magic'
        ? trans.__('%1 stage (%2)', stage.type ?? '?', stage.magic)
        : trans.__('%1 stage (HOCON)', stage.type ?? '?');
    this.node.appendChild(heading);
    for (const field of optionFields(stage, keys, trans)) {
      const label = document.createElement('label');
      label.className = 'jp-Arcade-StageOptions-field';
      const text = document.createElement('span');
      text.textContent = field.required ? `${field.key} *` : field.key;
      const input = document.createElement('input');
      input.className = 'jp-mod-styled';
      input.name = field.key;
      input.value = field.text;
      input.disabled = !field.editable;
      input.spellcheck = false;
      if (LIST_KEYS.has(field.key)) {
        input.placeholder = trans.__('comma-separated, e.g. dev,test');
      } else if (FLAG_KEYS.has(field.key)) {
        input.placeholder = 'true / false';
      }
      label.append(text, input);
      if (field.note !== null) {
        const note = document.createElement('small');
        note.className = 'jp-Arcade-StageOptions-note';
        note.textContent = field.note;
        label.appendChild(note);
        input.title = field.note;
      }
      this.node.appendChild(label);
      if (field.editable) {
        this._inputs.set(field.key, { input, initial: field.text });
      }
    }
  }

  getValue(): Record<string, OptionValue | null> {
    const changes: Record<string, OptionValue | null> = {};
    const previous = new Map(this._stage.options.map(o => [o.key, o]));
    for (const [key, { input, initial }] of this._inputs) {
      if (input.value === initial) {
        continue;
      }
      const value = parseFieldValue(key, input.value, previous.get(key));
      if (value === null && !previous.has(key)) {
        continue;
      }
      changes[key] = value;
    }
    return changes;
  }

  private readonly _stage: StageOptions;
  private readonly _inputs = new Map<
    string,
    { input: HTMLInputElement; initial: string }
  >();
}

/**
 * The one text change turning `before` into `after`: the span between
 * their common prefix and suffix, so collaborators' edits elsewhere in the
 * cell and the undo history stay intact.
 */
export function minimalEdit(
  before: string,
  after: string
): { from: number; to: number; text: string } | null {
  if (before === after) {
    return null;
  }
  let start = 0;
  const limit = Math.min(before.length, after.length);
  while (start < limit && before[start] === after[start]) {
    start++;
  }
  let end = 0;
  while (
    end < limit - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  ) {
    end++;
  }
  return {
    from: start,
    to: before.length - end,
    text: after.slice(start, after.length - end)
  };
}
