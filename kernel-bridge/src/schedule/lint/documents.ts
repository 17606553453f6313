/**
 * YAML manifests with positions: every document of a file, parsed the way
 * Kubernetes and Argo read YAML (1.1: `on`, `yes` and `no` are booleans), and
 * the line and column of any value or key in it.
 */
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
  type ParsedNode
} from 'yaml';

export interface Position {
  line: number;
  column: number;
}

export interface ManifestDocument {
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  /** The plain value (null for an empty document). */
  value: unknown;
  doc: Document.Parsed;
  lines: LineCounter;
  /** The file's text (node ranges are offsets in it). */
  source: string;
}

export interface YamlProblem {
  file: string;
  position: Position;
  message: string;
}

export interface ParsedFile {
  documents: ManifestDocument[];
  problems: YamlProblem[];
}

/** Parses every document of a YAML file; syntax errors become problems. */
export function parseManifestFile(file: string, text: string): ParsedFile {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    version: '1.1',
    lineCounter: lines,
    prettyErrors: false,
    logLevel: 'error',
    uniqueKeys: true
  });
  const list = Array.isArray(docs) ? docs : [];
  const problems: YamlProblem[] = [];
  const documents: ManifestDocument[] = [];
  list.forEach((doc, index) => {
    for (const error of doc.errors) {
      const pos = lines.linePos(error.pos[0]);
      problems.push({
        file,
        position: { line: pos.line, column: pos.col },
        message: error.message.split('\n')[0] ?? error.message
      });
    }
    if (doc.errors.length === 0 && doc.contents !== null) {
      documents.push({
        file,
        index,
        value: doc.toJS(),
        doc,
        lines,
        source: text
      });
    }
  });
  return { documents, problems };
}

function positionOf(node: Node | null | undefined, lines: LineCounter) {
  const start = node?.range?.[0];
  if (start === undefined) {
    return null;
  }
  const pos = lines.linePos(start);
  return { line: pos.line, column: pos.col };
}

/** The node at a JSON path (`['spec', 'templates', 0]`), or null. */
export function nodeAt(
  doc: Document.Parsed,
  path: ReadonlyArray<string | number>
): ParsedNode | null {
  let node: unknown = doc.contents;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        item => isScalar(item.key) && String(item.key.value) === String(step)
      );
      node = pair?.value ?? null;
    } else if (isSeq(node) && typeof step === 'number') {
      node = node.items[step] ?? null;
    } else {
      return null;
    }
  }
  return (node as ParsedNode | null) ?? null;
}

/** The key node of `name` in the map at `path`, or null. */
function keyAt(
  doc: Document.Parsed,
  path: ReadonlyArray<string | number>,
  name: string
): Node | null {
  const parent = path.length === 0 ? doc.contents : nodeAt(doc, path);
  if (!isMap(parent)) {
    return null;
  }
  const pair = parent.items.find(
    item => isPair(item) && isScalar(item.key) && item.key.value === name
  );
  return (pair?.key as Node | undefined) ?? null;
}

/**
 * Where a finding points: the key `name` under `path` when given, else the
 * value at `path`, else its closest ancestor that exists, else the document.
 */
export function locate(
  document: ManifestDocument,
  path: ReadonlyArray<string | number>,
  name?: string
): Position {
  if (name !== undefined) {
    const key = positionOf(keyAt(document.doc, path, name), document.lines);
    if (key !== null) {
      return key;
    }
  }
  for (let depth = path.length; depth >= 0; depth--) {
    const node =
      depth === 0
        ? document.doc.contents
        : nodeAt(document.doc, path.slice(0, depth));
    const pos = positionOf(node, document.lines);
    if (pos !== null) {
      return pos;
    }
  }
  return { line: 1, column: 1 };
}

/** The source form of the scalar at `path`: plain, quoted or block. */
export function scalarStyle(
  document: ManifestDocument,
  path: ReadonlyArray<string | number>
): string | null {
  const node = nodeAt(document.doc, path);
  return isScalar(node) ? (node.type ?? null) : null;
}

/**
 * Where `needle` is inside the value at `path` (a flag in a folded shell
 * script, say); the value's own position when it is not found verbatim.
 */
export function locateText(
  document: ManifestDocument,
  path: ReadonlyArray<string | number>,
  needle: string
): Position {
  const node = nodeAt(document.doc, path);
  const range = node?.range;
  if (range !== undefined) {
    const at = document.source.slice(range[0], range[1]).indexOf(needle);
    if (at >= 0) {
      const pos = document.lines.linePos(range[0] + at);
      return { line: pos.line, column: pos.col };
    }
  }
  return locate(document, path);
}
