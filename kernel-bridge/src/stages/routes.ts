import {
  ArcadeError,
  isRecord,
  MAX_SQL_FILES,
  type CompileResponse,
  type LineageGraph,
  type LintResponse,
  type SqlFilesResponse
} from 'arcade-engine';
import type { FastifyInstance } from 'fastify';
import type { Settings } from '../config';
import { workspaceNotebook } from '../runs/routes';
import {
  browserSqlFileAccess,
  compileNotebookFile,
  compileNotebookJson,
  lineageOfFile,
  lineageOfJson,
  lintNotebookFile,
  lintNotebookJson,
  readSqlFiles
} from './service';

function badRequest(message: string): ArcadeError {
  return new ArcadeError('bad_request', message);
}

function varsOf(value: unknown): Record<string, string> {
  if (value === undefined) {
    return {};
  }
  if (
    !isRecord(value) ||
    !Object.values(value).every(v => typeof v === 'string')
  ) {
    throw badRequest('"vars" must map names to string values');
  }
  return value as Record<string, string>;
}

function environmentsOf(value: unknown, fallback: string[]): string[] {
  if (value === undefined) {
    return fallback;
  }
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) {
    throw badRequest('"environments" must be a list of names');
  }
  return value;
}

/** Longest inputURI the bridge looks at. */
const MAX_URI_LENGTH = 4096;

function urisOf(body: unknown): string[] {
  const uris = isRecord(body) ? body.uris : undefined;
  if (
    !Array.isArray(uris) ||
    !uris.every(u => typeof u === 'string' && u.length <= MAX_URI_LENGTH)
  ) {
    throw badRequest(
      `expected {"uris": [...]}, each a stage's inputURI of at most ${MAX_URI_LENGTH} characters`
    );
  }
  if (uris.length > MAX_SQL_FILES) {
    throw badRequest(
      `at most ${MAX_SQL_FILES} SQL files per request; ask for the rest in another`
    );
  }
  return uris as string[];
}

type NotebookSource =
  | { path: string; notebook?: undefined }
  | { path?: undefined; notebook: unknown };

function sourceOf(body: unknown): NotebookSource & Record<string, unknown> {
  if (!isRecord(body)) {
    throw badRequest('expected a JSON object with "path" or "notebook"');
  }
  if (typeof body.path === 'string' && body.notebook === undefined) {
    return { ...body, path: body.path };
  }
  if (body.path === undefined && body.notebook !== undefined) {
    return { ...body, path: undefined, notebook: body.notebook };
  }
  throw badRequest(
    'give exactly one of "path" (workspace-relative) or "notebook" (JSON)'
  );
}

/**
 * `POST /api/stages/compile`: a notebook (by path or inline) → Arc job + stage locations.
 * `POST /api/stages/lint` {path | notebook, environments?} → {diagnostics}.
 * `POST /api/stages/lineage` {path | notebook} → lineage graph.
 * `POST /api/stages/sql-files` {uris} → {files}: the SQL files stages read
 *   from `inputURI`, only inside the workspace; `${ETL_CONF_…}` values stay here.
 * Lint and lineage read those files too.
 */
export function registerStageRoutes(
  app: FastifyInstance,
  settings: Settings
): void {
  app.post('/api/stages/compile', async (request): Promise<CompileResponse> => {
    const body = request.body;
    if (!isRecord(body)) {
      throw badRequest('expected a JSON object with "path" or "notebook"');
    }
    const vars = varsOf(body.vars);
    if (typeof body.path === 'string' && body.notebook === undefined) {
      const file = await workspaceNotebook(settings.workspace, body.path);
      return compileNotebookFile(file, { file: body.path, vars });
    }
    if (body.path === undefined && body.notebook !== undefined) {
      return compileNotebookJson(body.notebook, { file: 'notebook', vars });
    }
    throw badRequest(
      'give exactly one of "path" (workspace-relative) or "notebook" (JSON)'
    );
  });

  // Read on each request rather than copied at start, so the values stay out of the settings.
  const sqlFileAccess = () =>
    browserSqlFileAccess(settings.workspace, process.env);

  app.post('/api/stages/lint', async (request): Promise<LintResponse> => {
    const source = sourceOf(request.body);
    const options = {
      environments: environmentsOf(source.environments, settings.environments),
      sqlFileAccess: sqlFileAccess()
    };
    if (source.path !== undefined) {
      const file = await workspaceNotebook(settings.workspace, source.path);
      return {
        diagnostics: await lintNotebookFile(file, {
          ...options,
          file: source.path
        })
      };
    }
    return {
      diagnostics: await lintNotebookJson(source.notebook, {
        ...options,
        file: 'notebook'
      })
    };
  });

  app.post('/api/stages/lineage', async (request): Promise<LineageGraph> => {
    const source = sourceOf(request.body);
    const options = {
      environments: settings.environments,
      sqlFileAccess: sqlFileAccess()
    };
    if (source.path !== undefined) {
      const file = await workspaceNotebook(settings.workspace, source.path);
      return lineageOfFile(file, { ...options, file: source.path });
    }
    return lineageOfJson(source.notebook, { ...options, file: 'notebook' });
  });

  app.post(
    '/api/stages/sql-files',
    async (request): Promise<SqlFilesResponse> => ({
      files: await readSqlFiles(urisOf(request.body), sqlFileAccess())
    })
  );
}
