import type {
  CompileResponse,
  LineageGraph,
  LintDiagnostic
} from 'arcade-kernel-bridge';
import * as engineModule from 'arcade-engine';
import { ArcadeRequestError } from '../request';
import type { IStagesApi } from '../stages/api';
import { notebookForBridge } from '../stages/content';
import {
  DEFAULT_CONTEXT,
  LocalStagesApi,
  type IStagesContext,
  type StageEngine
} from '../stages/engine';
import { StagesModel } from '../stages/model';

/** The engine JupyterLab loads (jest maps it to kernel-bridge's Node build of it). */
const engine: StageEngine = engineModule;

/** A notebook as JupyterLab's model gives it: sources are single strings. */
function model(...sources: string[]): unknown {
  return {
    metadata: { kernelspec: { name: 'arc', display_name: 'Arc' } },
    nbformat: 4,
    nbformat_minor: 5,
    cells: sources.map(source => ({
      cell_type: 'code',
      metadata: {},
      outputs: [],
      source
    }))
  };
}

/** Fails every call: the local engine must not need the bridge. */
class UnusedBridge implements IStagesApi {
  calls = 0;
  compile(): Promise<CompileResponse> {
    this.calls++;
    return Promise.reject(new Error('bridge called'));
  }
  lint(): Promise<{ diagnostics: LintDiagnostic[] }> {
    this.calls++;
    return Promise.reject(new Error('bridge called'));
  }
  lineage(): Promise<LineageGraph> {
    this.calls++;
    return Promise.reject(new Error('bridge called'));
  }
}

function localApi(
  bridge: IStagesApi,
  context: IStagesContext = DEFAULT_CONTEXT,
  load: () => Promise<StageEngine> = () => Promise.resolve(engine)
): LocalStagesApi {
  return new LocalStagesApi({
    bridge,
    context: () => Promise.resolve(context),
    load
  });
}

describe('LocalStagesApi', () => {
  it('compiles and lints in the browser, one analysis per notebook', async () => {
    const bridge = new UnusedBridge();
    const analyze = jest.fn(engine.analyzeNotebook);
    const api = localApi(bridge, DEFAULT_CONTEXT, () =>
      Promise.resolve({ ...engine, analyzeNotebook: analyze })
    );
    const notebook = notebookForBridge(
      model(
        '%sql outputView=a environments=dev\nSELECT 1 AS x',
        '%sql outputView=b environments=dev\nSELECT x FROM missing_view'
      )
    );
    const compiled = await api.compile(notebook);
    const { diagnostics } = await api.lint(notebook);
    expect(analyze).toHaveBeenCalledTimes(1);
    expect(compiled.stages.map(s => s.cell)).toEqual([0, 1]);
    expect(compiled.job.stages[1]?.outputView).toBe('b');
    expect(diagnostics.map(d => [d.code, d.cell, d.line])).toEqual([
      ['undefined-view', 1, 2]
    ]);
    expect(bridge.calls).toBe(0);
    expect(api.lastElapsedMs).toBeGreaterThanOrEqual(0);
  });

  it('uses the project environments from the bridge configuration', async () => {
    const api = localApi(new UnusedBridge(), {
      environments: ['production'],
      knownTables: []
    });
    const { diagnostics } = await api.lint(
      notebookForBridge(model('%sql outputView=a environments=dev\nSELECT 1'))
    );
    expect(diagnostics.map(d => d.code)).toEqual(['stage-never-runs']);
  });

  it('answers a notebook Arc cannot parse like the bridge does, and lints where', async () => {
    const api = localApi(new UnusedBridge());
    const notebook = notebookForBridge(
      model('%sql outputView=a environments=dev\nSELECT 1', '{"type": "X", ')
    );
    await expect(api.compile(notebook)).rejects.toMatchObject({
      status: 422,
      code: 'invalid_notebook'
    });
    const state = await new StagesModel({
      api,
      content: () => notebook
    }).refresh();
    expect(state.error).toBeNull();
    expect(state.diagnostics.map(d => [d.code, d.cell])).toEqual([
      ['compile-error', 1]
    ]);
  });

  it('draws lineage from the same analysis', async () => {
    const api = localApi(new UnusedBridge());
    const graph = await api.lineage(
      notebookForBridge(
        model(
          '%sql outputView=a environments=dev\nSELECT 1 AS x',
          '%sql outputView=b environments=dev\nSELECT x FROM a'
        )
      )
    );
    expect(graph.edges.map(e => [e.from, e.to])).toEqual([
      ['view:a', 'view:b']
    ]);
  });

  it('knows the columns of views built by SQL, for completion', async () => {
    const api = localApi(new UnusedBridge());
    const compiled = await api.compile(
      notebookForBridge(
        model(
          '%sql outputView=Numbers environments=dev\nSELECT id, id * id AS square FROM range(5)',
          '%sql outputView=b environments=dev\nSELECT * FROM numbers'
        )
      )
    );
    const columns = await api.viewColumns(compiled);
    expect(columns.get('numbers')).toEqual(['id', 'square']);
    expect(columns.get('b')).toEqual(['id', 'square']);
  });

  it('goes to the bridge when the engine cannot be loaded', async () => {
    const bridge = new UnusedBridge();
    bridge.compile = () => {
      bridge.calls++;
      return Promise.reject(
        new ArcadeRequestError({ kind: 'network', message: 'offline' })
      );
    };
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const api = localApi(bridge, DEFAULT_CONTEXT, () =>
      Promise.reject(new Error('ChunkLoadError'))
    );
    await expect(api.compile({})).rejects.toThrow('offline');
    expect(bridge.calls).toBe(1);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
