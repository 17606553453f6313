import {
  ArcadeError,
  isRecord,
  type CurrentPointer,
  type Manifest,
  type SetCurrentResponse,
  type VersionInfo,
  type VersionsResponse
} from 'arcade-engine';
import { currentKey, manifestKey, versionsPrefix, type Layout } from './keys';
import type { ArtifactStore } from './store';

export function short(commit: string): string {
  return commit.slice(0, 7);
}

export function isPointer(value: unknown): value is CurrentPointer {
  return (
    isRecord(value) &&
    typeof value.version === 'string' &&
    typeof value.commit === 'string'
  );
}

export function isManifest(value: unknown): value is Manifest {
  return (
    isRecord(value) &&
    value.schemaVersion === 1 &&
    typeof value.version === 'string' &&
    Array.isArray(value.files)
  );
}

function conflict(version: string | null, pointer: unknown): ArcadeError {
  const who = isPointer(pointer)
    ? ` (by ${pointer.updatedBy} at ${pointer.updatedAt})`
    : '';
  return new ArcadeError(
    'conflict',
    `someone published ${version === null ? 'another version' : short(version)} meanwhile${who}; current was not changed`,
    {
      hint: 'your version is complete: publish again (or roll forward to it) to make it current'
    }
  );
}

/**
 * Points current.json at `version` with a conditional write: If-Match on
 * the ETag read (If-None-Match when there is none), so a concurrent
 * publisher's move is never overwritten silently. With `expected`, the
 * move also fails unless current still names that version.
 */
export async function moveCurrent(
  store: ArtifactStore,
  layout: Layout,
  version: string,
  options: { user: string; expected?: string | null }
): Promise<SetCurrentResponse> {
  const key = currentKey(layout);
  const now = await store.getJson(key);
  const previous =
    now !== null && isPointer(now.value) ? now.value.version : null;
  if (options.expected !== undefined && options.expected !== previous) {
    throw conflict(previous, now?.value);
  }
  if (previous === version) {
    return { current: version, previous };
  }
  const pointer: CurrentPointer = {
    version,
    commit: version,
    updatedAt: new Date().toISOString(),
    updatedBy: options.user,
    previous
  };
  try {
    await store.put(
      key,
      new TextEncoder().encode(`${JSON.stringify(pointer, null, 2)}\n`),
      {
        contentType: 'application/json',
        ...(now === null ? { ifNoneMatch: true } : { ifMatch: now.etag })
      }
    );
  } catch (error) {
    if (error instanceof ArcadeError && error.code === 'conflict') {
      const after = await store.getJson(key);
      // Our own write, whose answer was lost and whose retry then failed the condition.
      if (
        after !== null &&
        isPointer(after.value) &&
        after.value.version === version &&
        after.value.updatedAt === pointer.updatedAt
      ) {
        return { current: version, previous };
      }
      throw conflict(
        after !== null && isPointer(after.value) ? after.value.version : null,
        after?.value
      );
    }
    throw error;
  }
  return { current: version, previous };
}

function info(m: Manifest, current: string | null): VersionInfo {
  return {
    version: m.version,
    commit: m.commit,
    author: m.author.name,
    time: m.time,
    publishedAt: m.publishedAt,
    message: m.message,
    branch: m.branch,
    lint: m.lint,
    files: m.files.length,
    bytes: m.files.reduce((sum, f) => sum + f.size, 0),
    current: m.version === current
  };
}

/** The complete versions (those with a manifest), newest first, and which is current. */
export async function listVersions(
  store: ArtifactStore,
  layout: Layout
): Promise<VersionsResponse> {
  const [names, pointer] = await Promise.all([
    store.folders(versionsPrefix(layout)),
    store.getJson(currentKey(layout))
  ]);
  const current =
    pointer !== null && isPointer(pointer.value) ? pointer.value.version : null;
  const manifests = await Promise.all(
    names
      .filter(name => /^[0-9a-f]{40}$/.test(name))
      .map(name => store.getJson(manifestKey(layout, name)))
  );
  const versions = manifests
    .map(found => found?.value)
    .filter(isManifest)
    .map(m => info(m, current))
    .sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : -1));
  return {
    project: layout.project,
    location: store.location(versionsPrefix(layout)),
    current,
    versions
  };
}
