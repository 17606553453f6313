import type { FastifyInstance } from 'fastify';
import type {
  ConfigResponse,
  HealthResponse,
  TaskSummary
} from 'arcade-engine';
import type { Settings } from '../config';
import { registerGitRoutes } from '../git/routes';
import { GitService } from '../git/service';
import { registerPublishRoutes } from '../publish/routes';
import { PublishService } from '../publish/service';
import { registerRunRoutes } from '../runs/routes';
import { registerStageRoutes } from '../stages/routes';
import { health, publicConfig } from '../status';
import { TaskTracker } from './tasks';

/** The API routes; thin wrappers over the service functions. */
export function registerRoutes(
  app: FastifyInstance,
  settings: Settings,
  reportError: (error: unknown) => void = () => undefined
): void {
  const tasks = new TaskTracker(reportError);
  app.addHook('onClose', async () => {
    await tasks.close();
  });
  app.get('/api/health', async (): Promise<HealthResponse> => health(settings));
  app.get('/api/config', (): ConfigResponse => publicConfig(settings));
  app.get<{ Params: { id: string } }>(
    '/api/tasks/:id',
    (request): TaskSummary => tasks.get(request.params.id)
  );
  app.delete<{ Params: { id: string } }>(
    '/api/tasks/:id',
    (request): TaskSummary => tasks.cancel(request.params.id)
  );
  registerRunRoutes(app, settings);
  registerStageRoutes(app, settings);
  const git = new GitService(settings.workspace, process.env);
  registerGitRoutes(app, git, tasks);
  registerPublishRoutes(
    app,
    new PublishService({ settings, env: process.env, git }),
    tasks
  );
}
