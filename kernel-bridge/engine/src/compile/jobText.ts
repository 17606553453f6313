/**
 * Cells → Arc's job document: which cells make stages and plugins (Arc's
 * prefix rules), and the document Arc builds from them by string templates.
 */
import { javaTrim, MappedText } from '../arcText';
import type { CodeCell, ReadNotebook } from '../notebook';
import type { IgnoredCellInfo, PluginKind, StageKind } from '../types';
import { body, firstLine, stageTemplate, type MagicStageKind } from './magic';

/** Prefix → stage kind, in the order Arc's `match` tries them. */
const MAGIC_STAGES: [string, MagicStageKind, string][] = [
  ['%log', 'log', 'LogExecute'],
  ['%configexecute', 'configexecute', 'ConfigExecute'],
  ['%metadatafilter', 'metadatafilter', 'MetadataFilterTransform'],
  ['%metadatavalidate', 'metadatavalidate', 'MetadataValidate'],
  ['%sqlvalidate', 'sqlvalidate', 'SQLValidate'],
  ['%sql', 'sql', 'SQLTransform']
];

/** Prefixes that make a cell a stage (lower-cased cell). */
const STAGE_PREFIXES = [
  '%arc',
  '%configexecute',
  '%log',
  '%metadatafilter',
  '%metadatavalidate',
  '%sql',
  '%sqlvalidate'
];

export interface Item {
  cell: CodeCell;
  kind: StageKind | PluginKind;
  magic: string | null;
  text: MappedText;
}

function magicWord(line: string): string | null {
  return line.startsWith('%') ? (line.split(/[ \t\n\v\f\r]/)[0] ?? line) : null;
}

interface Classified {
  items: Item[];
  ignored: IgnoredCellInfo[];
}

export function classify(read: ReadNotebook): Classified {
  const items: Item[] = [];
  const ignored: IgnoredCellInfo[] = read.otherCells.map(cell => ({
    cell,
    reason: 'not-code',
    magic: null
  }));
  for (const cell of read.codeCells) {
    const text = cell.text;
    const line = firstLine(text);
    const magic = magicWord(line);
    if (
      text.startsWith('%configplugin') ||
      text.startsWith('%lifecycleplugin')
    ) {
      const kind: PluginKind = text.startsWith('%configplugin')
        ? 'configplugin'
        : 'lifecycleplugin';
      const content = body(text);
      items.push({
        cell,
        kind,
        magic,
        text: new MappedText().copy(
          content.text,
          cell.cell,
          cell.start + content.offset
        )
      });
      continue;
    }
    const behavior = javaTrim(text).toLowerCase();
    const isStage =
      (!behavior.startsWith('%') && text.length > 0) ||
      STAGE_PREFIXES.some(prefix => behavior.startsWith(prefix));
    if (!isStage) {
      ignored.push({
        cell: cell.cell,
        reason:
          text.length === 0
            ? cell.sourceNotAList
              ? 'source-not-a-list'
              : 'empty'
            : 'interactive-magic',
        magic
      });
      continue;
    }
    const lower = line.toLowerCase();
    if (!line.startsWith('%')) {
      items.push({
        cell,
        kind: 'hocon',
        magic: null,
        text: new MappedText().copy(text, cell.cell, cell.start)
      });
    } else if (lower.startsWith('%arc')) {
      const content = body(text);
      items.push({
        cell,
        kind: 'arc',
        magic,
        text: new MappedText().copy(
          content.text,
          cell.cell,
          cell.start + content.offset
        )
      });
    } else {
      const rule = MAGIC_STAGES.find(([prefix]) => lower.startsWith(prefix));
      if (rule !== undefined) {
        items.push({
          cell,
          kind: rule[1],
          magic,
          text: stageTemplate(cell, rule[1], rule[2])
        });
      }
    }
  }
  items.sort((a, b) => a.cell.cell - b.cell.cell);
  return { items, ignored: ignored.sort((a, b) => a.cell - b.cell) };
}

/** `mkString("\n", ",\n", "\n")`, the joins attributed to the neighbouring cell. */
function joinItems(doc: MappedText, items: Item[]): void {
  if (items.length === 0) {
    doc.add('\n\n');
    return;
  }
  items.forEach((item, index) => {
    doc.add(index === 0 ? '\n' : ',\n', item.cell.cell, item.cell.start);
    doc.append(item.text);
  });
  const last = items[items.length - 1] as Item;
  doc.add('\n', last.cell.cell, last.cell.start);
}

/** The HOCON document Arc generates, with its origin map. */
export function generateJobText(read: ReadNotebook): {
  doc: MappedText;
  items: Item[];
  ignored: IgnoredCellInfo[];
} {
  const { items, ignored } = classify(read);
  const doc = new MappedText();
  doc.add('\n|{\n|"plugins": {\n|"config": [');
  joinItems(
    doc,
    items.filter(i => i.kind === 'configplugin')
  );
  doc.add('],\n|"lifecycle": [');
  joinItems(
    doc,
    items.filter(i => i.kind === 'lifecycleplugin')
  );
  doc.add(']\n|},\n|"stages": [');
  joinItems(
    doc,
    items.filter(i => i.kind !== 'configplugin' && i.kind !== 'lifecycleplugin')
  );
  doc.add(']\n|}');
  return { doc: doc.stripMargin(), items, ignored };
}
