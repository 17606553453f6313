import type { FastifyInstance } from 'fastify';
import type {
  ConfigResponse,
  HealthResponse,
  TaskSummary
} from 'arcade-engine';
import { registerCatalogRoutes } from '../catalog/routes';
import type { Settings } from '../config';
import { registerGitRoutes } from '../git/routes';
import { GitService } from '../git/service';
import { registerPublishRoutes } from '../publish/routes';
import { PublishService } from '../publish/service';
import { findRepoRoot } from '../repoRoot';
import { registerRunRoutes } from '../runs/routes';
import { registerScheduleRoutes } from '../schedule/routes';
import { ScheduleService } from '../schedule/service';
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
  const catalog = registerCatalogRoutes(app, settings, process.env);
  registerRunRoutes(app, settings, () => {
    // As a Glue crawler would: the tables a job wrote appear in the catalog.
    catalog.crawlSoon(reportError);
  });
  registerStageRoutes(app, settings);
  const git = new GitService(settings.workspace, process.env);
  registerGitRoutes(app, git, tasks);
  const publish = new PublishService({ settings, env: process.env, git });
  registerPublishRoutes(app, publish, tasks);
  registerScheduleRoutes(app, {
    settings,
    git,
    publish,
    schedule: new ScheduleService({
      settings,
      env: process.env,
      repoRoot: findRepoRoot(),
      publish
    })
  });
}
