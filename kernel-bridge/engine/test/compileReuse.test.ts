/**
 * The compiler reuses each cell's result while the cell is unchanged (so
 * the editor re-lints a one-cell edit quickly). Reuse must never change
 * the answer: every case here compiles with and without it and compares.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileNotebook } from '../src/compile';
import type { CompileResponse } from '../src/types';
import { DEFECTS, FIXTURES, notebook, notebookFiles } from './helpers';

const SAMPLES = path.resolve(__dirname, '../../../sample-workspace/notebooks');

type Outcome = { ok: CompileResponse } | { error: string };

function outcome(text: string, reuse: boolean): Outcome {
  try {
    return { ok: compileNotebook(text, { file: 'nb.ipynb', reuse }) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function expectSame(text: string): Outcome {
  // Twice with reuse: the second answer comes from the cache.
  const first = outcome(text, true);
  const second = outcome(text, true);
  const whole = outcome(text, false);
  expect(first).toEqual(whole);
  expect(second).toEqual(whole);
  return whole;
}

/** [name, text] of every notebook in a folder; a missing or empty folder fails the test. */
function notebooksIn(dir: string, atLeast: number): [string, string][] {
  return notebookFiles(dir, atLeast).map(file => [
    path.basename(file),
    readFileSync(file, 'utf8')
  ]);
}

describe('compile with per-cell reuse', () => {
  const corpus = [
    ...notebooksIn(FIXTURES, 16),
    ...notebooksIn(DEFECTS, 3),
    ...notebooksIn(SAMPLES, 4)
  ];

  it.each(corpus)('%s compiles the same with and without reuse', (_, text) => {
    expectSame(text);
  });

  it('gives the same job lines as the whole document for every cell kind', () => {
    const text = notebook([
      '%configplugin\n{\n  "type": "ai.tripl.arc.plugins.config.X"\n}',
      '%lifecycleplugin\n{"type": "ai.tripl.arc.plugins.lifecycle.Y",\n "environments": ["dev"]}',
      '%sql outputView=a environments=dev\nSELECT 1 AS x\n\n',
      '{\n  "type": "SQLTransform",\n  "name": "two",\n\n  "environments": ["dev"],\n  "sql": """SELECT\n  |x FROM a""",\n  "outputView": "b"\n}',
      '%arc\n{"type": "LogExecute", "name": "n", "environments": ["dev"], "sql": "SELECT 1"}',
      '%log environments=dev\nSELECT "${X}" AS message'
    ]);
    const whole = expectSame(text);
    expect('ok' in whole).toBe(true);
  });

  it('follows a sequence of one-cell edits, inserts and deletes', () => {
    const cells = [
      '%sql outputView=a environments=dev\nSELECT 1 AS x',
      '{"type": "SQLTransform", "name": "t", "environments": ["dev"], "sql": "SELECT x FROM a", "outputView": "b"}',
      '%sqlvalidate environments=dev\nSELECT TRUE AS valid, "" AS message',
      '# a comment only'
    ];
    const edits: ((c: string[]) => void)[] = [
      c => (c[0] = '%sql outputView=a2 environments=dev,test\nSELECT 2 AS x'),
      c => c.splice(1, 0, '%log environments=dev\nSELECT 1 AS message'),
      c => (c[2] = '{"type": "SQLTransform", "name": "t" '), // unbalanced: whole document
      c => (c[2] = '{"type": "SQLTransform", "name": "t2"}'),
      c => c.splice(0, 1),
      c => (c[1] = '{"a": 1},\n{"b": 2}'), // two values in one cell
      c => (c[1] = '{"a": 1}]\n,"x": [{"b": 2}'), // closes Arc's list early
      c => (c[1] = '{"a": 1} // trailing comment'),
      c => (c[1] = '{"a": 1},,'),
      c => c.push('%sql name="last" environments=dev\n  |SELECT 1')
    ];
    expectSame(notebook(cells));
    for (const edit of edits) {
      edit(cells);
      expectSame(notebook(cells));
    }
  });
});
