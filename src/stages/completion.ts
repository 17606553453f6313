import type {
  CompletionHandler,
  ICompletionContext,
  ICompletionProvider
} from '@jupyterlab/completer';
import type { Widget } from '@lumino/widgets';
import type { IStageHeader } from './header';

/**
 * The views a stage in `cell` can read: output views of the stages above
 * it, nearest first, each once.
 */
export function upstreamViews(
  headers: Iterable<IStageHeader>,
  cell: number
): string[] {
  const above = [...headers]
    .filter(h => h.cell < cell && h.outputView !== null)
    .sort((a, b) => b.cell - a.cell);
  return [...new Set(above.map(h => h.outputView as string))];
}

/** What a SQL stage cell can name: upstream views, their known columns, catalog tables. */
export interface ISqlNames {
  views: readonly string[];
  /** Output columns of views, where the compiler can tell them (lower-cased view name → columns). */
  columns?: ReadonlyMap<string, readonly string[]>;
  tables?: readonly string[];
}

export type SqlCompletionKind = 'view' | 'column' | 'table';

export interface ISqlCompletion {
  label: string;
  kind: SqlCompletionKind;
}

const IDENTIFIER = /[A-Za-z_][\w]*$/;
const RELATION =
  /\b(?:from|join)\s+([A-Za-z_][\w.]*)(?:\s+(?:as\s+)?([A-Za-z_]\w*))?/gi;
const NOT_ALIAS = new Set([
  'where',
  'join',
  'left',
  'right',
  'inner',
  'outer',
  'full',
  'cross',
  'on',
  'group',
  'order',
  'limit',
  'union',
  'lateral',
  'natural',
  'having',
  'window',
  'using'
]);

/** Views named after FROM / JOIN in the SQL, with their aliases (lower-cased alias → view). */
function relations(sql: string): {
  views: string[];
  aliases: Map<string, string>;
} {
  const views: string[] = [];
  const aliases = new Map<string, string>();
  for (const match of sql.matchAll(RELATION)) {
    const view = match[1] ?? '';
    views.push(view);
    aliases.set(view.toLowerCase(), view);
    const alias = match[2];
    if (alias !== undefined && !NOT_ALIAS.has(alias.toLowerCase())) {
      aliases.set(alias.toLowerCase(), view);
    }
  }
  return { views, aliases };
}

/**
 * Completions for the identifier ending at `offset` in a SQL stage cell.
 * After `name.` they are the columns of the view `name` is (directly or as
 * an alias in this SQL); otherwise upstream views, the columns of the views
 * this SQL reads, and catalog tables, each starting with the typed prefix
 * (case-insensitively). Nothing on the magic line, whose words are options.
 */
export function sqlCompletions(
  source: string,
  offset: number,
  names: ISqlNames
): { start: number; end: number; items: ISqlCompletion[] } | null {
  const firstLineEnd = source.indexOf('\n');
  if (/^\s*%/.test(source) && (firstLineEnd === -1 || offset <= firstLineEnd)) {
    return null;
  }
  const before = source.slice(0, offset);
  const word = IDENTIFIER.exec(before);
  const prefix = word ? word[0] : '';
  const start = offset - prefix.length;
  const sql = /^\s*%/.test(source) ? source.slice(firstLineEnd + 1) : source;
  const { views: read, aliases } = relations(sql);
  const columnsOf = (view: string): readonly string[] =>
    names.columns?.get(view.toLowerCase()) ?? [];
  const matches = (label: string): boolean =>
    label.toLowerCase().startsWith(prefix.toLowerCase()) && label !== prefix;

  const qualifier = /([A-Za-z_]\w*)\.$/.exec(before.slice(0, start));
  let items: ISqlCompletion[];
  if (qualifier) {
    const view =
      aliases.get((qualifier[1] ?? '').toLowerCase()) ?? qualifier[1] ?? '';
    items = columnsOf(view)
      .filter(matches)
      .map(label => ({ label, kind: 'column' as const }));
  } else {
    const seen = new Set<string>();
    items = [];
    const add = (label: string, kind: SqlCompletionKind): void => {
      if (!seen.has(`${kind}:${label}`) && matches(label)) {
        seen.add(`${kind}:${label}`);
        items.push({ label, kind });
      }
    };
    for (const view of read) {
      for (const column of columnsOf(view)) {
        add(column, 'column');
      }
    }
    names.views.forEach(view => add(view, 'view'));
    (names.tables ?? []).forEach(table => add(table, 'table'));
  }
  return items.length > 0 ? { start, end: offset, items } : null;
}

/**
 * JupyterLab completer source for SQL stage cells: names of views created
 * by earlier stages, their columns, and catalog tables.
 */
export class SqlCompletionProvider implements ICompletionProvider {
  constructor(
    private readonly _lookup: (widget: Widget) => {
      headers: Iterable<IStageHeader>;
      cell: number;
      /** Columns and catalog tables, if known. */
      names?: Promise<Omit<ISqlNames, 'views'>>;
    } | null,
    private readonly _labels: Record<SqlCompletionKind, string>
  ) {}

  readonly identifier = 'jupyterlab-arcade:sql';
  readonly rank = 600;
  readonly renderer = null;

  async isApplicable(context: ICompletionContext): Promise<boolean> {
    return this._lookup(context.widget) !== null;
  }

  async fetch(
    request: CompletionHandler.IRequest,
    context: ICompletionContext
  ): Promise<CompletionHandler.ICompletionItemsReply> {
    const stages = this._lookup(context.widget);
    const reply = stages
      ? sqlCompletions(request.text, request.offset, {
          ...(await stages.names),
          views: upstreamViews(stages.headers, stages.cell)
        })
      : null;
    return {
      start: reply?.start ?? request.offset,
      end: reply?.end ?? request.offset,
      items: (reply?.items ?? []).map(item => ({
        label: item.label,
        type: this._labels[item.kind]
      }))
    };
  }
}
