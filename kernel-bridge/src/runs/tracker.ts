import type {
  JobFinishedEvent,
  RunEvent,
  RunStage,
  RunStatus,
  StageFailedEvent
} from 'arcade-engine';
import type { ArcFailure, ArcLogRecord, ArcStageDetail } from './arcLog';
import { formatDuration } from './format';
import type { CellLocator } from './stageCells';

/** An event before it gets its sequence number and time. */
type NewEvent = RunEvent extends infer E
  ? E extends RunEvent
    ? Omit<E, 'seq' | 'at'>
    : never
  : never;

/** How the JVM ended, as the process reports it. */
export interface ProcessEnd {
  exitCode: number | null;
  signal: string | null;
  /** The user asked to cancel the run. */
  cancelled: boolean;
  /** The run was stopped for running longer than this (ms), or null. */
  timedOutAfterMs: number | null;
  /** Last lines of output, used only when Arc did not log its own exit. */
  outputTail: string[];
  durationMs: number;
}

/**
 * Turns Arc's log records of one run into run events: numbers the stages,
 * finds their cells, and attributes a failure to the stage that was running.
 * Pure: time comes from `now`.
 */
export class RunTracker {
  constructor(
    private readonly cells: CellLocator,
    private readonly now: () => Date = () => new Date()
  ) {}

  get events(): readonly RunEvent[] {
    return this._events;
  }

  get status(): RunStatus {
    return this._status;
  }

  get exitCode(): number | null {
    return this._exitCode;
  }

  /** Events after sequence number `after`. */
  eventsAfter(after: number): RunEvent[] {
    return this._events.filter(event => event.seq > after);
  }

  /** Takes one Arc record; returns the events it produced. */
  accept(record: ArcLogRecord): RunEvent[] {
    if (this._status !== 'running') {
      return [];
    }
    switch (record.kind) {
      case 'stage-enter': {
        const stage = this.stageOf(record.stage);
        this.current = stage;
        return [this.emit({ type: 'stage-started', stage })];
      }
      case 'stage-exit': {
        const stage = this.current ?? this.stageOf(record.stage);
        this.current = null;
        return [
          this.emit({
            type: 'stage-finished',
            stage,
            durationMs: record.durationMs,
            records: record.stage.records,
            outputColumns: record.stage.outputColumns
          })
        ];
      }
      case 'job-exit': {
        this.arcStatus = record.status;
        this.arcDurationMs = record.durationMs;
        return record.failure === null ? [] : this.failed(record.failure);
      }
    }
  }

  /** The JVM is gone: the run ends, whatever Arc logged. */
  processEnded(end: ProcessEnd): RunEvent[] {
    if (this._status !== 'running') {
      return [];
    }
    const events: RunEvent[] = [];
    const status: JobFinishedEvent['status'] = end.cancelled
      ? 'cancelled'
      : end.exitCode === 0 && this.arcStatus !== 'failure'
        ? 'succeeded'
        : 'failed';
    if (end.timedOutAfterMs !== null) {
      events.push(
        this.emit({
          type: 'stage-failed',
          stage: this.current,
          reasons: [
            `the run was stopped after ${formatDuration(end.timedOutAfterMs)}, the longest a run may take (ARCADE_RUN_MAX_MINUTES)`
          ]
        })
      );
    } else if (status === 'failed' && this.arcStatus === null) {
      events.push(
        this.emit({
          type: 'stage-failed',
          stage: this.current,
          reasons: [
            end.signal === null
              ? `Arc ended with exit code ${end.exitCode ?? '?'} without reporting why`
              : `Arc was ended by ${end.signal}`
          ]
        })
      );
    }
    events.push(
      this.emit({
        type: 'job-finished',
        status,
        exitCode: end.exitCode,
        durationMs: this.arcDurationMs ?? end.durationMs,
        outputTail:
          this.arcStatus === null && !end.cancelled ? end.outputTail : []
      })
    );
    this._status = status;
    this._exitCode = end.exitCode;
    this.current = null;
    return events;
  }

  private failed(failure: ArcFailure): RunEvent[] {
    switch (failure.kind) {
      case 'stage':
        return [
          this.failure(
            this.current ?? this.stageOf(failure.stage),
            failure.messages
          )
        ];
      case 'exception':
        return [this.failure(this.current, failure.messages)];
      case 'config':
        return failure.errors.map(error =>
          error.stageIndex === null
            ? this.failure(
                null,
                error.messages.map(message => `${error.stage}: ${message}`)
              )
            : this.failure(
                {
                  index: error.stageIndex,
                  name: error.stage,
                  type: 'unknown',
                  cellIndex: this.cells.byStageIndex(error.stageIndex)
                },
                error.messages
              )
        );
    }
  }

  private failure(stage: RunStage | null, reasons: string[]): StageFailedEvent {
    return this.emit({
      type: 'stage-failed',
      stage,
      reasons: reasons.length > 0 ? reasons : ['Arc reported a failure']
    });
  }

  private stageOf(detail: ArcStageDetail): RunStage {
    return {
      index: this.started++,
      name: detail.name,
      type: detail.type,
      cellIndex: this.cells.nextStarted(detail.name)
    };
  }

  private emit<E extends NewEvent>(event: E): E & { seq: number; at: string } {
    const full = {
      ...event,
      seq: this._events.length + 1,
      at: this.now().toISOString()
    };
    this._events.push(full);
    return full;
  }

  private _events: RunEvent[] = [];
  private _status: RunStatus = 'running';
  private _exitCode: number | null = null;
  private current: RunStage | null = null;
  private started = 0;
  private arcStatus: 'success' | 'failure' | null = null;
  private arcDurationMs: number | null = null;
}
