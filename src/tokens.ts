import type {
  ConfigResponse,
  DataRef,
  GitLogEntry,
  GitStatusResponse,
  HealthResponse,
  TableRef
} from 'arcade-engine';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ServerConnection } from '@jupyterlab/services';
import { Token } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import type { ArcadeRequestError } from './request';
import type { IStagesState } from './stages/model';

/**
 * The client of the kernel-bridge behind `<baseUrl>arcade/`.
 */
export interface IArcadeBridge {
  /** The server settings of the app, with its token and XSRF handling. */
  readonly serverSettings: ServerConnection.ISettings;
  /**
   * Call the bridge at `<baseUrl>arcade/<endpoint>`.
   *
   * @returns the parsed JSON body; callers validate its shape.
   * @throws ArcadeRequestError
   */
  request(endpoint: string, init?: RequestInit): Promise<unknown>;
  /**
   * The project configuration (`GET api/config`), read once and kept: the
   * one reader of it, with one failure behaviour. When it cannot be read it
   * resolves to null after one warning notification (naming the reason) per
   * run of failures, and is read again on the next call; callers then use
   * the defaults (`DEFAULT_ENVIRONMENTS` of `arcade-engine/core`).
   */
  config(): Promise<ConfigResponse | null>;
}

export const IArcadeBridge = new Token<IArcadeBridge>(
  'jupyterlab-arcade:IArcadeBridge',
  'The client of the Arcade kernel-bridge: authenticated requests and the project configuration.'
);

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
 * The stages of one open Arc notebook: compiled and linted as it is edited.
 */
export interface INotebookStages extends IDisposable {
  readonly panel: NotebookPanel;
  /** The answer for the latest content. */
  readonly state: IStagesState;
  /** Emitted after each compile and lint, once headers and underlines show it. */
  readonly rendered: ISignal<INotebookStages, IStagesState>;
  /** Compile and lint now, without waiting for the debounce. */
  refresh(): Promise<IStagesState>;
}

/**
 * The stages of every open notebook.
 */
export interface IArcadeStages {
  /** The stages of a notebook panel; null for a panel that is not tracked. */
  get(panel: NotebookPanel): INotebookStages | null;
  /** The stages of the current notebook, if it is an Arc notebook. */
  readonly current: INotebookStages | null;
  /** Emitted when the current notebook changes or becomes (or stops being) an Arc notebook. */
  readonly currentChanged: ISignal<IArcadeStages, INotebookStages | null>;
  /** Emitted after any notebook's stages were compiled and linted again. */
  readonly rendered: ISignal<IArcadeStages, INotebookStages>;
}

export const IArcadeStages = new Token<IArcadeStages>(
  'jupyterlab-arcade:IArcadeStages',
  'The compiled stages and lint diagnostics of each open Arc notebook.'
);

/**
 * The workspace repository as the Git panel shows it.
 */
export interface IArcadeGitModel extends IDisposable {
  readonly status: GitStatusResponse | null;
  readonly history: GitLogEntry[];
  readonly error: ArcadeRequestError | null;
  readonly busy: boolean;
  /** The workspace folder followed; status names its repository's root. */
  readonly repo: string;
  readonly changed: ISignal<IArcadeGitModel, void>;
  /** Read status and history now. */
  refresh(): Promise<void>;
}

export const IArcadeGitModel = new Token<IArcadeGitModel>(
  'jupyterlab-arcade:IArcadeGitModel',
  'The git status and history of the workspace repository, refreshed on save and focus.'
);

/**
 * Command ids registered by Arcade.
 */
/**
 * The catalog (Athena, Glue) as other slices use it: which registered tables
 * a stage's data references name, and a preview of one.
 */
export interface IArcadeCatalog {
  /** One answer per reference, in order: the registered table, or null. */
  match(refs: readonly DataRef[]): Promise<(TableRef | null)[]>;
  /** Opens a preview of the table; `ref` is the id of a widget to attach it below. */
  preview(table: TableRef, ref?: string): Promise<void>;
}

export const IArcadeCatalog = new Token<IArcadeCatalog>(
  'jupyterlab-arcade:IArcadeCatalog',
  'Matches stage data to catalog tables and opens table previews.'
);

export namespace CommandIDs {
  export const checkConnection = 'arcade:check-connection';
  export const runAsJob = 'arcade:run-as-job';
  export const showRun = 'arcade:show-run';
  export const addSqlStage = 'arcade:add-sql-stage';
  export const addStage = 'arcade:add-stage';
  export const showCompiledJob = 'arcade:show-compiled-job';
  export const lintNotebook = 'arcade:lint-notebook';
  export const showProblems = 'arcade:show-problems';
  export const showLineage = 'arcade:show-lineage';
  export const editStageOptions = 'arcade:edit-stage-options';
  export const openGitPanel = 'arcade:git-open-panel';
  export const gitRefresh = 'arcade:git-refresh';
  export const gitCommit = 'arcade:git-commit';
  export const gitPush = 'arcade:git-push';
  export const gitPull = 'arcade:git-pull';
  export const gitDiscard = 'arcade:git-discard';
  export const gitNewBranch = 'arcade:git-new-branch';
  export const gitSwitchBranch = 'arcade:git-switch-branch';
  export const gitOpenDiff = 'arcade:git-open-diff';
  export const gitClone = 'arcade:git-clone';
  export const publish = 'arcade:publish';
  export const commitAndPublish = 'arcade:commit-and-publish';
  export const showVersions = 'arcade:show-versions';
  export const setCurrentVersion = 'arcade:set-current-version';
  export const scheduleNotebook = 'arcade:schedule-notebook';
  export const showArgoRuns = 'arcade:show-argo-runs';
  export const showData = 'arcade:show-data';
  export const refreshData = 'arcade:refresh-data';
  export const previewTable = 'arcade:preview-table';
  export const tableDetails = 'arcade:table-details';
  export const queryInNotebook = 'arcade:query-in-notebook';
}
