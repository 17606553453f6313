import type { HealthResponse } from 'arcade-kernel-bridge';
import { Token } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import type { ArcadeRequestError } from './request';

/**
 * What the frontend knows about its connection to the kernel-bridge.
 */
export type ArcadeStatus =
  | {
      readonly state: 'checking';
    }
  | {
      readonly state: 'connected';
      readonly health: HealthResponse;
      readonly checkedAt: Date;
    }
  | {
      readonly state: 'error';
      readonly error: ArcadeRequestError;
      readonly checkedAt: Date;
      /** Milliseconds until the next automatic check. */
      readonly retryIn: number;
    };

/**
 * The live connection state of the kernel-bridge, polled with backoff.
 */
export interface IArcadeStatusModel extends IDisposable {
  readonly status: ArcadeStatus;
  readonly changed: ISignal<IArcadeStatusModel, ArcadeStatus>;
  /**
   * Check the bridge now instead of waiting for the next scheduled check.
   */
  refresh(): Promise<void>;
}

export const IArcadeStatusModel = new Token<IArcadeStatusModel>(
  'jupyterlab-arcade:IArcadeStatusModel',
  'The connection state of the Arcade kernel-bridge, for plugins that need the bridge before they call it.'
);

/**
 * Command ids registered by Arcade.
 */
export namespace CommandIDs {
  export const checkConnection = 'arcade:check-connection';
  export const runAsJob = 'arcade:run-as-job';
  export const addSqlStage = 'arcade:add-sql-stage';
  export const addStage = 'arcade:add-stage';
  export const showCompiledJob = 'arcade:show-compiled-job';
  export const lintNotebook = 'arcade:lint-notebook';
  export const showProblems = 'arcade:show-problems';
  export const showLineage = 'arcade:show-lineage';
  export const editStageOptions = 'arcade:edit-stage-options';
}
