/**
 * The notebook compiler: .ipynb → Arc job, following Arc 3.7.0's
 * ConfigUtils.readIPYNB / parseIPYNBCells / parseArgs rule for rule (4.2.0
 * has the identical code). Arc builds one HOCON document from the cells by
 * string templates and parses it with Typesafe Config; this module builds the
 * same document, remembering where each character came from, and parses it
 * with our HOCON parser. Quirks reproduced on purpose:
 *
 * - stages are chosen by a case-insensitive prefix of the cell, so
 *   `%sqlvaildate` compiles as SQLTransform; plugins by a case-sensitive one;
 * - the default name is "notebook cell N", N counting code cells only;
 * - option values are pasted into quoted strings unescaped, `persist`
 *   unquoted, sqlParams values starting with `${` unquoted;
 * - the SQL body is pasted into a triple-quoted string, and Scala's
 *   stripMargin runs over the result (a line starting with `|` after
 *   spaces loses the `|`);
 * - a cell whose `source` is a string (not a list) reads as empty.
 */
import { ArcadeError } from './errors';
import {
  javaSplit,
  javaTrim,
  MappedText,
  parseArgs,
  type MagicArg
} from './arcText';
import {
  HoconError,
  LineIndex,
  objectToJson,
  parseHocon,
  type HoconNode,
  type HoconObject,
  type ResolveOptions
} from './hocon';
import {
  locate,
  NotebookError,
  readNotebook,
  readNotebookJson,
  type CodeCell,
  type ReadNotebook
} from './notebook';
import type {
  ArcJob,
  CompiledPluginInfo,
  CompiledStageInfo,
  CompileResponse,
  IgnoredCellInfo,
  JsonObject,
  JsonValue,
  PluginKind,
  SourceLocation,
  StageKind
} from './types';

export interface CompileOptions {
  /** Name used in error messages. */
  file?: string;
  /** Substitution values, like Arc's `--KEY=value`. */
  vars?: Readonly<Record<string, string>>;
  /** `vars` are all the values Arc will have: missing `${?X}` vanish, missing `${X}` are errors. */
  complete?: boolean;
  /** Deepest HOCON nesting accepted. */
  maxDepth?: number;
  /**
   * Reuse what earlier compiles found for cells whose text did not change
   * (default true). The result is the same either way; tests compare both.
   */
  reuse?: boolean;
}

type MagicStageKind = Exclude<StageKind, 'hocon' | 'arc'>;

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

interface Item {
  cell: CodeCell;
  kind: StageKind | PluginKind;
  magic: string | null;
  text: MappedText;
}

function firstLine(text: string): string {
  const newline = text.indexOf('\n');
  return javaTrim(newline === -1 ? text : text.slice(0, newline));
}

/** `lines.drop(1).mkString("\n")` of a Java split on "\n" (trailing newlines dropped). */
function body(text: string): { text: string; offset: number } {
  const newline = text.indexOf('\n');
  if (newline === -1) {
    return { text: '', offset: text.length };
  }
  return {
    text: text.slice(newline + 1).replace(/\n+$/, ''),
    offset: newline + 1
  };
}

function magicWord(line: string): string | null {
  return line.startsWith('%') ? (line.split(/[ \t\n\v\f\r]/)[0] ?? line) : null;
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

function stageTemplate(
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

interface Classified {
  items: Item[];
  ignored: IgnoredCellInfo[];
}

function classify(read: ReadNotebook): Classified {
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

function field(object: HoconObject, key: string): HoconNode | undefined {
  return object.fields.get(key)?.value;
}

function collectUnresolved(value: JsonValue, into: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach(v => {
      collectUnresolved(v, into);
    });
  } else if (typeof value === 'object' && value !== null) {
    const subst = value.$subst;
    if (
      typeof subst === 'string' &&
      Object.keys(value).every(k => k === '$subst' || k === 'optional')
    ) {
      into.add(subst);
      return;
    }
    Object.values(value).forEach(v => {
      collectUnresolved(v, into);
    });
  }
}

class Compilation {
  private readonly cells = new Map<number, CodeCell>();
  private readonly lines: LineIndex;

  constructor(
    private readonly file: string,
    private readonly doc: MappedText,
    read: ReadNotebook
  ) {
    for (const cell of read.codeCells) {
      this.cells.set(cell.cell, cell);
    }
    this.lines = new LineIndex(doc.text);
  }

  locationOf(offset: number): SourceLocation | null {
    const origin = this.doc.origin(offset);
    const cell = this.cells.get(origin.cell);
    return cell === undefined ? null : locate(cell, origin.offset);
  }

  /** The location of a value's content (inside its quotes). */
  valueLocation(node: HoconNode): SourceLocation | null {
    let offset = node.offset;
    if (node.kind === 'string') {
      const text = this.doc.text;
      offset += text.startsWith('"""', offset)
        ? 3
        : text[offset] === '"'
          ? 1
          : 0;
    }
    return this.locationOf(offset);
  }

  jobLine(offset: number): number {
    return this.lines.locate(offset).line;
  }

  error(error: unknown): ArcadeError {
    if (error instanceof ArcadeError) {
      return error;
    }
    if (error instanceof HoconError) {
      const origin = this.doc.originNear(error.offset);
      const cell = this.cells.get(origin.cell);
      const location = cell === undefined ? null : locate(cell, origin.offset);
      const line = this.jobLine(error.offset);
      if (location === null) {
        return new NotebookError(
          this.file,
          `${error.message} (line ${line} of the generated job)`
        );
      }
      return new NotebookError(this.file, error.message, {
        ...location,
        jobLine: line
      });
    }
    if (error instanceof RangeError) {
      return new NotebookError(
        this.file,
        'the notebook is nested too deeply to compile'
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    return new NotebookError(this.file, `could not compile: ${message}`);
  }

  fields(
    object: HoconObject,
    prefix: string,
    into: Record<string, SourceLocation>
  ): void {
    for (const [key, entry] of object.fields) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const location = this.valueLocation(entry.value);
      if (location !== null) {
        into[path] = location;
      }
      if (entry.value.kind === 'object') {
        this.fields(entry.value, path, into);
      }
    }
  }
}

function itemList(
  root: HoconObject,
  path: string[],
  what: string,
  compilation: Compilation
): HoconNode[] {
  let node: HoconNode | undefined = root;
  for (const key of path) {
    node = node?.kind === 'object' ? field(node, key) : undefined;
  }
  if (node?.kind !== 'array') {
    throw compilation.error(
      new HoconError(
        `the cells break the job structure: ${what} is not a list`,
        node?.offset ?? 0
      )
    );
  }
  return node.items;
}

function stringList(value: JsonValue | undefined): string[] | null {
  return Array.isArray(value) && value.every(v => typeof v === 'string')
    ? value
    : null;
}

/** What the compile result says about one stage or plugin cell. */
function itemInfo(
  item: Item,
  json: JsonObject,
  location: SourceLocation,
  fields: Record<string, SourceLocation>,
  index: number,
  jobLine: number
): CompiledPluginInfo | CompiledStageInfo {
  const base = {
    index,
    cell: item.cell.cell,
    codeCell: item.cell.codeCell,
    magic: item.magic,
    type: typeof json.type === 'string' ? json.type : null,
    location:
      item.kind === 'hocon' ? location : locate(item.cell, item.cell.start),
    jobLine,
    fields
  };
  return item.kind === 'configplugin' || item.kind === 'lifecycleplugin'
    ? { ...base, kind: item.kind }
    : {
        ...base,
        kind: item.kind,
        environments: stringList(json.environments)
      };
}

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
function compileByCell(
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

function compileRead(
  read: ReadNotebook,
  options: CompileOptions
): CompileResponse {
  if (options.reuse !== false) {
    const reused = compileByCell(read, options);
    if (reused !== null) {
      return reused;
    }
  }
  const file = options.file ?? 'notebook';
  const { doc, items, ignored } = generateJobText(read);
  const compilation = new Compilation(file, doc, read);
  const resolve: ResolveOptions = {
    vars: options.vars ?? {},
    complete: options.complete === true
  };
  const cellItems = new Map<number, Item>(
    items.map(item => [item.cell.cell, item])
  );
  try {
    const root = parseHocon(
      doc.text,
      options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }
    );
    const unresolved = new Set<string>();

    const build = (
      node: HoconNode,
      index: number,
      what: string,
      kinds: (kind: StageKind | PluginKind) => boolean
    ): { json: JsonObject; info: CompiledPluginInfo | CompiledStageInfo } => {
      const location = compilation.locationOf(node.offset);
      const item = location === null ? undefined : cellItems.get(location.cell);
      if (
        node.kind !== 'object' ||
        location === null ||
        item === undefined ||
        !kinds(item.kind)
      ) {
        throw new HoconError(`each ${what} must be an object`, node.offset);
      }
      const json = objectToJson(node, resolve);
      collectUnresolved(json, unresolved);
      const fields: Record<string, SourceLocation> = {};
      compilation.fields(node, '', fields);
      const info = itemInfo(
        item,
        json,
        location,
        fields,
        index,
        compilation.jobLine(node.offset)
      );
      return { json, info };
    };

    const isStage = (kind: StageKind | PluginKind): boolean =>
      kind !== 'configplugin' && kind !== 'lifecycleplugin';
    const isConfig = (kind: StageKind | PluginKind): boolean =>
      kind === 'configplugin';
    const isLifecycle = (kind: StageKind | PluginKind): boolean =>
      kind === 'lifecycleplugin';

    const stages = itemList(root, ['stages'], 'stages', compilation).map(
      (node, i) => build(node, i, 'stage', isStage)
    );
    const config = itemList(
      root,
      ['plugins', 'config'],
      'plugins.config',
      compilation
    ).map((node, i) => build(node, i, 'config plugin', isConfig));
    const lifecycle = itemList(
      root,
      ['plugins', 'lifecycle'],
      'plugins.lifecycle',
      compilation
    ).map((node, i) => build(node, i, 'lifecycle plugin', isLifecycle));
    const job: ArcJob = {
      stages: stages.map(s => s.json),
      plugins: {
        config: config.map(p => p.json),
        lifecycle: lifecycle.map(p => p.json)
      }
    };
    return {
      job,
      stages: stages.map(s => s.info as CompiledStageInfo),
      plugins: {
        config: config.map(p => p.info as CompiledPluginInfo),
        lifecycle: lifecycle.map(p => p.info as CompiledPluginInfo)
      },
      ignored,
      unresolved: [...unresolved]
    };
  } catch (error) {
    throw compilation.error(error);
  }
}

/** Compiles notebook text (the .ipynb file's content). Throws NotebookError. */
export function compileNotebook(
  text: string,
  options: CompileOptions = {}
): CompileResponse {
  const file = options.file ?? 'notebook';
  try {
    return compileRead(readNotebook(text, file), options);
  } catch (error) {
    throw asNotebookError(file, error);
  }
}

/** Compiles an already parsed notebook (e.g. from an HTTP body). Throws NotebookError. */
export function compileNotebookJson(
  notebook: unknown,
  options: CompileOptions = {}
): CompileResponse {
  const file = options.file ?? 'notebook';
  try {
    return compileRead(readNotebookJson(notebook, file), options);
  } catch (error) {
    throw asNotebookError(file, error);
  }
}

function asNotebookError(file: string, error: unknown): ArcadeError {
  if (error instanceof ArcadeError) {
    return error;
  }
  if (error instanceof RangeError) {
    return new NotebookError(
      file,
      'the notebook is nested too deeply to compile'
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new NotebookError(file, `could not compile: ${message}`);
}
