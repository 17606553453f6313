import type {
  ArgoLogsResponse,
  ArgoRunDetail,
  ArgoRunRow,
  CronPreviewResponse,
  RunSubmittedResponse,
  ScheduleContextResponse,
  ScheduleCreatedResponse,
  ScheduleRow,
  ScheduleSpec
} from 'arcade-engine';
import { getJson, sendJson } from '../bridge/json';
import { isRecord } from '../request';
import type { IArcadeBridge } from '../tokens';

/** Where a failed stage's cell is today (`api/schedule/runs/:name/cell`). */
export interface ICellLink {
  commit: string;
  cellAtVersion: number;
  currentCell: number | null;
  changed: boolean;
}

/** Schedules and Argo runs (`api/schedule…`). */
export class ScheduleApi {
  constructor(
    readonly bridge: IArcadeBridge,
    private readonly _repo: () => string = () => '.'
  ) {}

  /** The repository schedules come from: the one the Git panel shows. */
  get repo(): string {
    return this._repo();
  }

  private _get<T>(
    endpoint: string,
    query: Record<string, string | undefined>,
    check: (body: Record<string, unknown>) => boolean
  ): Promise<T> {
    return getJson(this.bridge, endpoint, query, check);
  }

  private _send<T>(
    endpoint: string,
    payload: unknown,
    check: (body: Record<string, unknown>) => boolean,
    method = 'POST'
  ): Promise<T> {
    return sendJson(this.bridge, endpoint, payload, check, method);
  }

  context(): Promise<ScheduleContextResponse> {
    return this._get('api/schedule/context', { repo: this.repo }, b =>
      Array.isArray(b.notebooks)
    );
  }

  cron(schedules: string[], timezone: string): Promise<CronPreviewResponse> {
    return this._send('api/schedule/cron', { schedules, timezone }, b =>
      Array.isArray(b.nextRuns)
    );
  }

  async schedules(): Promise<ScheduleRow[]> {
    const body = await this._get<{ schedules: ScheduleRow[] }>(
      'api/schedule',
      { repo: this.repo },
      b => Array.isArray(b.schedules)
    );
    return body.schedules;
  }

  create(
    spec: ScheduleSpec,
    version?: string
  ): Promise<ScheduleCreatedResponse> {
    return this._send('api/schedule', { repo: this.repo, spec, version }, b =>
      isRecord(b.schedule)
    );
  }

  runNow(spec: ScheduleSpec, version?: string): Promise<RunSubmittedResponse> {
    return this._send(
      'api/schedule/run',
      { repo: this.repo, spec, version },
      b => isRecord(b.run)
    );
  }

  setSuspended(name: string, suspend: boolean): Promise<ScheduleRow> {
    return this._send(
      `api/schedule/${encodeURIComponent(name)}/${suspend ? 'suspend' : 'resume'}`,
      {},
      b => typeof b.name === 'string'
    );
  }

  remove(name: string): Promise<{ deleted: string; file: string | null }> {
    return this._send(
      `api/schedule/${encodeURIComponent(name)}?repo=${encodeURIComponent(this.repo)}`,
      undefined,
      b => typeof b.deleted === 'string',
      'DELETE'
    );
  }

  async runs(notebook?: string, limit = 500): Promise<ArgoRunRow[]> {
    const body = await this._get<{ runs: ArgoRunRow[] }>(
      'api/schedule/runs',
      { repo: this.repo, notebook, limit: String(limit) },
      b => Array.isArray(b.runs)
    );
    return body.runs;
  }

  run(name: string): Promise<ArgoRunDetail> {
    return this._get(
      `api/schedule/runs/${encodeURIComponent(name)}`,
      { repo: this.repo },
      b => Array.isArray(b.steps)
    );
  }

  logs(name: string, after: number): Promise<ArgoLogsResponse> {
    return this._get(
      `api/schedule/runs/${encodeURIComponent(name)}/logs`,
      { after: String(after) },
      b => Array.isArray(b.lines) && typeof b.next === 'number'
    );
  }

  cell(name: string, notebook: string, cell: number): Promise<ICellLink> {
    return this._get(
      `api/schedule/runs/${encodeURIComponent(name)}/cell`,
      { repo: this.repo, notebook, cell: String(cell) },
      b => typeof b.changed === 'boolean'
    );
  }

  act(name: string, verb: 'stop' | 'retry' | 'resubmit'): Promise<ArgoRunRow> {
    return this._send(
      `api/schedule/runs/${encodeURIComponent(name)}/${verb}`,
      {},
      b => typeof b.name === 'string'
    );
  }
}
