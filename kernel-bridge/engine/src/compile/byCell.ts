/**
 * The compile by cell: each cell compiled on its own and cached while its
 * text stays the same, the job put together from the cached results.
 */
import { MappedText } from '../arcText';
import {
  objectToJson,
  parseHocon,
  type HoconNode,
  type HoconObject,
  type ResolveOptions
} from '../hocon';
import type { ReadNotebook } from '../notebook';
import type {
  CompiledPluginInfo,
  CompiledStageInfo,
  CompileResponse,
  JsonObject,
  PluginKind,
  SourceLocation,
  StageKind
} from '../types';
import {
  collectUnresolved,
  Compilation,
  field,
  itemInfo,
  type CompileOptions
} from './compilation';
import { classify, type Item } from './jobText';

/** What one cell compiles to, kept while the cell's text stays the same. */
interface CellResult {
  json: JsonObject;
  info: CompiledPluginInfo | CompiledStageInfo;
  /** Line of the value within the cell's generated text (0-based). */
  lineWithin: number;
  /** Newlines in the cell's generated text. */
  newlines: number;
  unresolved: string[];
}

const CELL_CACHE_SIZE = 20_000;
const cellCache = new Map<string, CellResult | null>();

/** The frame around a cell's text in Arc's document, up to and after it. */
const FRAMES: Record<'stage' | 'config' | 'lifecycle', [string, string]> = {
  stage: ['{"stages": [\n', ',\n0]}'],
  config: ['{"plugins": {"config": [\n', ',\n0]}}'],
  lifecycle: ['{"plugins": {"lifecycle": [\n', ',\n0]}}']
};

function frameOf(kind: StageKind | PluginKind): keyof typeof FRAMES {
  return kind === 'configplugin'
    ? 'config'
    : kind === 'lifecycleplugin'
      ? 'lifecycle'
      : 'stage';
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    count++;
  }
  return count;
}

/**
 * Compiles one cell on its own: its generated text inside the same frame
 * Arc's document puts it in (the list it belongs to, a separator after it),
 * followed by a sentinel element. Null when the cell does not stand alone as
 * exactly one object in that list (an unbalanced brace, two values, a fault):
 * then only the whole document can say what Arc makes of it.
 */
function compileCell(
  item: Item,
  file: string,
  resolve: ResolveOptions,
  maxDepth: number | undefined
): CellResult | null {
  const frame = frameOf(item.kind);
  const [before, after] = FRAMES[frame];
  const stripped = item.text.stripMargin();
  const doc = new MappedText().add(before).append(stripped).add(after);
  const compilation = new Compilation(file, doc, {
    codeCells: [item.cell],
    otherCells: []
  });
  let root: HoconObject;
  try {
    root = parseHocon(doc.text, maxDepth === undefined ? {} : { maxDepth });
  } catch {
    return null;
  }
  const path = frame === 'stage' ? ['stages'] : ['plugins', frame];
  if (root.fields.size !== 1) {
    return null;
  }
  let list: HoconNode | undefined = root;
  for (const key of path) {
    if (
      list?.kind !== 'object' ||
      (key !== path[0] && list.fields.size !== 1)
    ) {
      return null;
    }
    list = field(list, key);
  }
  if (list?.kind !== 'array' || list.items.length !== 2) {
    return null;
  }
  const [node, sentinel] = list.items as [HoconNode, HoconNode];
  const location = compilation.locationOf(node.offset);
  if (
    node.kind !== 'object' ||
    sentinel.kind !== 'number' ||
    sentinel.raw !== '0' ||
    location?.cell !== item.cell.cell
  ) {
    return null;
  }
  let json: JsonObject;
  try {
    json = objectToJson(node, resolve);
  } catch {
    return null;
  }
  const unresolved = new Set<string>();
  collectUnresolved(json, unresolved);
  const fields: Record<string, SourceLocation> = {};
  compilation.fields(node, '', fields);
  return {
    json,
    info: itemInfo(item, json, location, fields, 0, 0),
    lineWithin:
      compilation.jobLine(node.offset) - compilation.jobLine(before.length),
    newlines: countNewlines(stripped.text),
    unresolved: [...unresolved]
  };
}

/**
 * The compile from per-cell results, each reused while its cell is
 * unchanged; null when some cell needs the whole document. Line numbers in
 * the generated job are counted the way the document is laid out
 * (generateJobText), without building it.
 */
export function compileByCell(
  read: ReadNotebook,
  options: CompileOptions
): CompileResponse | null {
  const file = options.file ?? 'notebook';
  const { items, ignored } = classify(read);
  const resolve: ResolveOptions = {
    vars: options.vars ?? {},
    complete: options.complete === true
  };
  const context = `${file}\u0000${JSON.stringify(resolve.vars)}\u0000${resolve.complete}\u0000${options.maxDepth ?? ''}`;
  const results = new Map<Item, CellResult>();
  for (const item of items) {
    const key = `${item.kind}\u0000${item.cell.cell}\u0000${item.cell.codeCell}\u0000${context}\u0000${item.cell.source}`;
    let result = cellCache.get(key);
    if (result === undefined) {
      try {
        result = compileCell(item, file, resolve, options.maxDepth);
      } catch {
        result = null;
      }
      if (cellCache.size >= CELL_CACHE_SIZE) {
        cellCache.clear();
      }
      cellCache.set(key, result);
    }
    if (result === null) {
      return null;
    }
    results.set(item, result);
  }

  // Newlines before each list's first element, as generateJobText lays them out.
  let newlines = 3;
  const place = (list: Item[]): { result: CellResult; jobLine: number }[] => {
    const placed: { result: CellResult; jobLine: number }[] = [];
    if (list.length === 0) {
      newlines += 2;
      return placed;
    }
    for (const item of list) {
      const result = results.get(item) as CellResult;
      newlines += 1;
      placed.push({ result, jobLine: newlines + 1 + result.lineWithin });
      newlines += result.newlines;
    }
    newlines += 1;
    return placed;
  };
  const config = place(items.filter(i => i.kind === 'configplugin'));
  newlines += 1;
  const lifecycle = place(items.filter(i => i.kind === 'lifecycleplugin'));
  newlines += 2;
  const stages = place(
    items.filter(i => i.kind !== 'configplugin' && i.kind !== 'lifecycleplugin')
  );

  const unresolved = new Set<string>();
  const infos = (
    placed: { result: CellResult; jobLine: number }[]
  ): (CompiledPluginInfo | CompiledStageInfo)[] =>
    placed.map(({ result, jobLine }, index) => {
      result.unresolved.forEach(name => unresolved.add(name));
      return { ...result.info, index, jobLine };
    });
  const stageInfos = infos(stages);
  const configInfos = infos(config);
  const lifecycleInfos = infos(lifecycle);
  return {
    job: {
      stages: stages.map(p => p.result.json),
      plugins: {
        config: config.map(p => p.result.json),
        lifecycle: lifecycle.map(p => p.result.json)
      }
    },
    stages: stageInfos as CompiledStageInfo[],
    plugins: {
      config: configInfos as CompiledPluginInfo[],
      lifecycle: lifecycleInfos as CompiledPluginInfo[]
    },
    ignored,
    unresolved: [...unresolved]
  };
}
