/**
 * Request and response types of the bridge's git API (`/api/git/…`), used by
 * the bridge's routes and CLI and by the frontend's Git panel.
 */

/** How a file differs between HEAD and the index (what a commit would record). */
export type StagedChange = 'added' | 'modified' | 'deleted';

/** How a file in the working tree differs from the index. */
export type UnstagedChange = 'modified' | 'deleted' | 'untracked';

export interface GitFileStatus {
  /** Path relative to the repository root, with `/` separators. */
  path: string;
  staged: StagedChange | null;
  unstaged: UnstagedChange | null;
  /** Unmerged in the index (a merge made with another tool stopped here). */
  conflicted: boolean;
}

/** `GET /api/git/status?repo=…` */
export interface GitStatusResponse {
  /** The repository root, relative to the workspace (`.` for the workspace itself). */
  repo: string;
  /** The current branch, or null on a detached HEAD. */
  branch: string | null;
  /** HEAD's commit, or null before the first commit. */
  head: string | null;
  /** The remote `origin` without credentials, or null when there is none. */
  remote: string | null;
  /** Commits on the branch not on its remote-tracking branch, and the reverse; null without one. */
  ahead: number | null;
  behind: number | null;
  files: GitFileStatus[];
}

/** `POST /api/git/stage`, `/unstage`, `/discard`: whole files. */
export interface GitPathsRequest {
  repo?: string;
  paths: string[];
}

/** `POST /api/git/commit` */
export interface GitCommitRequest {
  repo?: string;
  message: string;
  /** Stage every tracked change first (like `git commit -a`). */
  all?: boolean;
}

export interface GitCommitResponse {
  commit: string;
  branch: string | null;
  author: GitPerson;
}

export interface GitPerson {
  name: string;
  email: string;
}

/** `POST /api/git/push`, `/pull` */
export interface GitRemoteRequest {
  repo?: string;
}

export interface GitPushResponse {
  branch: string;
  /** The remote branch's commit after the push. */
  commit: string;
  /** False when the remote already had the commit. */
  updated: boolean;
}

export interface GitPullResponse {
  branch: string;
  /** HEAD before and after; equal when there was nothing to pull. */
  from: string | null;
  to: string | null;
  /** Files the fast-forward changed in the working tree. */
  changedFiles: number;
}

/** `GET /api/git/branches` */
export interface GitBranchesResponse {
  current: string | null;
  local: string[];
  /** `origin/<name>` branches known from the last fetch. */
  remote: string[];
}

/** `POST /api/git/branches`: create (and optionally switch to) a branch. */
export interface GitCreateBranchRequest {
  repo?: string;
  name: string;
  /** Start point; HEAD when absent. */
  from?: string;
  checkout?: boolean;
}

/** `POST /api/git/checkout` */
export interface GitCheckoutRequest {
  repo?: string;
  branch: string;
}

export interface GitCommitFile {
  path: string;
  change: StagedChange;
}

export interface GitLogEntry {
  commit: string;
  parents: string[];
  author: GitPerson;
  /** ISO time of the commit. */
  time: string;
  message: string;
  files: GitCommitFile[];
}

/** `GET /api/git/log?repo=…&limit=N&ref=…` */
export interface GitLogResponse {
  entries: GitLogEntry[];
}

/** `POST /api/git/clone`: clone a remote into a new folder of the workspace. */
export interface GitCloneRequest {
  url: string;
  /** Folder relative to the workspace; from the URL when absent. */
  directory?: string;
  branch?: string;
}

export interface GitCloneResponse {
  repo: string;
  branch: string | null;
  head: string | null;
}

/** `GET /api/git/file?repo=…&path=…&ref=…`: a file's text at a commit (or the working tree when ref is absent). */
export interface GitFileResponse {
  path: string;
  ref: string | null;
  /** Null when the file does not exist there. */
  text: string | null;
}

/** `GET /api/git/changes?repo=…&from=…&to=…`: files that differ between two commits. */
export interface GitChangesResponse {
  from: string;
  to: string;
  files: GitCommitFile[];
}
