import type {
  RunEventsResponse,
  RunSummary,
  StartRunRequest,
  StartRunResponse
} from 'arcade-engine';
import { isRecord, unexpectedBody as unexpected } from '../request';
import type { IArcadeBridge } from '../tokens';

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
  constructor(private readonly _bridge: IArcadeBridge) {}

  async start(request: StartRunRequest): Promise<StartRunResponse> {
    const body = await this._bridge.request('api/runs', {
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
    const body = await this._bridge.request(endpoint);
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
    const body = await this._bridge.request(
      `api/runs/${encodeURIComponent(runId)}`,
      { method: 'DELETE' }
    );
    if (!isRunSummary(body)) {
      throw unexpected('DELETE api/runs/…');
    }
    return body;
  }
}
