import type {
  CompileResponse,
  DataRef,
  LineageGraph,
  LintDiagnostic,
  LintResponse
} from 'arcade-engine';
import { isRecord, unexpectedBody as unexpected } from '../request';
import type { IArcadeBridge } from '../tokens';

function isDiagnostic(value: unknown): value is LintDiagnostic {
  return (
    isRecord(value) &&
    typeof value.cell === 'number' &&
    typeof value.line === 'number' &&
    typeof value.column === 'number' &&
    typeof value.message === 'string' &&
    (value.severity === 'error' ||
      value.severity === 'warning' ||
      value.severity === 'info')
  );
}

/**
 * The stage calls the notebook views make; an interface so models can be
 * tested without a server.
 */
export interface IStagesApi {
  compile(notebook: unknown): Promise<CompileResponse>;
  lint(notebook: unknown, environments?: string[]): Promise<LintResponse>;
  lineage(notebook: unknown): Promise<LineageGraph>;
  /** The data each stage cell reads or writes (cell index → references), when known. */
  dataRefs?(compiled: CompileResponse): Promise<Map<number, DataRef[]>>;
}

export class StagesApi implements IStagesApi {
  constructor(private readonly _bridge: IArcadeBridge) {}

  async compile(notebook: unknown): Promise<CompileResponse> {
    const body = await this._post('api/stages/compile', { notebook });
    if (!isRecord(body) || !Array.isArray(body.stages) || !isRecord(body.job)) {
      throw unexpected('POST api/stages/compile');
    }
    return body as unknown as CompileResponse;
  }

  async lint(
    notebook: unknown,
    environments?: string[]
  ): Promise<LintResponse> {
    const body = await this._post('api/stages/lint', {
      notebook,
      ...(environments ? { environments } : {})
    });
    if (
      !isRecord(body) ||
      !Array.isArray(body.diagnostics) ||
      !body.diagnostics.every(isDiagnostic)
    ) {
      throw unexpected('POST api/stages/lint');
    }
    return { diagnostics: body.diagnostics };
  }

  async lineage(notebook: unknown): Promise<LineageGraph> {
    const body = await this._post('api/stages/lineage', { notebook });
    if (
      !isRecord(body) ||
      !Array.isArray(body.nodes) ||
      !Array.isArray(body.edges)
    ) {
      throw unexpected('POST api/stages/lineage');
    }
    return body as unknown as LineageGraph;
  }

  private _post(endpoint: string, request: unknown): Promise<unknown> {
    return this._bridge.request(endpoint, {
      method: 'POST',
      body: JSON.stringify(request),
      headers: { 'Content-Type': 'application/json' }
    });
  }
}
