import type {
  CompileResponse,
  DataRef,
  LineageGraph,
  LintResponse,
  SqlFile
} from 'arcade-engine';
import type * as EngineModule from 'arcade-engine';
import { ArcadeRequestError, isRecord, unexpectedBody } from '../request';
import type { IArcadeBridge } from '../tokens';
import type { IStagesApi } from './api';
import { DEFAULT_ENVIRONMENTS } from 'arcade-engine/core';

/** The bridge's stage engine (compiler, linter, lineage), bundled for the browser. */
export type StageEngine = typeof EngineModule;
type NotebookAnalysis = EngineModule.NotebookAnalysis;

/** What the linter needs to know about the project, from the bridge's configuration. */
export interface IStagesContext {
  environments: string[];
  /**
   * Reads the SQL files stages name in `inputURI` (keys from the engine's
   * `sqlFileUris`) through the bridge; absent when there is no bridge to ask.
   */
  readSqlFiles?: (uris: string[]) => Promise<SqlFile[]>;
  /** The defaults, because the bridge's configuration could not be read: asked again next time. */
  provisional?: boolean;
}

/** How long a SQL file read through the bridge is used before it is read again. */
export const SQL_FILE_TTL_MS = 30_000;

/** How long an analysis waits for SQL files it has never read before it lints without them. */
export const SQL_FILE_WAIT_MS = 1_000;

/** The bridge's defaults, used until (or if) its configuration cannot be read. */
export const DEFAULT_CONTEXT: IStagesContext = {
  environments: [...DEFAULT_ENVIRONMENTS]
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

/**
 * The project's environments from the bridge's configuration; SQL files
 * are then read through the same bridge.
 */
export async function fetchStagesContext(
  bridge: IArcadeBridge
): Promise<IStagesContext> {
  const config = await bridge.config();
  return {
    environments: config?.environments ?? [...DEFAULT_ENVIRONMENTS],
    provisional: config === null,
    readSqlFiles: uris => fetchSqlFiles(bridge, uris)
  };
}

function isSqlFile(value: unknown): value is SqlFile {
  return (
    isRecord(value) &&
    typeof value.uri === 'string' &&
    (typeof value.text === 'string' ||
      (value.text === null &&
        typeof value.reason === 'string' &&
        typeof value.missing === 'boolean'))
  );
}

/** The SQL files stages read, through the bridge's `POST /api/stages/sql-files`. */
export async function fetchSqlFiles(
  bridge: IArcadeBridge,
  uris: string[]
): Promise<SqlFile[]> {
  const body = await bridge.request('api/stages/sql-files', {
    method: 'POST',
    body: JSON.stringify({ uris }),
    headers: { 'Content-Type': 'application/json' }
  });
  if (
    !isRecord(body) ||
    !Array.isArray(body.files) ||
    !body.files.every(isSqlFile)
  ) {
    throw unexpectedBody('POST api/stages/sql-files');
  }
  return body.files;
}

/** True when `promise` settles within `ms`. */
function settlesWithin(
  promise: Promise<unknown>,
  ms: number
): Promise<boolean> {
  return new Promise(resolve => {
    const timer = setTimeout(() => {
      resolve(false);
    }, ms);
    void promise.finally(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Compiles, lints and draws lineage in the browser with the same engine the
 * bridge runs, so live lint needs no round trip. `compile` and `lint` of the
 * same notebook object share one analysis. If the engine cannot be loaded,
 * every call goes to the bridge instead.
 *
 * The SQL files stages read from `inputURI` come from the bridge, each kept
 * for `SQL_FILE_TTL_MS` and read again in the background after that. An
 * analysis waits at most `SQL_FILE_WAIT_MS` for files it has never read;
 * files that arrive later are used from the next analysis on.
 */
export class LocalStagesApi implements IStagesApi {
  constructor(options: LocalStagesApi.IOptions) {
    this._bridge = options.bridge;
    this._context = options.context;
    this._load = options.load ?? loadEngine;
    this._sqlFileWait = options.sqlFileWaitMs ?? SQL_FILE_WAIT_MS;
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
    if (known !== undefined && known.version === this._sqlFilesVersion) {
      return known.columns;
    }
    const columns = new Map<string, string[]>();
    for (const [view, names] of loaded.viewColumns(
      compiled,
      this._knownSqlFiles()
    )) {
      columns.set(view.toLowerCase(), names);
    }
    this._columns.set(compiled, { columns, version: this._sqlFilesVersion });
    return columns;
  }

  /**
   * The Delta locations and qualified tables each stage cell reads or
   * writes; empty when the engine is not loaded.
   */
  async dataRefs(compiled: CompileResponse): Promise<Map<number, DataRef[]>> {
    try {
      return (await this._load()).dataRefsByCell(
        compiled,
        this._knownSqlFiles()
      );
    } catch {
      return new Map();
    }
  }

  /** The environments the project deploys to (new stages run in all of them). */
  async environments(): Promise<string[]> {
    return (await this._contextOnce()).environments;
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
    const options = { environments: context.environments };
    let analysis = loaded.analyzeNotebook(notebook, {
      ...options,
      sqlFiles: this._knownSqlFiles()
    });
    const read = context.readSqlFiles;
    if (analysis.compiled !== null && read !== undefined) {
      const arriving = this._readSqlFiles(
        loaded.sqlFileUris(analysis.compiled),
        read,
        loaded.MAX_SQL_FILES
      );
      if (
        arriving !== null &&
        (await settlesWithin(arriving, this._sqlFileWait))
      ) {
        analysis = loaded.analyzeNotebook(notebook, {
          ...options,
          sqlFiles: this._knownSqlFiles()
        });
      }
    }
    this._lastElapsedMs = analysis.elapsedMs;
    if (key !== null) {
      this._analyses.set(key, analysis);
    }
    return analysis;
  }

  /** The SQL files read so far, by key. */
  private _knownSqlFiles(): Map<string, SqlFile> {
    const files = new Map<string, SqlFile>();
    for (const [uri, entry] of this._sqlFiles) {
      if (entry.file !== null) {
        files.set(uri, entry.file);
      }
    }
    return files;
  }

  /**
   * Starts reading the files not read yet or read too long ago. Resolves
   * once the files never read before have arrived (or failed); null when
   * there are none.
   */
  private _readSqlFiles(
    uris: string[],
    read: (uris: string[]) => Promise<SqlFile[]>,
    perRequest: number
  ): Promise<void> | null {
    const now = Date.now();
    const due = uris.filter(uri => {
      const entry = this._sqlFiles.get(uri);
      return (
        !this._reading.has(uri) &&
        (entry === undefined || now - entry.at >= SQL_FILE_TTL_MS)
      );
    });
    for (let i = 0; i < due.length; i += perRequest) {
      const batch = due.slice(i, i + perRequest);
      const settle = (files: readonly SqlFile[]): void => {
        const at = Date.now();
        const answers = new Map(files.map(file => [file.uri, file]));
        for (const uri of batch) {
          const before = this._sqlFiles.get(uri)?.file ?? null;
          const file = answers.get(uri) ?? before;
          if (file?.text !== before?.text) {
            this._sqlFilesVersion++;
          }
          this._sqlFiles.set(uri, { file, at });
        }
      };
      const reading = read(batch).then(settle, (error: unknown) => {
        // Lint goes on with the files it had.
        console.warn(
          'Arcade: the SQL files stages read could not be read',
          error
        );
        settle([]);
      });
      for (const uri of batch) {
        this._reading.set(
          uri,
          reading.finally(() => this._reading.delete(uri))
        );
      }
    }
    const firstTime = uris
      .filter(uri => !this._sqlFiles.has(uri))
      .map(uri => this._reading.get(uri));
    return firstTime.length === 0
      ? null
      : Promise.all(firstTime).then(() => undefined);
  }

  private _contextOnce(): Promise<IStagesContext> {
    if (this._contextPromise === null) {
      // The bridge client has told the user why; defaults are asked again next time.
      this._contextPromise = this._context().then(
        context => {
          if (context.provisional === true) {
            this._contextPromise = null;
          }
          return context;
        },
        () => {
          this._contextPromise = null;
          return DEFAULT_CONTEXT;
        }
      );
    }
    return this._contextPromise;
  }

  private readonly _bridge: IStagesApi;
  private readonly _context: () => Promise<IStagesContext>;
  private readonly _load: () => Promise<StageEngine>;
  private readonly _analyses = new WeakMap<object, NotebookAnalysis>();
  private readonly _columns = new WeakMap<
    object,
    { columns: Map<string, string[]>; version: number }
  >();
  private readonly _sqlFileWait: number;
  /** Per key: the file as last read (null: the bridge could not say) and when. */
  private readonly _sqlFiles = new Map<
    string,
    { file: SqlFile | null; at: number }
  >();
  private readonly _reading = new Map<string, Promise<unknown>>();
  /** Changes whenever a file's text does, so results built from the old text are not reused. */
  private _sqlFilesVersion = 0;
  private _contextPromise: Promise<IStagesContext> | null = null;
  private _lastElapsedMs: number | null = null;
}

export namespace LocalStagesApi {
  export interface IOptions {
    /** Where calls go when the engine cannot be loaded. */
    bridge: IStagesApi;
    /** The project's environments and how to read SQL files. */
    context: () => Promise<IStagesContext>;
    /** Loads the engine; tests pass the Node build. */
    load?: () => Promise<StageEngine>;
    /** How long an analysis waits for SQL files it has never read; default `SQL_FILE_WAIT_MS`. */
    sqlFileWaitMs?: number;
  }
}
