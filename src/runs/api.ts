import type {
  ConfigResponse,
  RunEventsResponse,
  RunSummary,
  StartRunRequest,
  StartRunResponse
} from 'arcade-kernel-bridge';
import type { ServerConnection } from '@jupyterlab/services';
import {
  isRecord,
  requestArcade,
  unexpectedBody as unexpected
} from '../request';

export function isRunSummary(value: unknown): value is RunSummary {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.status === 'string' &&
    typeof value.lastSeq === 'number'
  );
}

/**
 * The calls the run panel makes; an interface so the model can be tested
 * without a server.
 */
export interface IRunsApi {
  start(request: StartRunRequest): Promise<StartRunResponse>;
  events(runId: string, after: number): Promise<RunEventsResponse>;
  cancel(runId: string): Promise<RunSummary>;
}

export class RunsApi implements IRunsApi {
  constructor(private readonly _settings: ServerConnection.ISettings) {}

  async start(request: StartRunRequest): Promise<StartRunResponse> {
    const body = await requestArcade('api/runs', this._settings, {
      method: 'POST',
      body: JSON.stringify(request),
      headers: { 'Content-Type': 'application/json' }
    });
    if (!isRecord(body) || typeof body.runId !== 'string') {
      throw unexpected('POST api/runs');
    }
    return body as unknown as StartRunResponse;
  }

  async events(runId: string, after: number): Promise<RunEventsResponse> {
    const endpoint = `api/runs/${encodeURIComponent(runId)}/events?after=${after}`;
    const body = await requestArcade(endpoint, this._settings);
    if (
      !isRecord(body) ||
      !isRunSummary(body.run) ||
      !Array.isArray(body.events)
    ) {
      throw unexpected('api/runs/…/events');
    }
    return body as unknown as RunEventsResponse;
  }

  async cancel(runId: string): Promise<RunSummary> {
    const body = await requestArcade(
      `api/runs/${encodeURIComponent(runId)}`,
      this._settings,
      { method: 'DELETE' }
    );
    if (!isRunSummary(body)) {
      throw unexpected('DELETE api/runs/…');
    }
    return body;
  }
}

/**
 * The environments a run can use, from `GET api/config`.
 */
export async function fetchEnvironments(
  settings: ServerConnection.ISettings
): Promise<string[]> {
  const body = await requestArcade('api/config', settings);
  const environments = isRecord(body)
    ? (body as Partial<ConfigResponse>).environments
    : undefined;
  if (
    !Array.isArray(environments) ||
    !environments.every(e => typeof e === 'string')
  ) {
    throw unexpected('api/config');
  }
  return environments;
}
