import type { FastifyInstance } from 'fastify';
import type { CompileResponse } from '../api';
import type { Settings } from '../config';
import { ArcadeError } from '../errors';
import { workspaceNotebook } from '../runs/routes';
import { compileNotebookFile, compileNotebookJson } from './service';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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

/** `POST /api/stages/compile`: a notebook (by path or inline) → Arc job + stage locations. */
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
}
