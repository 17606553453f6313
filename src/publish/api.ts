import type {
  GitChangesResponse,
  PublishRequest,
  SetCurrentResponse,
  TaskSummary,
  VersionsResponse
} from 'arcade-engine';
import { startTask } from '../bridge/tasks';
import { isRecord, unexpectedBody } from '../request';
import type { IArcadeBridge } from '../tokens';

/** Publish, versions and current (`api/publish`, `api/versions`). */
export class PublishApi {
  constructor(
    readonly bridge: IArcadeBridge,
    private readonly _repo: () => string = () => '.'
  ) {}

  /** The repository publishing works on: the one the Git panel shows. */
  get repo(): string {
    return this._repo();
  }

  publish(request: Omit<PublishRequest, 'repo'>): Promise<TaskSummary> {
    return startTask(this.bridge, 'api/publish', {
      repo: this.repo,
      ...request
    });
  }

  async versions(): Promise<VersionsResponse> {
    const body = await this.bridge.request(
      `api/versions?repo=${encodeURIComponent(this.repo)}`
    );
    if (!isRecord(body) || !Array.isArray(body.versions)) {
      throw unexpectedBody('api/versions');
    }
    return body as unknown as VersionsResponse;
  }

  async setCurrent(
    version: string,
    expected: string | null
  ): Promise<SetCurrentResponse> {
    const body = await this.bridge.request('api/versions/current', {
      method: 'POST',
      body: JSON.stringify({ repo: this.repo, version, expected }),
      headers: { 'Content-Type': 'application/json' }
    });
    if (!isRecord(body) || typeof body.current !== 'string') {
      throw unexpectedBody('api/versions/current');
    }
    return body as unknown as SetCurrentResponse;
  }

  /** Files that differ between a version's commit and another ref (HEAD by default). */
  async changes(from: string, to?: string): Promise<GitChangesResponse> {
    const search = new URLSearchParams({ repo: this.repo, from });
    if (to !== undefined) {
      search.set('to', to);
    }
    const body = await this.bridge.request(
      `api/git/changes?${search.toString()}`
    );
    if (!isRecord(body) || !Array.isArray(body.files)) {
      throw unexpectedBody('api/git/changes');
    }
    return body as unknown as GitChangesResponse;
  }
}
