import type {
  GitBranchesResponse,
  GitCommitResponse,
  GitFileResponse,
  GitLogResponse,
  GitStatusResponse,
  TaskSummary
} from 'arcade-engine';
import { startTask } from '../bridge/tasks';
import { isRecord, unexpectedBody } from '../request';
import type { IArcadeBridge } from '../tokens';

function isStatus(value: unknown): value is GitStatusResponse {
  return (
    isRecord(value) &&
    Array.isArray(value.files) &&
    typeof value.repo === 'string'
  );
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** The Git panel's calls to the bridge (`api/git/…`). */
export class GitApi {
  constructor(
    readonly bridge: IArcadeBridge,
    /** The folder whose repository the panel shows (workspace-relative). */
    public repo = '.'
  ) {}

  private async _post(
    endpoint: string,
    body: Record<string, unknown>
  ): Promise<unknown> {
    return this.bridge.request(endpoint, {
      method: 'POST',
      body: JSON.stringify({ repo: this.repo, ...body }),
      headers: { 'Content-Type': 'application/json' }
    });
  }

  private _status(body: unknown, endpoint: string): GitStatusResponse {
    if (!isStatus(body)) {
      throw unexpectedBody(endpoint);
    }
    return body;
  }

  async status(): Promise<GitStatusResponse> {
    return this._status(
      await this.bridge.request(`api/git/status${query({ repo: this.repo })}`),
      'api/git/status'
    );
  }

  async change(
    action: 'stage' | 'unstage' | 'discard',
    paths: string[]
  ): Promise<GitStatusResponse> {
    return this._status(
      await this._post(`api/git/${action}`, { paths }),
      `api/git/${action}`
    );
  }

  async commit(message: string): Promise<GitCommitResponse> {
    const body = await this._post('api/git/commit', { message });
    if (!isRecord(body) || typeof body.commit !== 'string') {
      throw unexpectedBody('api/git/commit');
    }
    return body as unknown as GitCommitResponse;
  }

  async branches(): Promise<GitBranchesResponse> {
    const body = await this.bridge.request(
      `api/git/branches${query({ repo: this.repo })}`
    );
    if (!isRecord(body) || !Array.isArray(body.local)) {
      throw unexpectedBody('api/git/branches');
    }
    return body as unknown as GitBranchesResponse;
  }

  async createBranch(
    name: string,
    checkout: boolean
  ): Promise<GitBranchesResponse> {
    const body = await this._post('api/git/branches', { name, checkout });
    if (!isRecord(body) || !Array.isArray(body.local)) {
      throw unexpectedBody('POST api/git/branches');
    }
    return body as unknown as GitBranchesResponse;
  }

  async checkout(branch: string): Promise<GitStatusResponse> {
    return this._status(
      await this._post('api/git/checkout', { branch }),
      'api/git/checkout'
    );
  }

  async log(limit: number, ref?: string): Promise<GitLogResponse> {
    const body = await this.bridge.request(
      `api/git/log${query({ repo: this.repo, limit, ref })}`
    );
    if (!isRecord(body) || !Array.isArray(body.entries)) {
      throw unexpectedBody('api/git/log');
    }
    return body as unknown as GitLogResponse;
  }

  /** A file's text at a commit, or in the working tree when `ref` is absent. */
  async file(path: string, ref?: string): Promise<GitFileResponse> {
    const body = await this.bridge.request(
      `api/git/file${query({ repo: this.repo, path, ref })}`
    );
    if (!isRecord(body) || typeof body.path !== 'string') {
      throw unexpectedBody('api/git/file');
    }
    return body as unknown as GitFileResponse;
  }

  push(): Promise<TaskSummary> {
    return startTask(this.bridge, 'api/git/push', { repo: this.repo });
  }

  pull(): Promise<TaskSummary> {
    return startTask(this.bridge, 'api/git/pull', { repo: this.repo });
  }

  /** Clones `url` into the workspace folder `directory`. */
  clone(url: string, directory: string): Promise<TaskSummary> {
    return startTask(this.bridge, 'api/git/clone', { url, directory });
  }
}
