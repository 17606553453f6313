import {
  ArcadeError,
  isRecord,
  type GitBranchesResponse,
  type GitChangesResponse,
  type GitCommitResponse,
  type GitFileResponse,
  type GitLogResponse,
  type GitStatusResponse,
  type TaskStartedResponse
} from 'arcade-engine';
import type { FastifyInstance } from 'fastify';
import type { TaskContext, TaskTracker } from '../server/tasks';
import { repoPaths } from './paths';
import type { GitService } from './service';

type Query = Record<string, string | undefined>;

function body(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) {
    throw new ArcadeError('bad_request', 'expected a JSON object');
  }
  return value;
}

function text(
  value: unknown,
  name: string,
  optional = false
): string | undefined {
  if (value === undefined && optional) {
    return undefined;
  }
  if (typeof value !== 'string' || value === '') {
    throw new ArcadeError(
      'bad_request',
      `"${name}" must be a non-empty string`
    );
  }
  return value;
}

/** isomorphic-git's progress events as task progress. */
function gitProgress(ctx: TaskContext) {
  return {
    signal: ctx.signal,
    onProgress: (event: { phase: string; loaded: number; total?: number }) => {
      ctx.progress({
        phase: event.phase,
        done: event.loaded,
        total: event.total ?? null,
        unit: 'objects'
      });
    }
  };
}

/** `/api/git/…`: the Git panel's API; push, pull and clone run as tasks. */
export function registerGitRoutes(
  app: FastifyInstance,
  service: GitService,
  tasks: TaskTracker
): void {
  app.get<{ Querystring: Query }>(
    '/api/git/status',
    (request): Promise<GitStatusResponse> => service.status(request.query.repo)
  );

  for (const action of ['stage', 'unstage', 'discard'] as const) {
    app.post(`/api/git/${action}`, (request): Promise<GitStatusResponse> => {
      const { repo, paths } = body(request.body);
      return service[action](repo, repoPaths(paths));
    });
  }

  app.post('/api/git/commit', (request): Promise<GitCommitResponse> => {
    const { repo, message, all } = body(request.body);
    if (typeof message !== 'string') {
      throw new ArcadeError('bad_request', '"message" must be a string');
    }
    return service.commit(repo, message, all === true);
  });

  app.get<{ Querystring: Query }>(
    '/api/git/branches',
    (request): Promise<GitBranchesResponse> =>
      service.branches(request.query.repo)
  );

  app.post('/api/git/branches', (request): Promise<GitBranchesResponse> => {
    const { repo, name, from, checkout } = body(request.body);
    return service.createBranch(
      repo,
      text(name, 'name') ?? '',
      text(from, 'from', true),
      checkout === true
    );
  });

  app.post('/api/git/checkout', (request): Promise<GitStatusResponse> => {
    const { repo, branch } = body(request.body);
    return service.checkout(repo, text(branch, 'branch') ?? '');
  });

  app.get<{ Querystring: Query }>(
    '/api/git/log',
    (request): Promise<GitLogResponse> => {
      const limit = Number(request.query.limit ?? '20');
      return service.log(
        request.query.repo,
        limit,
        request.query.ref || undefined
      );
    }
  );

  app.get<{ Querystring: Query }>(
    '/api/git/changes',
    (request): Promise<GitChangesResponse> =>
      service.changes(
        request.query.repo,
        text(request.query.from, 'from') ?? '',
        request.query.to || undefined
      )
  );

  app.get<{ Querystring: Query }>(
    '/api/git/file',
    (request): Promise<GitFileResponse> =>
      service.file(request.query.repo, request.query.path, request.query.ref)
  );

  app.post(
    '/api/git/push',
    async (request, reply): Promise<TaskStartedResponse> => {
      const { repo } = body(request.body);
      await service.repo(repo); // refuse a bad repository now, not in the task
      void reply.code(202);
      return {
        task: tasks.start('push', 'push', ctx =>
          service.push(repo, gitProgress(ctx))
        )
      };
    }
  );

  app.post(
    '/api/git/pull',
    async (request, reply): Promise<TaskStartedResponse> => {
      const { repo } = body(request.body);
      await service.repo(repo);
      void reply.code(202);
      return {
        task: tasks.start('pull', 'pull', ctx =>
          service.pull(repo, gitProgress(ctx))
        )
      };
    }
  );

  app.post('/api/git/clone', (request, reply): TaskStartedResponse => {
    const { url, directory, branch } = body(request.body);
    const target = text(url, 'url') ?? '';
    const folder = text(directory, 'directory', true);
    const ref = text(branch, 'branch', true);
    void reply.code(202);
    return {
      task: tasks.start('clone', 'clone', ctx =>
        service.clone(target, folder, ref, gitProgress(ctx))
      )
    };
  });
}
