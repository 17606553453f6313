import type { FastifyInstance } from 'fastify';
import type { ConfigResponse, HealthResponse } from 'arcade-engine';
import type { Settings } from '../config';
import { registerRunRoutes } from '../runs/routes';
import { registerStageRoutes } from '../stages/routes';
import { health, publicConfig } from '../status';

/** The API routes; thin wrappers over the service functions. */
export function registerRoutes(app: FastifyInstance, settings: Settings): void {
  app.get('/api/health', async (): Promise<HealthResponse> => health(settings));
  app.get('/api/config', (): ConfigResponse => publicConfig(settings));
  registerRunRoutes(app, settings);
  registerStageRoutes(app, settings);
}
