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
 *
 * The parts: magic.ts fills a magic cell's stage template, jobText.ts
 * classifies the cells and builds the document, compilation.ts maps the
 * document back to the cells, byCell.ts compiles cell by cell with reuse.
 */
import { ArcadeError } from '../errors';
import {
  HoconError,
  objectToJson,
  parseHocon,
  type HoconNode,
  type ResolveOptions
} from '../hocon';
import {
  NotebookError,
  readNotebook,
  readNotebookJson,
  type ReadNotebook
} from '../notebook';
import type {
  ArcJob,
  CompiledPluginInfo,
  CompiledStageInfo,
  CompileResponse,
  JsonObject,
  PluginKind,
  SourceLocation,
  StageKind
} from '../types';
import { compileByCell } from './byCell';
import {
  collectUnresolved,
  Compilation,
  itemInfo,
  itemList,
  type CompileOptions
} from './compilation';
import { generateJobText, type Item } from './jobText';

export type { CompileOptions } from './compilation';
export { generateJobText } from './jobText';

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
