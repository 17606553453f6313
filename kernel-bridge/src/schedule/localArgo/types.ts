/**
 * What the local Argo service's controllers share: node phases, Argo's
 * labels, the job runner's contract and the clock tests control.
 */
import { createHash } from 'node:crypto';
import type { Template } from './templates';

export type NodePhase =
  'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Omitted';

export const DONE: ReadonlySet<string> = new Set([
  'Succeeded',
  'Failed',
  'Error',
  'Omitted',
  'Skipped'
]);

export const LABEL_PHASE = 'workflows.argoproj.io/phase';
export const LABEL_COMPLETED = 'workflows.argoproj.io/completed';
export const LABEL_RESUBMITTED =
  'workflows.argoproj.io/resubmitted-from-workflow';

/** One container step to run: the template with every `{{…}}` resolved. */
export interface JobSpec {
  namespace: string;
  workflow: string;
  podName: string;
  template: Template;
  logFile: string;
}

export interface JobResult {
  exitCode: number | null;
  /** Why it ended, when it did not end by itself. */
  message?: string;
}

export interface JobHandle {
  done: Promise<JobResult>;
  /** Ends the process (SIGTERM, then SIGKILL after a grace period). */
  stop(): void;
}

export type JobRunner = (job: JobSpec) => JobHandle;

export interface Clock {
  now(): Date;
  setTimeout(callback: () => void, ms: number): { cancel(): void };
}

export const realClock: Clock = {
  now: () => new Date(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return {
      cancel: () => {
        clearTimeout(handle);
      }
    };
  }
};

/** Argo-like node id: the workflow's name for the root, else name + hash. */
export function nodeId(workflow: string, nodeName: string): string {
  if (nodeName === workflow) {
    return workflow;
  }
  const hash = createHash('sha256').update(nodeName).digest().readUInt32BE(0);
  return `${workflow}-${hash}`;
}
