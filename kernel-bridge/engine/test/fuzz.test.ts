/**
 * Fuzz test: mutated real notebooks (seeded, deterministic) must always
 * compile to a result or a clean NotebookError, and lint (with view columns
 * and lineage) to diagnostics, quickly.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { viewColumns } from '../src/columns';
import { compileNotebook } from '../src/compile';
import { buildLineage } from '../src/lineage';
import { lintNotebook } from '../src/lint';
import { NotebookError } from '../src/notebook';
import type { CompileResponse } from '../src/types';
import { DEFECTS, FIXTURES, notebookFiles, random } from './helpers';

const CASES = 10_000;
/**
 * A bound that catches blow-ups (cases take a few ms), far above them:
 * CI machines are shared and a GC pause under load has taken 2 s. Speed
 * itself is measured in bench/, not here.
 */
const CASE_LIMIT_MS = 15_000;
/** Every n-th case also compiles without per-cell reuse, which must give the same answer. */
const REUSE_CHECK_EVERY = 4;
const LINT_CASES = 10_000;
/**
 * The SQL grammar builds its parse tables lazily, so the first statements
 * of a new shape cost up to a second once per process; the first cases get
 * this looser bound.
 */
const LINT_WARMUP_CASES = 100;
const LINT_WARMUP_LIMIT_MS = 20_000;
const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  '"""',
  '${',
  '${?',
  '}',
  '%sql ',
  '%arc\n',
  '%configplugin\n',
  '\n',
  ',',
  '\\',
  '|',
  "'",
  '=',
  '+=',
  ':',
  '#',
  '//',
  ' ',
  '\u0000',
  '\u2028',
  'environments=dev ',
  'sqlParams=a=${X},b ',
  'persist=',
  'name="',
  '\r\n',
  '\t',
  '.',
  '..'
];

function mutateText(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const choice = next();
  if (choice < 0.4) {
    const token = TOKENS[Math.floor(next() * TOKENS.length)] ?? '';
    return (
      text.slice(0, at) +
      token.repeat(1 + Math.floor(next() * (next() < 0.05 ? 2000 : 3))) +
      text.slice(at)
    );
  }
  if (choice < 0.7) {
    return text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 20));
  }
  if (choice < 0.85) {
    const end = Math.min(text.length, at + Math.floor(next() * 200));
    return text.slice(0, end) + text.slice(at, end) + text.slice(end);
  }
  return (
    text.slice(0, at) +
    String.fromCharCode(Math.floor(next() * 0x3000)) +
    text.slice(at + 1)
  );
}

interface Cell {
  source?: unknown;
}

/** Mutates one cell's source so most cases reach the compiler, not just JSON.parse. */
function mutateNotebook(text: string, next: () => number): string {
  if (next() < 0.2) {
    return mutateText(text, next);
  }
  const notebook = JSON.parse(text) as { cells: Cell[] };
  const cell = notebook.cells[Math.floor(next() * notebook.cells.length)];
  if (cell !== undefined) {
    const source = Array.isArray(cell.source)
      ? cell.source.join('')
      : String(cell.source);
    let mutated = source;
    const rounds = 1 + Math.floor(next() * 4);
    for (let i = 0; i < rounds; i++) {
      mutated = mutateText(mutated, next);
    }
    // Now and then one string, as some notebook writers save it.
    cell.source = next() < 0.05 ? mutated : mutated.split(/(?<=\n)/);
  }
  return JSON.stringify(notebook);
}

function corpus(): string[] {
  return [...notebookFiles(FIXTURES, 16), ...notebookFiles(DEFECTS, 3)].map(
    file => readFileSync(file, 'utf8')
  );
}

describe('fuzzed notebooks', () => {
  it(`always compile or fail cleanly (${CASES} cases)`, () => {
    const notebooks = corpus();
    const next = random(20240131);
    let compiled = 0;
    let refused = 0;
    let slowest = 0;
    const reuseMismatches: number[] = [];
    for (let i = 0; i < CASES; i++) {
      const base = notebooks[i % notebooks.length] ?? '';
      const input = mutateNotebook(base, next);
      const start = performance.now();
      try {
        compileNotebook(input, {
          file: `case-${i}.ipynb`,
          vars: { LAKE: 'l' }
        });
        compiled++;
      } catch (error) {
        if (!(error instanceof NotebookError)) {
          throw new Error(`case ${i} threw ${String(error)}`);
        }
        expect(error.message).toMatch(/^case-\d+\.ipynb: /);
        refused++;
      }
      slowest = Math.max(slowest, performance.now() - start);
      if (performance.now() - start > CASE_LIMIT_MS) {
        throw new Error(
          `case ${i} took ${Math.round(performance.now() - start)} ms`
        );
      }
      if (i % REUSE_CHECK_EVERY === 0) {
        const options = { file: `case-${i}.ipynb`, vars: { LAKE: 'l' } };
        const outcome = (reuse: boolean): unknown => {
          try {
            return compileNotebook(input, { ...options, reuse });
          } catch (error) {
            return String(error);
          }
        };
        if (!isDeepStrictEqual(outcome(true), outcome(false))) {
          reuseMismatches.push(i);
        }
      }
    }
    expect(reuseMismatches).toEqual([]);
    expect(compiled + refused).toBe(CASES);
    expect(compiled).toBeGreaterThan(CASES / 10);
    expect(refused).toBeGreaterThan(CASES / 10);
  });

  it(`always lint to diagnostics, view columns and lineage in time (${LINT_CASES} cases)`, () => {
    const notebooks = corpus();
    const next = random(20240229);
    const codes = new Set<string>();
    const misplaced: string[] = [];
    let withColumns = 0;
    notebooks.forEach(text => lintNotebook(text, { environments: ['dev'] }));
    for (let i = 0; i < LINT_CASES; i++) {
      const base = notebooks[i % notebooks.length] ?? '';
      const input = mutateNotebook(base, next);
      const file = `case-${i}.ipynb`;
      const start = performance.now();
      const diagnostics = lintNotebook(input, {
        file,
        environments: ['dev', 'test', 'prod']
      });
      let compiled: CompileResponse | null = null;
      try {
        compiled = compileNotebook(input, { file });
      } catch (error) {
        if (!(error instanceof NotebookError)) {
          throw error;
        }
      }
      if (compiled !== null) {
        withColumns += viewColumns(compiled).size > 0 ? 1 : 0;
        buildLineage(compiled, diagnostics);
      }
      const took = performance.now() - start;
      const limit =
        i < LINT_WARMUP_CASES ? LINT_WARMUP_LIMIT_MS : CASE_LIMIT_MS;
      if (took > limit) {
        throw new Error(`linting case ${i} took ${Math.round(took)} ms`);
      }
      // Plain checks: ten thousand cases of expect() per diagnostic cost seconds.
      for (const d of diagnostics) {
        if (d.file !== file || d.line < 1 || d.column < 1) {
          misplaced.push(`case ${i}: ${JSON.stringify(d)}`);
        }
        codes.add(d.code);
      }
    }
    expect(misplaced).toEqual([]);
    expect(codes).toContain('compile-error');
    expect(codes).toContain('unknown-magic');
    expect(codes).toContain('undefined-view');
    expect(withColumns).toBeGreaterThan(LINT_CASES / 10);
  });
});
