import {
  ArcadeError,
  type SetCurrentResponse,
  type TaskStartedResponse,
  type VersionsResponse
} from 'arcade-engine';
import type { FastifyInstance } from 'fastify';
import { jsonBody, optionalText } from '../server/requestBody';
import type { TaskTracker } from '../server/tasks';
import type { PublishService } from './service';

/** `/api/publish` (a task) and `/api/versions`. */
export function registerPublishRoutes(
  app: FastifyInstance,
  service: PublishService,
  tasks: TaskTracker
): void {
  app.post('/api/publish', (request, reply): TaskStartedResponse => {
    const { repo, ref, push, dryRun } = jsonBody(request.body);
    const publishRequest = {
      repo: optionalText(repo, 'repo'),
      ref: optionalText(ref, 'ref'),
      push: push === true,
      dryRun: dryRun === true
    };
    void reply.code(202);
    return {
      task: tasks.start(
        'publish',
        `publish ${publishRequest.ref ?? 'HEAD'}`,
        ctx =>
          service.publish(publishRequest, {
            signal: ctx.signal,
            progress: ctx.progress
          })
      )
    };
  });

  app.get<{ Querystring: { repo?: string } }>(
    '/api/versions',
    (request): Promise<VersionsResponse> => service.versions(request.query.repo)
  );

  app.post('/api/versions/current', (request): Promise<SetCurrentResponse> => {
    const { repo, version, expected } = jsonBody(request.body);
    if (typeof version !== 'string') {
      throw new ArcadeError('bad_request', '"version" must be a commit SHA');
    }
    if (
      expected !== undefined &&
      expected !== null &&
      typeof expected !== 'string'
    ) {
      throw new ArcadeError(
        'bad_request',
        '"expected" must be a version or null'
      );
    }
    return service.setCurrent(repo, version, expected);
  });
}
