/**
 * Long operations of the bridge (push, pull, clone, publish) run as tasks:
 * the request that starts one answers 202 with its summary, the client
 * follows `GET /api/tasks/:id` and may cancel with `DELETE /api/tasks/:id`.
 */

export type TaskStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface TaskProgress {
  /** What is happening now, in words: "Uploading", "Counting objects". */
  phase: string;
  /** Units done and in all (null when not known yet). */
  done: number;
  total: number | null;
  unit: 'files' | 'bytes' | 'objects' | 'steps';
  /** Bytes moved so far, when the task moves bytes. */
  bytes?: number;
  totalBytes?: number | null;
}

export interface TaskSummary<Result = unknown> {
  id: string;
  kind: 'push' | 'pull' | 'clone' | 'publish';
  /** What it works on, as shown: "publish of abc1234". */
  title: string;
  status: TaskStatus;
  startedAt: string;
  finishedAt: string | null;
  progress: TaskProgress;
  /** On success: the operation's response (e.g. `PublishResponse`). */
  result: Result | null;
  /** On failure: the same shape as an error response's `error`. */
  error: { code: string; message: string } | null;
}

/** `POST` of a long operation answers 202 with this. */
export interface TaskStartedResponse {
  task: TaskSummary;
}
