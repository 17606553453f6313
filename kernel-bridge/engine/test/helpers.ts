import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  '../../test/fixtures/notebooks/compile'
);
/**
 * Arcade's own notebooks with the defects real Arc jobs ship (a misspelt
 * `%sqlvaildate`, a load time set by `%env`, `uat`-only stages, a missing
 * comma HOCON accepts): see defects/README.md.
 */
export const DEFECTS = path.resolve(
  __dirname,
  '../../test/fixtures/notebooks/defects'
);

/** The defect notebooks, by name; each must exist (a missing one fails the test, never skips it). */
export const DEFECT_NOTEBOOKS = [
  'price_first_load.ipynb',
  'price_changes_load.ipynb',
  'price_scd2_merge.ipynb'
] as const;

/** Every `.ipynb` in a fixture folder; throws when the folder is missing or holds fewer than `atLeast`. */
export function notebookFiles(dir: string, atLeast = 1): string[] {
  if (!existsSync(dir)) {
    throw new Error(`the fixture folder ${dir} is missing`);
  }
  const files = readdirSync(dir)
    .filter(name => name.endsWith('.ipynb'))
    .sort()
    .map(name => path.join(dir, name));
  if (files.length < atLeast) {
    throw new Error(
      `expected at least ${atLeast} notebooks in ${dir}, found ${files.length}`
    );
  }
  return files;
}

/** The text of one defect notebook (throws when it is missing). */
export function defect(name: (typeof DEFECT_NOTEBOOKS)[number]): string {
  return readFileSync(path.join(DEFECTS, name), 'utf8');
}

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
