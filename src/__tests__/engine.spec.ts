import type {
  CompileResponse,
  LineageGraph,
  LintDiagnostic,
  SqlFile
} from 'arcade-engine';
import * as engineModule from 'arcade-engine';
import { ServerConnection } from '@jupyterlab/services';
import { ArcadeBridge } from '../bridge/client';
import { ArcadeRequestError } from '../request';
import type { IStagesApi } from '../stages/api';
import { notebookForBridge } from '../stages/content';
import {
  DEFAULT_CONTEXT,
  fetchStagesContext,
  LocalStagesApi,
  SQL_FILE_TTL_MS,
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
      environments: ['production']
    });
    const { diagnostics } = await api.lint(
      notebookForBridge(model('%sql outputView=a environments=dev\nSELECT 1'))
    );
    expect(diagnostics.map(d => d.code)).toEqual(['stage-never-runs']);
  });

  it('gives new stages the project environments', async () => {
    const api = localApi(new UnusedBridge(), {
      environments: ['staging', 'production']
    });
    expect(await api.environments()).toEqual(['staging', 'production']);
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

describe('LocalStagesApi: SQL files stages read from inputURI', () => {
  const GATE = '${ETL_CONF_SQL}/gate.sql';

  /** A view, then a SQLValidate stage whose SQL is in ${ETL_CONF_SQL}/gate.sql. */
  function gateNotebook(): unknown {
    return notebookForBridge(
      model(
        '%sql outputView=a environments=dev\nSELECT 1 AS x',
        '{\n  "type": "SQLValidate",\n  "name": "gate",\n  "environments": ["dev"],\n  "inputURI": ${ETL_CONF_SQL}"/gate.sql"\n}'
      )
    );
  }

  const BROKEN: SqlFile = {
    uri: GATE,
    text: 'SELECT TRUE AS valid, "" AS message\nFROM b'
  };

  function withFiles(
    readSqlFiles: (uris: string[]) => Promise<SqlFile[]>,
    sqlFileWaitMs?: number
  ): LocalStagesApi {
    return new LocalStagesApi({
      bridge: new UnusedBridge(),
      context: () => Promise.resolve({ ...DEFAULT_CONTEXT, readSqlFiles }),
      load: () => Promise.resolve(engine),
      ...(sqlFileWaitMs === undefined ? {} : { sqlFileWaitMs })
    });
  }

  it('lints the SQL of the file, read once through the bridge while it is fresh', async () => {
    const read = jest.fn((uris: string[]) =>
      Promise.resolve(uris.map(uri => ({ ...BROKEN, uri })))
    );
    const api = withFiles(read);
    const { diagnostics } = await api.lint(gateNotebook());
    expect(read).toHaveBeenCalledWith([GATE]);
    expect(diagnostics.map(d => [d.code, d.cell, d.line])).toEqual([
      ['undefined-view', 1, 5]
    ]);
    expect(diagnostics[0]?.message).toMatch(
      /^gate\.sql:2:6: no earlier stage creates the view "b"/
    );
    await api.lint(gateNotebook());
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('does not hold up lint for a slow bridge: the file counts from the next analysis on', async () => {
    let answer: (files: SqlFile[]) => void = () => undefined;
    const read = jest.fn(
      () =>
        new Promise<SqlFile[]>(resolve => {
          answer = resolve;
        })
    );
    const api = withFiles(read, 5);
    expect((await api.lint(gateNotebook())).diagnostics).toEqual([]);
    answer([BROKEN]);
    await new Promise(resolve => setTimeout(resolve, 0));
    const { diagnostics } = await api.lint(gateNotebook());
    expect(diagnostics.map(d => d.code)).toEqual(['undefined-view']);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('lints without the file when the bridge cannot read it', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const api = withFiles(() =>
      Promise.reject(
        new ArcadeRequestError({
          kind: 'http',
          status: 404,
          message: 'no route'
        })
      )
    );
    expect((await api.lint(gateNotebook())).diagnostics).toEqual([]);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('reads the file again once it is older than SQL_FILE_TTL_MS, using the old text meanwhile', async () => {
    const clock = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const fixed: SqlFile = {
      uri: GATE,
      text: 'SELECT TRUE AS valid, "" AS message FROM a'
    };
    const read = jest
      .fn<Promise<SqlFile[]>, [string[]]>()
      .mockResolvedValueOnce([BROKEN])
      .mockResolvedValueOnce([fixed]);
    const api = withFiles(read);
    expect((await api.lint(gateNotebook())).diagnostics).toHaveLength(1);
    clock.mockReturnValue(1_000_000 + SQL_FILE_TTL_MS);
    expect((await api.lint(gateNotebook())).diagnostics).toHaveLength(1);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect((await api.lint(gateNotebook())).diagnostics).toEqual([]);
    expect(read).toHaveBeenCalledTimes(2);
    clock.mockRestore();
  });

  it('completes the columns of a view whose SQL is in a file', async () => {
    const api = withFiles(uris =>
      Promise.resolve(
        uris.map(uri => ({ uri, text: 'SELECT x, x * 2 AS doubled FROM a' }))
      )
    );
    const compiled = await api.compile(
      notebookForBridge(
        model(
          '%sql outputView=a environments=dev\nSELECT 1 AS x',
          '{"type": "SQLTransform", "name": "t", "environments": ["dev"], "outputView": "b", "inputURI": ${ETL_CONF_SQL}"/b.sql"}'
        )
      )
    );
    expect((await api.viewColumns(compiled)).get('b')).toEqual([
      'x',
      'doubled'
    ]);
  });

  it('asks the bridge for the files with POST api/stages/sql-files', async () => {
    const requests: { url: string; method: string; body: string }[] = [];
    const answers = [
      { workspace: '/home/jo/work', environments: ['dev'] },
      { files: [{ uri: GATE, text: 'SELECT 1' }] },
      { files: [{ uri: GATE }] }
    ];
    const settings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/user/jo/',
      fetch: async (input: RequestInfo | URL) => {
        const request = input as Request;
        requests.push({
          url: request.url.split('?')[0] ?? '',
          method: request.method,
          body: await request.text()
        });
        return new Response(JSON.stringify(answers[requests.length - 1]), {
          status: 200,
          headers: { 'Content-Type': 'application/json' }
        });
      }
    });
    const context = await fetchStagesContext(new ArcadeBridge(settings));
    await expect(context.readSqlFiles?.([GATE])).resolves.toEqual([
      { uri: GATE, text: 'SELECT 1' }
    ]);
    expect(requests[1]).toEqual({
      url: 'http://localhost:8888/user/jo/arcade/api/stages/sql-files',
      method: 'POST',
      body: JSON.stringify({ uris: [GATE] })
    });
    await expect(context.readSqlFiles?.([GATE])).rejects.toMatchObject({
      kind: 'invalid-response'
    });
  });
});
