import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Poll } from '@lumino/polling';
import type { ErrorCode, TaskSummary } from 'arcade-engine';
import { describeProgress } from './progress';
import { ArcadeRequestError, isRecord, unexpectedBody } from '../request';
import type { IArcadeBridge } from '../tokens';

export function isTaskSummary(value: unknown): value is TaskSummary {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.status === 'string' &&
    isRecord(value.progress)
  );
}

/** Starts a long operation: the bridge answers 202 with its task. */
export async function startTask(
  bridge: IArcadeBridge,
  endpoint: string,
  body: unknown
): Promise<TaskSummary> {
  const answer = await bridge.request(endpoint, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' }
  });
  if (!isRecord(answer) || !isTaskSummary(answer.task)) {
    throw unexpectedBody(`POST ${endpoint}`);
  }
  return answer.task;
}

export async function cancelTask(
  bridge: IArcadeBridge,
  id: string
): Promise<void> {
  await bridge.request(`api/tasks/${encodeURIComponent(id)}`, {
    method: 'DELETE'
  });
}

/**
 * Follows a task until it ends, reporting each progress update.
 * Resolves with its final summary (succeeded, failed or cancelled).
 */
export async function followTask(
  bridge: IArcadeBridge,
  task: TaskSummary,
  onProgress: (task: TaskSummary) => void = () => undefined,
  interval = 250
): Promise<TaskSummary> {
  let latest = task;
  if (latest.status !== 'running') {
    return latest;
  }
  const poll = new Poll({
    auto: false,
    factory: async () => {
      const body = await bridge.request(
        `api/tasks/${encodeURIComponent(task.id)}`
      );
      if (!isTaskSummary(body)) {
        throw unexpectedBody('api/tasks/…');
      }
      latest = body;
      onProgress(latest);
      if (latest.status !== 'running') {
        poll.dispose();
      }
    },
    frequency: { interval, backoff: true, max: 5 * interval },
    standby: 'never',
    name: `arcade:task:${task.id}`
  });
  await new Promise<void>(resolve => {
    poll.disposed.connect(() => {
      resolve();
    });
    void poll.start();
  });
  return latest;
}

/** The error of a failed task, as the bridge described it. */
export function taskError(task: TaskSummary): ArcadeRequestError {
  return new ArcadeRequestError({
    kind: 'http',
    status: 200,
    code: (task.error?.code ?? 'internal') as ErrorCode,
    message: task.error?.message ?? 'the operation failed'
  });
}

/** Progress shows only after this long; a task done sooner shows just its outcome. */
const PROGRESS_DELAY_MS = 500;
/**
 * A toast is drawn a moment after it is emitted, and JupyterLab drops an
 * update that arrives before that (it then tries to create the toast again
 * under the same id, which the toast library ignores): the outcome waits
 * until the progress toast has been up this long.
 */
const SETTLE_MS = 800;

/** The progress notification of a task: emitted late, updated, then finished once. */
class ProgressNotice {
  readonly #started = Date.now();
  #id: string | null = null;
  #shownAt = 0;

  show(message: string, cancel: Notification.IAction): void {
    if (this.#id === null) {
      if (Date.now() - this.#started < PROGRESS_DELAY_MS) {
        return;
      }
      this.#id = Notification.emit(message, 'in-progress', {
        autoClose: false,
        actions: [cancel]
      });
      this.#shownAt = Date.now();
      return;
    }
    if (Date.now() - this.#shownAt < SETTLE_MS) {
      return;
    }
    Notification.update({
      id: this.#id,
      message,
      type: 'in-progress',
      autoClose: false,
      actions: [cancel]
    });
  }

  async finish(outcome: {
    message: string;
    type: Notification.TypeOptions;
    autoClose: number | false;
    actions: Notification.IAction[];
  }): Promise<void> {
    if (this.#id === null) {
      Notification.emit(outcome.message, outcome.type, {
        autoClose: outcome.autoClose,
        actions: outcome.actions
      });
      return;
    }
    const wait = this.#shownAt + SETTLE_MS - Date.now();
    if (wait > 0) {
      await new Promise(resolve => setTimeout(resolve, wait));
    }
    Notification.update({ id: this.#id, ...outcome });
  }
}

/**
 * Runs a task with a JupyterLab notification: progress while it runs, a
 * Cancel action, then the outcome. Resolves with the final summary.
 */
export async function runTaskWithProgress(
  bridge: IArcadeBridge,
  start: () => Promise<TaskSummary>,
  options: {
    trans: TranslationBundle;
    title: string;
    success: (task: TaskSummary) => string;
    failure?: (task: TaskSummary) => string;
    actions?: Notification.IAction[];
    /** Actions on the failure notification, e.g. Retry or "Show cell". */
    failureActions?: (task: TaskSummary) => Notification.IAction[];
  }
): Promise<TaskSummary> {
  const { trans, title } = options;
  const task = await start();
  const cancel: Notification.IAction = {
    label: trans.__('Cancel'),
    caption: trans.__('Stop it; nothing half-done is kept'),
    callback: event => {
      event.preventDefault();
      void cancelTask(bridge, task.id);
    }
  };
  // A quick task shows only its outcome; a slower one shows progress first.
  const progress = new ProgressNotice();
  const final = await followTask(bridge, task, latest => {
    if (latest.status === 'running') {
      progress.show(
        `${title} — ${describeProgress(latest.progress, trans)}`,
        cancel
      );
    }
  });
  const failed = final.status !== 'succeeded';
  await progress.finish({
    message: failed
      ? (options.failure?.(final) ??
        (final.status === 'cancelled'
          ? trans.__('%1: cancelled', title)
          : trans.__('%1 failed: %2', title, final.error?.message ?? '')))
      : options.success(final),
    type: failed
      ? final.status === 'cancelled'
        ? 'warning'
        : 'error'
      : 'success',
    autoClose: failed ? false : 6000,
    actions: failed
      ? (options.failureActions?.(final) ?? [])
      : (options.actions ?? [])
  });
  return final;
}
