import type {
  CompileResponse,
  LineageGraph,
  LintResponse
} from 'arcade-kernel-bridge';
import type * as EngineModule from 'arcade-engine';
import type { ServerConnection } from '@jupyterlab/services';
import { ArcadeRequestError, isRecord, requestArcade } from '../request';
import type { IStagesApi } from './api';

/** The bridge's stage engine (compiler, linter, lineage), bundled for the browser. */
export type StageEngine = typeof EngineModule;
type NotebookAnalysis = EngineModule.NotebookAnalysis;

/** What the linter needs to know about the project, from the bridge's configuration. */
export interface IStagesContext {
  environments: string[];
  knownTables: string[];
}

/** The bridge's defaults, used until (or if) its configuration cannot be read. */
export const DEFAULT_CONTEXT: IStagesContext = {
  environments: ['dev', 'test', 'prod'],
  knownTables: []
};

let engine: Promise<StageEngine> | null = null;

/**
 * Loads the engine chunk once (about 1 MB, mostly the Spark SQL grammar), on
 * the first Arc notebook rather than at JupyterLab start.
 */
export function loadEngine(): Promise<StageEngine> {
  if (engine === null) {
    engine = import('arcade-engine').catch((error: unknown) => {
      engine = null;
      throw error;
    });
  }
  return engine;
}

/** Reads the project's environments from the bridge's `GET /api/config`. */
export async function fetchStagesContext(
  settings: ServerConnection.ISettings
): Promise<IStagesContext> {
  const body = await requestArcade('api/config', settings);
  const environments =
    isRecord(body) &&
    Array.isArray(body.environments) &&
    body.environments.every(e => typeof e === 'string')
      ? (body.environments as string[])
      : DEFAULT_CONTEXT.environments;
  return { environments, knownTables: [] };
}

/**
 * Compiles, lints and draws lineage in the browser with the same engine the
 * bridge runs, so live lint needs no round trip. `compile` and `lint` of the
 * same notebook object share one analysis. If the engine cannot be loaded,
 * every call goes to the bridge instead.
 */
export class LocalStagesApi implements IStagesApi {
  constructor(options: LocalStagesApi.IOptions) {
    this._bridge = options.bridge;
    this._context = options.context;
    this._load = options.load ?? loadEngine;
  }

  /** Milliseconds the last analysis took in this browser. */
  get lastElapsedMs(): number | null {
    return this._lastElapsedMs;
  }

  async compile(notebook: unknown): Promise<CompileResponse> {
    const analysis = await this._analyze(notebook);
    if (analysis === null) {
      return this._bridge.compile(notebook);
    }
    if (analysis.compiled === null) {
      const fault = analysis.diagnostics.find(d => d.code === 'compile-error');
      // The same answer the bridge gives for a notebook Arc cannot parse.
      throw new ArcadeRequestError({
        kind: 'http',
        status: 422,
        code: 'invalid_notebook',
        message: fault?.message ?? 'Arc cannot parse this notebook'
      });
    }
    return analysis.compiled;
  }

  async lint(notebook: unknown): Promise<LintResponse> {
    const analysis = await this._analyze(notebook);
    if (analysis === null) {
      return this._bridge.lint(notebook);
    }
    return { diagnostics: analysis.diagnostics };
  }

  async lineage(notebook: unknown): Promise<LineageGraph> {
    const analysis = await this._analyze(notebook);
    const graph =
      analysis === null ? null : (await this._load()).lineageOf(analysis);
    return graph ?? this._bridge.lineage(notebook);
  }

  /**
   * Output columns of the compiled job's views where they can be known
   * (lower-cased view name → columns); empty when the engine is not loaded.
   */
  async viewColumns(compiled: CompileResponse): Promise<Map<string, string[]>> {
    let loaded: StageEngine;
    try {
      loaded = await this._load();
    } catch {
      return new Map();
    }
    const known = this._columns.get(compiled);
    if (known !== undefined) {
      return known;
    }
    const columns = new Map<string, string[]>();
    for (const [view, names] of loaded.viewColumns(compiled)) {
      columns.set(view.toLowerCase(), names);
    }
    this._columns.set(compiled, columns);
    return columns;
  }

  /** Catalog tables the linter and completion know, from the bridge. */
  async knownTables(): Promise<string[]> {
    return (await this._contextOnce()).knownTables;
  }

  private async _analyze(notebook: unknown): Promise<NotebookAnalysis | null> {
    const key =
      typeof notebook === 'object' && notebook !== null ? notebook : null;
    const cached = key === null ? undefined : this._analyses.get(key);
    if (cached !== undefined) {
      return cached;
    }
    let loaded: StageEngine;
    try {
      loaded = await this._load();
    } catch (error) {
      console.warn(
        'Arcade: linting through the bridge; the stage engine did not load',
        error
      );
      return null;
    }
    const context = await this._contextOnce();
    const analysis = loaded.analyzeNotebook(notebook, {
      environments: context.environments,
      knownTables: context.knownTables
    });
    this._lastElapsedMs = analysis.elapsedMs;
    if (key !== null) {
      this._analyses.set(key, analysis);
    }
    return analysis;
  }

  private _contextOnce(): Promise<IStagesContext> {
    if (this._contextPromise === null) {
      this._contextPromise = this._context().catch((error: unknown) => {
        console.warn(
          'Arcade: using default environments; the bridge configuration could not be read',
          error
        );
        this._contextPromise = null;
        return DEFAULT_CONTEXT;
      });
    }
    return this._contextPromise;
  }

  private readonly _bridge: IStagesApi;
  private readonly _context: () => Promise<IStagesContext>;
  private readonly _load: () => Promise<StageEngine>;
  private readonly _analyses = new WeakMap<object, NotebookAnalysis>();
  private readonly _columns = new WeakMap<object, Map<string, string[]>>();
  private _contextPromise: Promise<IStagesContext> | null = null;
  private _lastElapsedMs: number | null = null;
}

export namespace LocalStagesApi {
  export interface IOptions {
    /** Where calls go when the engine cannot be loaded. */
    bridge: IStagesApi;
    /** The project's environments and known tables. */
    context: () => Promise<IStagesContext>;
    /** Loads the engine; tests pass the Node build. */
    load?: () => Promise<StageEngine>;
  }
}
