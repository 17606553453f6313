/**
 * A magic cell's stage: the HOCON template Arc's parseIPYNBCells fills from
 * the magic line's options (pasted unescaped) and the cell's body.
 */
import {
  javaSplit,
  javaTrim,
  MappedText,
  parseArgs,
  type MagicArg
} from '../arcText';
import type { CodeCell } from '../notebook';
import type { StageKind } from '../types';

export type MagicStageKind = Exclude<StageKind, 'hocon' | 'arc'>;

/** Kinds whose template has `outputView` and `persist`. */
const WITH_OUTPUT: ReadonlySet<MagicStageKind> = new Set([
  'configexecute',
  'metadatafilter',
  'sql'
]);

/** Magic-line keys that never become stage fields. */
const CONTROL_KEYS: ReadonlySet<string> = new Set([
  'name',
  'description',
  'sqlParams',
  'outputView',
  'environments',
  'numRows',
  'truncate',
  'persist',
  'monospace',
  'leftAlign',
  'datasetLabels',
  'streamingDuration',
  'showLog'
]);

export function firstLine(text: string): string {
  const newline = text.indexOf('\n');
  return javaTrim(newline === -1 ? text : text.slice(0, newline));
}

/** `lines.drop(1).mkString("\n")` of a Java split on "\n" (trailing newlines dropped). */
export function body(text: string): { text: string; offset: number } {
  const newline = text.indexOf('\n');
  if (newline === -1) {
    return { text: '', offset: text.length };
  }
  return {
    text: text.slice(newline + 1).replace(/\n+$/, ''),
    offset: newline + 1
  };
}

/** `v.stripPrefix("\"").stripSuffix("\"").trim` */
function cleanValue(value: string): { value: string; shift: number } {
  let v = value;
  let shift = 0;
  if (v.startsWith('"')) {
    v = v.slice(1);
    shift = 1;
  }
  if (v.endsWith('"')) {
    v = v.slice(0, -1);
  }
  return { value: javaTrim(v), shift };
}

export function stageTemplate(
  cell: CodeCell,
  kind: MagicStageKind,
  type: string
): MappedText {
  const line = firstLine(cell.text);
  const at = (offset: number): number => cell.start + offset;
  const args = new Map<string, MagicArg & { shift: number }>();
  for (const [key, arg] of parseArgs(line)) {
    const cleaned = cleanValue(arg.value);
    args.set(key, {
      value: cleaned.value,
      offset: arg.offset,
      shift: cleaned.shift
    });
  }
  const out = new MappedText();
  const template = (text: string): void => {
    out.add(text, cell.cell, cell.start);
  };
  const option = (key: string, fallback: string): void => {
    const arg = args.get(key);
    if (arg === undefined) {
      template(fallback);
    } else {
      out.add(arg.value, cell.cell, at(arg.offset));
    }
  };

  template(`{\n|  "type": "${type}",\n|  "name": "`);
  option('name', `notebook cell ${cell.codeCell}`);
  template('",\n|  "description": "');
  option('description', '');
  template('",\n|  "environments": [');
  const environments = args.get('environments');
  out.add(
    `"${javaSplit(environments?.value ?? '', ',').join('","')}"`,
    cell.cell,
    environments === undefined ? cell.start : at(environments.offset)
  );
  template('],\n|  "sql": """');
  const command = body(cell.text);
  out.copy(command.text, cell.cell, at(command.offset));
  template('""",\n|  "sqlParams": {');
  const sqlParams = args.get('sqlParams');
  if (sqlParams !== undefined) {
    const base = sqlParams.offset + 'sqlParams='.length + sqlParams.shift;
    let first = true;
    for (const [key, param] of parseArgs(
      sqlParams.value.replaceAll(',', ' ')
    )) {
      const text = javaTrim(param.value).startsWith('${')
        ? `"${key}": ${param.value}`
        : `"${key}": "${param.value}"`;
      out.add(first ? text : `,${text}`, cell.cell, at(base + param.offset));
      first = false;
    }
  }
  template('},\n|  ');
  if (WITH_OUTPUT.has(kind)) {
    const outputView = args.get('outputView');
    if (outputView !== undefined) {
      out.add(
        `"outputView": "${outputView.value}",`,
        cell.cell,
        at(outputView.offset)
      );
    }
    template('\n|  "persist": ');
    option('persist', 'false');
    template(',\n|  ');
  }
  let first = true;
  for (const [key, arg] of args) {
    if (!CONTROL_KEYS.has(key)) {
      out.add(
        `${first ? '' : ','}"${key}": "${arg.value}"`,
        cell.cell,
        at(arg.offset)
      );
      first = false;
    }
  }
  template('\n|}');
  return out.stripMargin();
}
