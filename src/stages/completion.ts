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

/**
 * Completions for the identifier ending at `offset`: the upstream views
 * that start with it (case-insensitively). Nothing on the magic line, whose
 * words are options, not SQL.
 */
export function viewCompletions(
  source: string,
  offset: number,
  views: readonly string[]
): { start: number; end: number; items: string[] } | null {
  const firstLineEnd = source.indexOf('\n');
  if (/^\s*%/.test(source) && (firstLineEnd === -1 || offset <= firstLineEnd)) {
    return null;
  }
  const before = source.slice(0, offset);
  const word = /[A-Za-z_][\w]*$/.exec(before);
  const prefix = word ? word[0] : '';
  const start = offset - prefix.length;
  const items = views.filter(
    view =>
      view.toLowerCase().startsWith(prefix.toLowerCase()) && view !== prefix
  );
  return items.length > 0 ? { start, end: offset, items } : null;
}

/**
 * JupyterLab completer source: names of views created by earlier stages.
 */
export class ViewNameCompletionProvider implements ICompletionProvider {
  constructor(
    private readonly _lookup: (
      widget: Widget
    ) => { headers: Iterable<IStageHeader>; cell: number } | null,
    private readonly _label: string
  ) {}

  readonly identifier = 'jupyterlab-arcade:views';
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
    const views = stages ? upstreamViews(stages.headers, stages.cell) : [];
    const reply = viewCompletions(request.text, request.offset, views);
    return {
      start: reply?.start ?? request.offset,
      end: reply?.end ?? request.offset,
      items: (reply?.items ?? []).map(label => ({
        label,
        type: this._label
      }))
    };
  }
}
