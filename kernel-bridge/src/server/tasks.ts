import {
  ArcadeError,
  toArcadeError,
  type TaskProgress,
  type TaskSummary
} from 'arcade-engine';
import { randomUUID } from 'node:crypto';

export interface TaskContext {
  signal: AbortSignal;
  progress: (update: Partial<TaskProgress>) => void;
}

/** Finished tasks kept for clients to read their outcome. */
const KEEP_FINISHED = 50;

class Task {
  readonly summary: TaskSummary;
  readonly controller = new AbortController();
  readonly done: Promise<void>;

  constructor(
    kind: TaskSummary['kind'],
    title: string,
    work: (ctx: TaskContext) => Promise<unknown>,
    onError: (error: ArcadeError) => void
  ) {
    this.summary = {
      id: randomUUID(),
      kind,
      title,
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      progress: { phase: 'Starting', done: 0, total: null, unit: 'steps' },
      result: null,
      error: null
    };
    const ctx: TaskContext = {
      signal: this.controller.signal,
      progress: update => {
        Object.assign(this.summary.progress, update);
      }
    };
    this.done = work(ctx).then(
      result => {
        this.summary.result = result;
        this.finish('succeeded');
      },
      (error: unknown) => {
        const arcadeError = toArcadeError(error);
        const cancelled =
          arcadeError.code === 'cancelled' || this.controller.signal.aborted;
        this.finish(cancelled ? 'cancelled' : 'failed');
        this.summary.error = arcadeError.toResponse().error;
        if (arcadeError.code === 'internal') {
          onError(arcadeError);
        }
      }
    );
  }

  private finish(status: TaskSummary['status']): void {
    this.summary.status = status;
    this.summary.finishedAt = new Date().toISOString();
  }
}

/** The bridge's running and recently finished tasks. */
export class TaskTracker {
  readonly #tasks = new Map<string, Task>();
  readonly #onError: (error: ArcadeError) => void;

  constructor(onError: (error: ArcadeError) => void = () => undefined) {
    this.#onError = onError;
  }

  start(
    kind: TaskSummary['kind'],
    title: string,
    work: (ctx: TaskContext) => Promise<unknown>
  ): TaskSummary {
    const task = new Task(kind, title, work, this.#onError);
    this.#tasks.set(task.summary.id, task);
    this.#prune();
    return task.summary;
  }

  get(id: string): TaskSummary {
    const task = this.#tasks.get(id);
    if (task === undefined) {
      throw new ArcadeError('not_found', `no task ${id}`, {
        hint: 'finished tasks are forgotten after a while or when the bridge restarts'
      });
    }
    return task.summary;
  }

  cancel(id: string): TaskSummary {
    const task = this.#tasks.get(id);
    if (task === undefined) {
      return this.get(id);
    }
    task.controller.abort();
    return task.summary;
  }

  /** Cancels every running task and waits for them to end. */
  async close(): Promise<void> {
    const running = [...this.#tasks.values()].filter(
      t => t.summary.status === 'running'
    );
    for (const task of running) {
      task.controller.abort();
    }
    await Promise.all(running.map(task => task.done));
  }

  #prune(): void {
    const finished = [...this.#tasks.values()].filter(
      t => t.summary.status !== 'running'
    );
    for (const task of finished.slice(
      0,
      Math.max(0, finished.length - KEEP_FINISHED)
    )) {
      this.#tasks.delete(task.summary.id);
    }
  }
}
