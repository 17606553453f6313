/**
 * Query executions of the local endpoint with Athena's life cycle: QUEUED →
 * RUNNING → SUCCEEDED | FAILED | CANCELLED, statistics, idempotent client
 * tokens, result reuse by age, results paged with the header row first on a
 * SELECT's first page. Executions live in memory (the newest 1,000).
 */
import { randomUUID } from 'node:crypto';
import { DdlError, parseDdl } from './ddl';
import { runDdl } from './ddlRunner';
import { QueryFailure, type LakeEngine, type QueryOutcome } from './engine';
import type { GlueCatalog } from './glue';

export type QueryState =
  'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface StartRequest {
  query: string;
  database: string;
  catalog: string;
  workGroup: string;
  outputLocation: string | null;
  clientToken: string | null;
  reuseMaxAgeMinutes: number | null;
}

interface Execution {
  id: string;
  request: StartRequest;
  state: QueryState;
  reason: string | null;
  failure: QueryFailure | null;
  statementType: 'DML' | 'DDL' | 'UTILITY';
  submitted: number;
  started: number | null;
  completed: number | null;
  outcome: QueryOutcome | null;
  reusedFrom: string | null;
  controller: AbortController;
}

export interface ExecutionsOptions {
  /** Time a query waits in QUEUED before it runs. */
  queueMs: number;
  /** Engine latency added to every query (for benchmarks: 0.3 s, 1 s, 3 s). */
  latencyMs: number;
  /** Rows a result may hold; more fails the query. */
  maxRows: number;
  now?: () => number;
}

const KEEP = 1000;

/** Athena's error categories (AthenaError.ErrorCategory) and types for a failure. */
function athenaError(failure: QueryFailure): {
  ErrorCategory: number;
  ErrorType: number;
  Retryable: boolean;
  ErrorMessage: string;
} {
  const types: Record<QueryFailure['kind'], [number, number]> = {
    syntax: [2, 1001],
    'not-found': [2, 1301],
    refused: [2, 1002],
    cancelled: [2, 1003],
    'too-large': [2, 1004],
    internal: [1, 401]
  };
  const [category, type] = types[failure.kind];
  return {
    ErrorCategory: category,
    ErrorType: type,
    Retryable: failure.kind === 'internal',
    ErrorMessage: failure.message
  };
}

function statementTypeOf(query: string): Execution['statementType'] {
  try {
    return parseDdl(query) === null ? 'DML' : 'DDL';
  } catch {
    return 'DDL';
  }
}

export class Executions {
  readonly #byId = new Map<string, Execution>();
  readonly #byToken = new Map<string, string>();
  readonly #now: () => number;

  constructor(
    private readonly catalog: GlueCatalog,
    private readonly engine: LakeEngine,
    private readonly options: ExecutionsOptions
  ) {
    this.#now = options.now ?? Date.now;
  }

  get(id: string): Execution | null {
    return this.#byId.get(id) ?? null;
  }

  list(workGroup: string): string[] {
    return [...this.#byId.values()]
      .filter(e => e.request.workGroup === workGroup)
      .sort((a, b) => b.submitted - a.submitted)
      .map(e => e.id);
  }

  start(request: StartRequest): string {
    if (request.clientToken !== null) {
      const known = this.#byToken.get(request.clientToken);
      if (known !== undefined && this.#byId.has(known)) {
        return known;
      }
    }
    const execution: Execution = {
      id: randomUUID(),
      request,
      state: 'QUEUED',
      reason: null,
      failure: null,
      statementType: statementTypeOf(request.query),
      submitted: this.#now(),
      started: null,
      completed: null,
      outcome: null,
      reusedFrom: null,
      controller: new AbortController()
    };
    this.#byId.set(execution.id, execution);
    if (request.clientToken !== null) {
      this.#byToken.set(request.clientToken, execution.id);
    }
    this.#trim();
    const reused = this.#reusable(execution);
    if (reused !== null) {
      execution.state = 'SUCCEEDED';
      execution.started = execution.submitted;
      execution.completed = execution.submitted;
      execution.outcome =
        reused.outcome === null ? null : { ...reused.outcome, bytesScanned: 0 };
      execution.reusedFrom = reused.id;
      return execution.id;
    }
    void this.#run(execution);
    return execution.id;
  }

  /** Stops a query that has not ended; a finished one stays as it is. */
  stop(id: string): boolean {
    const execution = this.#byId.get(id);
    if (execution === undefined) {
      return false;
    }
    if (execution.state === 'QUEUED' || execution.state === 'RUNNING') {
      execution.state = 'CANCELLED';
      execution.reason = 'Query was cancelled by user';
      execution.completed = this.#now();
      execution.controller.abort();
    }
    return true;
  }

  #reusable(execution: Execution): Execution | null {
    const maxAge = execution.request.reuseMaxAgeMinutes;
    if (maxAge === null || execution.statementType !== 'DML') {
      return null;
    }
    const oldest = execution.submitted - maxAge * 60_000;
    let best: Execution | null = null;
    for (const other of this.#byId.values()) {
      if (
        other !== execution &&
        other.state === 'SUCCEEDED' &&
        other.outcome !== null &&
        other.request.query === execution.request.query &&
        other.request.database === execution.request.database &&
        (other.completed ?? 0) >= oldest &&
        (best === null || (other.completed ?? 0) > (best.completed ?? 0))
      ) {
        best = other;
      }
    }
    return best;
  }

  #trim(): void {
    while (this.#byId.size > KEEP) {
      const oldest = this.#byId.keys().next().value;
      if (oldest === undefined) {
        return;
      }
      const execution = this.#byId.get(oldest);
      if (
        execution !== undefined &&
        execution.state !== 'QUEUED' &&
        execution.state !== 'RUNNING'
      ) {
        this.#byId.delete(oldest);
      } else {
        return;
      }
    }
  }

  async #run(execution: Execution): Promise<void> {
    const signal = execution.controller.signal;
    // Stop may come while this waits: read the flag afresh each time.
    const stopped = (): boolean => signal.aborted;
    const wait = (ms: number): Promise<void> =>
      new Promise(resolve => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    await wait(this.options.queueMs);
    if (stopped()) {
      return;
    }
    execution.state = 'RUNNING';
    execution.started = this.#now();
    try {
      await wait(this.options.latencyMs);
      if (stopped()) {
        return;
      }
      let ddl;
      try {
        ddl = parseDdl(execution.request.query);
      } catch (error) {
        const at = error instanceof DdlError ? error.offset : 0;
        const before = execution.request.query.slice(0, at).split('\n');
        throw new QueryFailure(
          'syntax',
          `line ${before.length}:${(before[before.length - 1]?.length ?? 0) + 1}: ${(error as Error).message}`
        );
      }
      const outcome =
        ddl === null
          ? await this.engine.query(
              execution.request.query,
              execution.request.database,
              this.catalog,
              this.options.maxRows,
              signal
            )
          : await runDdl(
              ddl,
              execution.request.database,
              this.catalog,
              this.engine,
              this.#now
            );
      if (stopped()) {
        return;
      }
      execution.outcome = outcome;
      execution.statementType = outcome.statementType;
      execution.state = 'SUCCEEDED';
    } catch (error) {
      if (stopped()) {
        return;
      }
      const failure =
        error instanceof QueryFailure
          ? error
          : new QueryFailure('internal', String(error));
      execution.failure = failure;
      execution.state = failure.kind === 'cancelled' ? 'CANCELLED' : 'FAILED';
      execution.reason = failure.message;
    } finally {
      if (execution.completed === null) {
        execution.completed = this.#now();
      }
    }
  }

  /** `QueryExecution` as GetQueryExecution returns it (timestamps in epoch seconds). */
  describe(execution: Execution): Record<string, unknown> {
    const { request } = execution;
    const now = this.#now();
    const ended = execution.completed ?? now;
    const queued = (execution.started ?? now) - execution.submitted;
    const engine = execution.started === null ? 0 : ended - execution.started;
    const status: Record<string, unknown> = {
      State: execution.state,
      SubmissionDateTime: execution.submitted / 1000
    };
    if (execution.completed !== null) {
      status.CompletionDateTime = execution.completed / 1000;
    }
    if (execution.reason !== null) {
      status.StateChangeReason = execution.reason;
    }
    if (execution.failure !== null) {
      status.AthenaError = athenaError(execution.failure);
    }
    return {
      QueryExecutionId: execution.id,
      Query: request.query,
      StatementType: execution.statementType,
      ResultConfiguration:
        request.outputLocation === null
          ? {}
          : {
              OutputLocation: `${request.outputLocation.replace(/\/$/, '')}/${execution.id}.csv`
            },
      ResultReuseConfiguration: {
        ResultReuseByAgeConfiguration: {
          Enabled: request.reuseMaxAgeMinutes !== null,
          ...(request.reuseMaxAgeMinutes === null
            ? {}
            : { MaxAgeInMinutes: request.reuseMaxAgeMinutes })
        }
      },
      QueryExecutionContext: {
        Database: request.database,
        Catalog: request.catalog
      },
      Status: status,
      Statistics: {
        EngineExecutionTimeInMillis: engine,
        DataScannedInBytes: execution.outcome?.bytesScanned ?? 0,
        TotalExecutionTimeInMillis: ended - execution.submitted,
        QueryQueueTimeInMillis: queued,
        ServicePreProcessingTimeInMillis: 0,
        QueryPlanningTimeInMillis: 0,
        ServiceProcessingTimeInMillis: 0,
        ResultReuseInformation: {
          ReusedPreviousResult: execution.reusedFrom !== null
        }
      },
      WorkGroup: request.workGroup,
      EngineVersion: {
        SelectedEngineVersion: 'AUTO',
        EffectiveEngineVersion: 'Athena engine version 3'
      }
    };
  }
}
