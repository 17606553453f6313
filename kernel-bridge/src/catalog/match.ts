/**
 * Which registered tables a notebook's stages read or write: the locations
 * they name (with `${NAME}` filled from the bridge's environment, as Arc
 * fills it from the job's) matched against the catalog's table locations,
 * and qualified names matched against its tables. The resolved text never
 * leaves the bridge: answers name catalog tables only.
 */
import {
  ArcadeError,
  type DataRef,
  type Paged,
  type TableRef,
  type TableSummary
} from 'arcade-engine';
import type { Env } from '../config';

/** How long a location index is used before the catalog is read again. */
export const INDEX_TTL_MS = 30_000;
/** At most this many references in one request. */
export const MAX_REFS = 200;
const MAX_INDEXED_TABLES = 50_000;

/** `${NAME}` filled from `env`; null when a name is not set. */
export function resolveVars(text: string, env: Env): string | null {
  const pattern = /\$\{([A-Za-z_][A-Za-z0-9_.]*)\}/g;
  const names = [...text.matchAll(pattern)].map(m => m[1] ?? '');
  if (names.some(name => (env[name] ?? '') === '')) {
    return null;
  }
  const resolved = text.replace(pattern, (_, name: string) => env[name] ?? '');
  return resolved.includes('${') ? null : resolved;
}

/**
 * One spelling per location: `s3a://`/`s3n://` are `s3://`, `file:/x` and a
 * bare absolute path are `file:///x`, no trailing `/`, `%xx` decoded.
 */
export function normalLocation(uri: string): string | null {
  let text = uri.trim();
  if (text === '') {
    return null;
  }
  if (text.startsWith('/')) {
    text = `file://${text}`;
  }
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(text);
  if (match === null) {
    return null;
  }
  let scheme = (match[1] ?? '').toLowerCase();
  const rest = match[2] ?? '';
  if (scheme === 's3a' || scheme === 's3n') {
    scheme = 's3';
  }
  let authority = '';
  let where: string;
  if (scheme === 'file') {
    where = `/${rest.replace(/^\/*/, '')}`;
  } else if (rest.startsWith('//')) {
    const after = rest.slice(2);
    const slash = after.indexOf('/');
    authority = slash < 0 ? after : after.slice(0, slash);
    where = slash < 0 ? '' : after.slice(slash);
  } else {
    return null;
  }
  try {
    where = decodeURI(where);
  } catch {
    // Kept as written when it is not valid percent-encoding.
  }
  where = where.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return `${scheme}://${authority}${where}`;
}

/** Reads the catalog: databases, and the tables of one database, page by page. */
export interface CatalogLister {
  databases(nextToken?: string): Promise<Paged<{ name: string }>>;
  tables(database: string, nextToken?: string): Promise<Paged<TableSummary>>;
}

export interface LocationIndex {
  /** Normalised location → the table registered there. */
  locations: Map<string, TableRef>;
  /** `database.table` in lower case → the table as the catalog spells it. */
  names: Map<string, TableRef>;
}

/** Every table of the catalog with its location. */
export async function buildLocationIndex(
  lister: CatalogLister
): Promise<LocationIndex> {
  const index: LocationIndex = { locations: new Map(), names: new Map() };
  const databases: string[] = [];
  let token: string | undefined;
  do {
    const page = await lister.databases(token);
    databases.push(...page.items.map(d => d.name));
    token = page.nextToken ?? undefined;
  } while (token !== undefined);
  let count = 0;
  // A few databases at a time: Athena throttles metadata calls per account.
  const queue = [...databases];
  const worker = async (): Promise<void> => {
    for (
      let database = queue.shift();
      database !== undefined;
      database = queue.shift()
    ) {
      let next: string | undefined;
      do {
        const page = await lister.tables(database, next);
        for (const table of page.items) {
          const ref = { database, table: table.name };
          index.names.set(`${database}.${table.name}`.toLowerCase(), ref);
          const location =
            table.location === null ? null : normalLocation(table.location);
          if (location !== null && !index.locations.has(location)) {
            index.locations.set(location, ref);
          }
          count++;
        }
        next = page.nextToken ?? undefined;
      } while (next !== undefined && count < MAX_INDEXED_TABLES);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return index;
}

/** The table each reference names, or null. */
export function matchRefs(
  refs: readonly DataRef[],
  index: LocationIndex,
  env: Env
): (TableRef | null)[] {
  return refs.map(ref => {
    if (ref.kind === 'table') {
      return (
        index.names.get(`${ref.database}.${ref.table}`.toLowerCase()) ?? null
      );
    }
    const resolved = resolveVars(ref.text, env);
    const location = resolved === null ? null : normalLocation(resolved);
    return location === null ? null : (index.locations.get(location) ?? null);
  });
}

/** The references of a request body, checked. */
export function parseRefs(value: unknown): DataRef[] {
  if (!Array.isArray(value)) {
    throw new ArcadeError('bad_request', '"refs" must be a list');
  }
  if (value.length > MAX_REFS) {
    throw new ArcadeError(
      'bad_request',
      `at most ${MAX_REFS} references in one request, got ${value.length}`
    );
  }
  return value.map((item: unknown, i): DataRef => {
    const ref =
      typeof item === 'object' && item !== null
        ? (item as Record<string, unknown>)
        : {};
    const text = (key: string): string => {
      const v = ref[key];
      if (typeof v !== 'string' || v === '' || v.length > 2048) {
        throw new ArcadeError(
          'bad_request',
          `refs[${i}].${key} must be a string of 1 to 2048 characters`
        );
      }
      return v;
    };
    if (ref.kind === 'location') {
      return { kind: 'location', text: text('text') };
    }
    if (ref.kind === 'table') {
      return {
        kind: 'table',
        database: text('database'),
        table: text('table')
      };
    }
    throw new ArcadeError(
      'bad_request',
      `refs[${i}].kind must be "location" or "table"`
    );
  });
}

/** The index, read again when older than `ttlMs`; concurrent callers share one read. */
export class CachedLocationIndex {
  constructor(
    private readonly _lister: CatalogLister,
    private readonly _ttlMs = INDEX_TTL_MS,
    private readonly _now: () => number = Date.now
  ) {}

  get(): Promise<LocationIndex> {
    const cached = this._cached;
    if (cached !== null && this._now() - cached.at < this._ttlMs) {
      return cached.index;
    }
    const index = buildLocationIndex(this._lister);
    const entry = { at: this._now(), index };
    this._cached = entry;
    // A failed read is not kept: the next request tries again.
    index.catch(() => {
      if (this._cached === entry) {
        this._cached = null;
      }
    });
    return index;
  }

  /** Forget the index (after a crawl registered tables). */
  clear(): void {
    this._cached = null;
  }

  private _cached: { at: number; index: Promise<LocationIndex> } | null = null;
}
