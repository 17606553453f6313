import {
  ArcadeError,
  isRecord,
  type RunDetail,
  type RunEventsResponse,
  type RunListResponse,
  type RunSummary,
  type StartRunResponse
} from 'arcade-engine';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Settings } from '../config';
import { findRepoRoot } from '../repoRoot';
import { arcRuntime } from './runtime';
import { RunService } from './service';

function badRequest(message: string): ArcadeError {
  return new ArcadeError('bad_request', message);
}

interface StartBody {
  path: string;
  environment: string;
  vars: Record<string, string>;
}

function startBody(body: unknown): StartBody {
  if (!isRecord(body)) {
    throw badRequest('expected a JSON object with "path" and "environment"');
  }
  const { path: notebook, environment, vars = {} } = body;
  if (typeof notebook !== 'string' || notebook === '') {
    throw badRequest('"path" must be the workspace-relative notebook path');
  }
  if (typeof environment !== 'string' || environment === '') {
    throw badRequest('"environment" must be a non-empty string');
  }
  if (
    !isRecord(vars) ||
    !Object.values(vars).every(value => typeof value === 'string')
  ) {
    throw badRequest('"vars" must map names to string values');
  }
  return {
    path: notebook,
    environment,
    vars: vars as Record<string, string>
  };
}

/**
 * The notebook's real path, refused unless it is an `.ipynb` inside the
 * workspace (after resolving `..` and symbolic links).
 */
export async function workspaceNotebook(
  workspace: string,
  relative: string
): Promise<string> {
  if (path.isAbsolute(relative) || relative.includes('\0')) {
    throw badRequest('"path" must be relative to the workspace');
  }
  if (!relative.endsWith('.ipynb')) {
    throw badRequest('"path" must name an .ipynb notebook');
  }
  const root = await realpath(workspace);
  const inside = (candidate: string): boolean => {
    const rel = path.relative(root, candidate);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  const file = path.resolve(root, relative);
  if (!inside(file)) {
    throw badRequest('"path" must stay inside the workspace');
  }
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    throw new ArcadeError('not_found', `notebook not found: ${relative}`);
  }
  if (!inside(real)) {
    throw badRequest('"path" must stay inside the workspace');
  }
  return real;
}

/** `/api/runs`: Arc batch runs of workspace notebooks. */
export function registerRunRoutes(
  app: FastifyInstance,
  settings: Settings,
  /** Called after a run succeeded (the catalog registers the tables it wrote). */
  onSucceeded: () => void = () => undefined
): void {
  const service = new RunService({
    runtime: () => arcRuntime(process.env, settings, findRepoRoot()),
    settings,
    env: process.env
  });
  app.addHook('onClose', async () => {
    await service.cancelAll();
  });

  app.post('/api/runs', async (request, reply): Promise<StartRunResponse> => {
    const body = startBody(request.body);
    const notebookFile = await workspaceNotebook(settings.workspace, body.path);
    const run = await service.start({
      notebookFile,
      notebook: body.path,
      environment: body.environment,
      vars: body.vars
    });
    void run.done.then(summary => {
      if (summary.status === 'succeeded') {
        onSucceeded();
      }
    });
    void reply.code(202);
    return { runId: run.id, run: run.summary() };
  });

  app.get('/api/runs', (): RunListResponse => ({ runs: service.list() }));

  app.get<{ Params: { id: string } }>('/api/runs/:id', (request): RunDetail =>
    service.get(request.params.id).detail()
  );

  app.get<{ Params: { id: string }; Querystring: { after?: string } }>(
    '/api/runs/:id/events',
    (request): RunEventsResponse => {
      const after = Number(request.query.after ?? '0');
      if (!Number.isInteger(after) || after < 0) {
        throw badRequest('"after" must be a sequence number (0 or more)');
      }
      const run = service.get(request.params.id);
      return { run: run.summary(), events: run.eventsAfter(after) };
    }
  );

  app.delete<{ Params: { id: string } }>(
    '/api/runs/:id',
    (request): RunSummary => {
      const run = service.get(request.params.id);
      run.cancel();
      return run.summary();
    }
  );
}
