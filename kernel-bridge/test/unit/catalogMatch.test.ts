import type { Paged, TableSummary } from 'arcade-engine';
import {
  buildLocationIndex,
  CachedLocationIndex,
  matchRefs,
  normalLocation,
  parseRefs,
  resolveVars,
  type CatalogLister
} from '../../src/catalog/match';

function lister(
  tables: Record<string, TableSummary[]>,
  pageSize = 2
): CatalogLister & { calls: number } {
  const page = <T>(items: T[], token?: string): Paged<T> => {
    const start = token === undefined ? 0 : Number(token);
    const next = start + pageSize;
    return {
      items: items.slice(start, next),
      nextToken: next < items.length ? String(next) : null
    };
  };
  const result = {
    calls: 0,
    databases: (token?: string) => {
      result.calls++;
      return Promise.resolve(
        page(
          Object.keys(tables).map(name => ({ name })),
          token
        )
      );
    },
    tables: (database: string, token?: string) =>
      Promise.resolve(page(tables[database] ?? [], token))
  };
  return result;
}

const delta = (name: string, location: string | null): TableSummary => ({
  name,
  format: 'DELTA',
  location
});

describe('catalog matching', () => {
  it('spells a location one way', () => {
    expect(normalLocation('s3a://lake/delta/t/')).toBe('s3://lake/delta/t');
    expect(normalLocation('S3N://lake//delta/t')).toBe('s3://lake/delta/t');
    expect(normalLocation('file:/tmp/lake/t')).toBe('file:///tmp/lake/t');
    expect(normalLocation('file:///tmp/lake/t/')).toBe('file:///tmp/lake/t');
    expect(normalLocation('/tmp/lake/my%20t')).toBe('file:///tmp/lake/my t');
    expect(normalLocation('s3://lake')).toBe('s3://lake');
    expect(normalLocation('relative/path')).toBeNull();
    expect(normalLocation('s3:lake')).toBeNull();
    expect(normalLocation('  ')).toBeNull();
  });

  it('fills ${NAME} from the environment, or gives up', () => {
    const env = { LAKE: 's3a://lake', EMPTY: '' };
    expect(resolveVars('${LAKE}/delta/t', env)).toBe('s3a://lake/delta/t');
    expect(resolveVars('${MISSING}/t', env)).toBeNull();
    expect(resolveVars('${EMPTY}/t', env)).toBeNull();
    expect(resolveVars('${LAKE}/${t}', env)).toBeNull();
    expect(resolveVars('no vars', env)).toBe('no vars');
  });

  it('matches locations and qualified names against every page of the catalog', async () => {
    const index = await buildLocationIndex(
      lister({
        lake: [
          delta('a', 'file:///state/lake/delta/a'),
          delta('b', 's3://lake/delta/b/'),
          delta('no_location', null)
        ],
        Sales: [delta('Orders', 's3://lake/sales/orders')],
        empty: []
      })
    );
    const env = { ETL_CONF_LAKE: 'file:///state/lake' };
    expect(
      matchRefs(
        [
          { kind: 'location', text: '${ETL_CONF_LAKE}/delta/a/' },
          { kind: 'location', text: 's3a://lake/delta/b' },
          { kind: 'location', text: 's3a://lake/sales/orders' },
          { kind: 'location', text: '${NOT_SET}/delta/a' },
          { kind: 'location', text: 's3://lake/delta' },
          { kind: 'table', database: 'sales', table: 'ORDERS' },
          { kind: 'table', database: 'lake', table: 'missing' }
        ],
        index,
        env
      )
    ).toEqual([
      { database: 'lake', table: 'a' },
      { database: 'lake', table: 'b' },
      { database: 'Sales', table: 'Orders' },
      null,
      null,
      { database: 'Sales', table: 'Orders' },
      null
    ]);
  });

  it('checks what a request sends', () => {
    expect(
      parseRefs([
        { kind: 'location', text: 's3://x' },
        { kind: 'table', database: 'd', table: 't' }
      ])
    ).toHaveLength(2);
    expect(() => parseRefs('x')).toThrow('"refs" must be a list');
    expect(() => parseRefs([{ kind: 'path', text: 'x' }])).toThrow(
      'refs[0].kind'
    );
    expect(() => parseRefs([{ kind: 'table', database: 'd' }])).toThrow(
      'refs[0].table must be a string'
    );
    expect(() =>
      parseRefs(Array.from({ length: 201 }, () => ({ kind: 'x' })))
    ).toThrow('at most 200');
  });

  it('reads the catalog again only after the TTL or a clear', async () => {
    let now = 0;
    const source = lister({ lake: [delta('a', 's3://l/a')] });
    const cached = new CachedLocationIndex(source, 30_000, () => now);
    await Promise.all([cached.get(), cached.get()]);
    expect(source.calls).toBe(1);
    now = 29_999;
    await cached.get();
    expect(source.calls).toBe(1);
    now = 30_000;
    await cached.get();
    expect(source.calls).toBe(2);
    cached.clear();
    await cached.get();
    expect(source.calls).toBe(3);
  });

  it('does not keep a failed read', async () => {
    let fail = true;
    const source: CatalogLister = {
      databases: () =>
        fail
          ? Promise.reject(new Error('throttled'))
          : Promise.resolve({ items: [], nextToken: null }),
      tables: () => Promise.resolve({ items: [], nextToken: null })
    };
    const cached = new CachedLocationIndex(source);
    await expect(cached.get()).rejects.toThrow('throttled');
    fail = false;
    await expect(cached.get()).resolves.toEqual({
      locations: new Map(),
      names: new Map()
    });
  });
});
