import { ArcadeError, type ManifestFile } from 'arcade-engine';
import picomatch from 'picomatch';
import { hasControl } from '../gitRemote';

/** S3's limit on a key's UTF-8 length. */
export const MAX_KEY_BYTES = 1024;

/** Where a project's published versions live. */
export interface Layout {
  bucket: string;
  /** Key prefix without slashes at either end; may be empty. */
  prefix: string;
  project: string;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A prefix or project name: `/`-separated segments of letters, digits, `.`, `_`, `-`. */
export function checkLayoutName(
  value: string,
  name: string,
  allowEmpty: boolean
): string {
  const trimmed = value.replace(/^\/+|\/+$/g, '');
  if (trimmed === '' && allowEmpty) {
    return '';
  }
  const segments = trimmed.split('/');
  if (
    !segments.every(segment => SEGMENT.test(segment) && !/^\.+$/.test(segment))
  ) {
    throw new ArcadeError(
      'config',
      `${name} is not a valid S3 key part: ${JSON.stringify(value)}`,
      {
        hint: `use letters, digits, ".", "_" and "-"${name.includes('PREFIX') ? ', segments separated by "/"' : ''}`
      }
    );
  }
  return trimmed;
}

function base(layout: Layout): string {
  return layout.prefix === ''
    ? layout.project
    : `${layout.prefix}/${layout.project}`;
}

export function versionsPrefix(layout: Layout): string {
  return `${base(layout)}/versions/`;
}

export function currentKey(layout: Layout): string {
  return `${base(layout)}/current.json`;
}

export function versionPrefix(layout: Layout, version: string): string {
  if (!/^[0-9a-f]{40}$/.test(version)) {
    throw new ArcadeError(
      'bad_request',
      `not a version (a full commit SHA): ${JSON.stringify(version)}`
    );
  }
  return `${versionsPrefix(layout)}${version}/`;
}

export function manifestKey(layout: Layout, version: string): string {
  return `${versionPrefix(layout, version)}manifest.json`;
}

/**
 * The S3 key of a repository file in a version. Only repository-relative
 * paths become keys: absolute paths, `.`/`..` segments, empty segments,
 * backslashes, control characters and over-long keys are refused.
 */
export function objectKey(
  layout: Layout,
  version: string,
  file: string
): string {
  const segments = file.split('/');
  if (
    file === '' ||
    file.startsWith('/') ||
    file.includes('\\') ||
    hasControl(file) ||
    segments.some(
      segment => segment === '' || segment === '.' || segment === '..'
    )
  ) {
    throw new ArcadeError(
      'bad_request',
      `refused to publish ${JSON.stringify(file)}: not a plain repository-relative path`,
      {
        hint: 'rename the file; published paths must be relative, without "." or ".." parts or control characters'
      }
    );
  }
  const key = `${versionPrefix(layout, version)}${file}`;
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new ArcadeError(
      'bad_request',
      `refused to publish ${file}: its S3 key would be longer than ${MAX_KEY_BYTES} bytes`,
      {
        hint: 'shorten the path, the project name or ARCADE_ARTIFACT_PREFIX'
      }
    );
  }
  return key;
}

/** Where a notebook's compiled job goes inside the version. */
export function jobPath(notebook: string): string {
  return `.arcade/jobs/${notebook.replace(/\.ipynb$/, '')}.json`;
}

/** What the assets globs select by default: notebooks, SQL, JSON schemas, HOCON/conf files and schedules. */
export const DEFAULT_ASSET_GLOBS = [
  '**/*.ipynb',
  '**/*.sql',
  '**/*.json',
  '**/*.conf',
  'schedules/*.yaml'
];

/** A predicate over repository paths from comma-separated globs (picomatch syntax). */
export function assetMatcher(
  globs: readonly string[]
): (file: string) => boolean {
  const matchers = globs.map(glob => picomatch(glob, { dot: false }));
  return file =>
    !file.startsWith('.arcade/') && matchers.some(match => match(file));
}

export function kindOf(file: string): ManifestFile['kind'] {
  if (file.startsWith('.arcade/jobs/')) {
    return 'job';
  }
  if (file.endsWith('.ipynb')) {
    return 'notebook';
  }
  if (file.endsWith('.sql')) {
    return 'sql';
  }
  if (file.endsWith('.json')) {
    return 'schema';
  }
  return 'asset';
}
