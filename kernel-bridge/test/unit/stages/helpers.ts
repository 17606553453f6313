import path from 'node:path';

/** A notebook JSON string from cell sources (strings become code cells). */
export function notebook(
  cells: (
    | string
    | { type: 'markdown' | 'raw'; source: string }
    | { stringSource: string }
  )[],
  kernel = 'arc'
): string {
  return JSON.stringify({
    metadata: { kernelspec: { name: kernel, display_name: 'Arc' } },
    nbformat: 4,
    nbformat_minor: 4,
    cells: cells.map(cell => {
      if (typeof cell === 'string') {
        return {
          cell_type: 'code',
          metadata: {},
          outputs: [],
          source: cell.split(/(?<=\n)/)
        };
      }
      if ('stringSource' in cell) {
        return {
          cell_type: 'code',
          metadata: {},
          outputs: [],
          source: cell.stringSource
        };
      }
      return { cell_type: cell.type, metadata: {}, source: [cell.source] };
    })
  });
}

export const FIXTURES = path.resolve(
  __dirname,
  '../../fixtures/notebooks/compile'
);
export const SEED = path.resolve(
  __dirname,
  '../../../../../shared/fixtures/seed-sample/job'
);

/** mulberry32: small, seedable, deterministic. */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
