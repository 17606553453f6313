import type {
  CompileResponse,
  LineageGraph,
  LintDiagnostic
} from 'arcade-engine';
import { Widget } from '@lumino/widgets';
import { ArcadeRequestError } from '../request';
import type { IStagesApi } from '../stages/api';
import {
  SqlCompletionProvider,
  sqlCompletions,
  upstreamViews
} from '../stages/completion';
import { stageHeaders } from '../stages/header';
import { StagesModel } from '../stages/model';
import { COMPILED, diagnostic } from './fixtures';

class FakeApi implements IStagesApi {
  compiles: unknown[] = [];
  lintError: unknown = null;
  diagnostics: LintDiagnostic[] = [];

  async compile(notebook: unknown): Promise<CompileResponse> {
    this.compiles.push(notebook);
    return COMPILED;
  }

  async lint(): Promise<{ diagnostics: LintDiagnostic[] }> {
    if (this.lintError) {
      throw this.lintError;
    }
    return { diagnostics: this.diagnostics };
  }

  async lineage(): Promise<LineageGraph> {
    return { nodes: [], edges: [] };
  }
}

describe('StagesModel', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('compiles once after edits stop for the debounce delay', async () => {
    jest.useFakeTimers();
    const api = new FakeApi();
    let content = 0;
    const model = new StagesModel({
      api,
      content: () => ++content,
      debounce: 300
    });
    const changed = jest.fn();
    model.changed.connect(changed);
    model.schedule();
    jest.advanceTimersByTime(200);
    model.schedule();
    jest.advanceTimersByTime(299);
    expect(api.compiles).toEqual([]);
    jest.advanceTimersByTime(1);
    await jest.runAllTimersAsync();
    expect(api.compiles).toEqual([1]);
    expect(changed).toHaveBeenCalledTimes(1);
    expect(model.state.headers.size).toBe(3);
    model.dispose();
  });

  it('puts lint counts on the headers', async () => {
    const api = new FakeApi();
    api.diagnostics = [diagnostic(1, 'error')];
    const model = new StagesModel({ api, content: () => ({}) });
    const state = await model.refresh();
    expect(state.error).toBeNull();
    expect(state.headers.get(1)?.errors).toBe(1);
    model.dispose();
  });

  it('keeps the headers and reports the error when lint fails', async () => {
    const api = new FakeApi();
    api.lintError = new ArcadeRequestError({
      kind: 'http',
      status: 500,
      message: 'lint crashed'
    });
    const lint = jest.spyOn(api, 'lint');
    const model = new StagesModel({ api, content: () => ({}) });
    const state = await model.refresh();
    expect(state.error?.message).toBe('lint crashed');
    expect(state.headers.size).toBe(3);
    await model.refresh();
    expect(lint).toHaveBeenCalledTimes(2);
    model.dispose();
  });

  it('reports a failed compile and shows no headers', async () => {
    const api = new FakeApi();
    api.compile = () =>
      Promise.reject(
        new ArcadeRequestError({
          kind: 'http',
          status: 400,
          message: 'bad HOCON'
        })
      );
    const model = new StagesModel({ api, content: () => ({}) });
    const state = await model.refresh();
    expect(state.error?.message).toBe('bad HOCON');
    expect(state.headers.size).toBe(0);
    model.dispose();
  });

  it('drops an answer that a newer compile overtook', async () => {
    const api = new FakeApi();
    const resolvers: ((value: CompileResponse) => void)[] = [];
    api.compile = () => new Promise(resolve => resolvers.push(resolve));
    const model = new StagesModel({ api, content: () => ({}) });
    const changed = jest.fn();
    model.changed.connect(changed);
    const first = model.refresh();
    const second = model.refresh();
    resolvers[1]?.({ ...COMPILED, stages: COMPILED.stages.slice(0, 1) });
    await second;
    resolvers[0]?.(COMPILED);
    await first;
    expect(changed).toHaveBeenCalledTimes(1);
    expect(model.state.headers.size).toBe(1);
    model.dispose();
  });
});

describe('completion in SQL stage cells', () => {
  const labels = (
    reply: ReturnType<typeof sqlCompletions>
  ): [string, string][] =>
    (reply?.items ?? []).map(item => [item.label, item.kind]);

  it('offers output views of the stages above, nearest first', () => {
    const headers = [...stageHeaders(COMPILED).values()];
    expect(upstreamViews(headers, 4)).toEqual(['customers', 'customers_raw']);
    expect(upstreamViews(headers, 2)).toEqual(['customers_raw']);
    expect(upstreamViews(headers, 1)).toEqual([]);
  });

  it('completes the word before the cursor in the SQL body', () => {
    const source =
      '%sql name=a outputView=b environments=dev\nSELECT * FROM cust';
    const reply = sqlCompletions(source, source.length, {
      views: ['customers', 'customers_raw', 'orders']
    });
    expect(reply?.start).toBe(source.length - 4);
    expect(reply?.end).toBe(source.length);
    expect(labels(reply)).toEqual([
      ['customers', 'view'],
      ['customers_raw', 'view']
    ]);
    expect(
      sqlCompletions(source, source.length, { views: ['orders'] })
    ).toBeNull();
  });

  it('offers every view after a space, and nothing on the magic line', () => {
    const source = '%sql name=a outputView=cu\nSELECT * FROM ';
    expect(
      labels(sqlCompletions(source, source.length, { views: ['customers'] }))
    ).toEqual([['customers', 'view']]);
    expect(
      sqlCompletions(source, source.indexOf('\n'), { views: ['customers'] })
    ).toBeNull();
  });

  it('offers the columns of the views the SQL reads, and catalog tables', () => {
    const columns = new Map([
      ['customers', ['customer_id', 'name', 'state']],
      ['orders', ['order_id', 'customer_id']]
    ]);
    const source = '%sql name=a outputView=b\nSELECT c FROM customers WHERE st';
    expect(
      labels(
        sqlCompletions(source, source.length, {
          views: ['customers', 'orders'],
          columns,
          tables: ['sales.stores']
        })
      )
    ).toEqual([['state', 'column']]);
    const bare = '%sql name=a\nSELECT  FROM customers';
    const at = bare.indexOf('  ') + 1;
    expect(
      labels(
        sqlCompletions(bare, at, {
          views: ['customers'],
          columns,
          tables: ['sales.stores']
        })
      )
    ).toEqual([
      ['customer_id', 'column'],
      ['name', 'column'],
      ['state', 'column'],
      ['customers', 'view'],
      ['sales.stores', 'table']
    ]);
  });

  it('completes columns after a view name or its alias and a dot', () => {
    const columns = new Map([
      ['customers', ['customer_id', 'name']],
      ['orders', ['order_id', 'customer_id']]
    ]);
    const source =
      'SELECT o.cu FROM orders o JOIN customers AS c ON c.customer_id = o.customer_id';
    const at = source.indexOf('o.cu') + 4;
    expect(labels(sqlCompletions(source, at, { views: [], columns }))).toEqual([
      ['customer_id', 'column']
    ]);
    const direct = 'SELECT customers. FROM customers';
    expect(
      labels(
        sqlCompletions(direct, direct.indexOf('.') + 1, { views: [], columns })
      )
    ).toEqual([
      ['customer_id', 'column'],
      ['name', 'column']
    ]);
  });

  it('answers JupyterLab completer requests for Arc notebooks only', async () => {
    const headers = [...stageHeaders(COMPILED).values()];
    const notebook = new Widget();
    const provider = new SqlCompletionProvider(
      widget =>
        widget === notebook
          ? {
              headers,
              cell: 4,
              names: Promise.resolve({
                columns: new Map([['customers_raw', ['customer_id']]])
              })
            }
          : null,
      { view: 'view', column: 'column', table: 'table' }
    );
    expect(await provider.isApplicable({ widget: notebook })).toBe(true);
    expect(await provider.isApplicable({ widget: new Widget() })).toBe(false);
    const text = '%sql name=x\nSELECT * FROM customers_';
    const reply = await provider.fetch(
      { text, offset: text.length },
      { widget: notebook }
    );
    expect(reply.items).toEqual([{ label: 'customers_raw', type: 'view' }]);
    expect(reply.start).toBe(text.length - 'customers_'.length);
    const columnText = '%sql name=x\nSELECT cust FROM customers_raw';
    const columnReply = await provider.fetch(
      { text: columnText, offset: columnText.indexOf('cust') + 4 },
      { widget: notebook }
    );
    expect(columnReply.items).toEqual([
      { label: 'customer_id', type: 'column' },
      { label: 'customers', type: 'view' },
      { label: 'customers_raw', type: 'view' }
    ]);
  });
});
