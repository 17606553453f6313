/**
 * Published versions on S3 and the bridge's publish API (`/api/publish`,
 * `/api/versions`). Layout: `<prefix>/<project>/versions/<commit>/…` with
 * `manifest.json` written last, and `<prefix>/<project>/current.json`.
 */

export interface ManifestFile {
  /** Path in the repository (and under the version's prefix). */
  path: string;
  size: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
  /** `notebook`, `sql`, `schema`, `job` (compiled from a notebook) or `asset`. */
  kind: 'notebook' | 'sql' | 'schema' | 'job' | 'asset';
}

export interface LintSummary {
  notebooks: number;
  errors: number;
  warnings: number;
  /** The environments the notebooks were linted for. */
  environments: string[];
}

/** `versions/<commit>/manifest.json`: its presence makes a version complete. */
export interface Manifest {
  schemaVersion: 1;
  project: string;
  /** The version's name: the full commit SHA. */
  version: string;
  commit: string;
  parent: string | null;
  author: { name: string; email: string };
  /** The commit's time (ISO). */
  time: string;
  message: string;
  branch: string | null;
  /** The remote without credentials, or null. */
  remote: string | null;
  publishedAt: string;
  publishedBy: string;
  lint: LintSummary;
  files: ManifestFile[];
}

/** `<project>/current.json` */
export interface CurrentPointer {
  version: string;
  commit: string;
  updatedAt: string;
  updatedBy: string;
  /** The version it pointed at before, or null for the first publish. */
  previous: string | null;
}

/** `POST /api/publish` (a task), `arcade publish`. */
export interface PublishRequest {
  repo?: string;
  /** Commit or branch; HEAD when absent. */
  ref?: string;
  /** Push the branch first when the commit is not on the remote yet. */
  push?: boolean;
  dryRun?: boolean;
}

/** The result of a publish, as `arcade publish --json` prints it. */
export interface PublishResponse {
  version: string;
  commit: string;
  uploadedFiles: number;
  uploadedBytes: number;
  skippedFiles: number;
  /** True when current.json now names this version. */
  current: boolean;
  /** `s3://bucket/prefix/project/versions/<commit>/` */
  location: string;
  /** False on a dry run: nothing was sent. */
  published: boolean;
  files: ManifestFile[];
  lint: LintSummary;
}

/** A complete version, as the versions view and `arcade versions --json` show it. */
export interface VersionInfo {
  version: string;
  commit: string;
  author: string;
  time: string;
  publishedAt: string;
  message: string;
  branch: string | null;
  lint: LintSummary;
  files: number;
  bytes: number;
  current: boolean;
}

/** `GET /api/versions` */
export interface VersionsResponse {
  project: string;
  location: string;
  current: string | null;
  versions: VersionInfo[];
}

/** `POST /api/versions/current`: point current.json at another complete version. */
export interface SetCurrentRequest {
  version: string;
  /** The version the client saw as current; the move fails if it changed meanwhile. */
  expected?: string | null;
}

export interface SetCurrentResponse {
  current: string;
  previous: string | null;
}

/** A publish refused because a notebook has lint errors: where each one is. */
export interface PublishProblem {
  file: string;
  /** Cell index from 0, or null for the whole notebook. */
  cell: number | null;
  line: number;
  code: string;
  message: string;
}
