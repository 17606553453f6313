import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli';
import { MemoryOutput } from '../helpers';
import { FIXTURES, notebook } from './helpers';

function context(output: MemoryOutput, cwd = FIXTURES) {
  return {
    env: {},
    cwd,
    output,
    selfCommand: ['node', 'arcade'],
    repoRoot: null
  };
}

describe('arcade compile', () => {
  it('prints the job JSON and resolves --var values', async () => {
    const output = new MemoryOutput();
    const code = await runCli(
      ['compile', '06-persist-sqlparams.ipynb', '--var', 'LAKE=bucket'],
      context(output)
    );
    expect(code).toBeNull();
    const job = JSON.parse(output.stdout) as {
      stages: { sqlParams?: unknown }[];
    };
    expect(job.stages[3]?.sqlParams).toEqual({
      lake: 'bucket',
      day: { $subst: 'RUN_DATE' }
    });
  });

  it('fails with one stderr line naming file, cell and line, exit code 2', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'arcade-compile-'));
    writeFileSync(
      path.join(dir, 'bad.ipynb'),
      notebook(['%sql\nSELECT 1', '{\n  a = [1,,2]\n}'])
    );
    const output = new MemoryOutput();
    expect(await runCli(['compile', 'bad.ipynb'], context(output, dir))).toBe(
      2
    );
    expect(output.stdout).toBe('');
    expect(output.stderr).toBe(
      'arcade: bad.ipynb: cell 2, line 2, column 10: expecting an array element, got ","\n'
    );
  });

  it('fails cleanly on a missing file', async () => {
    const output = new MemoryOutput();
    expect(await runCli(['compile', 'nope.ipynb'], context(output))).toBe(2);
    expect(output.stderr).toBe(
      'arcade: nope.ipynb: cannot read the notebook (ENOENT)\n'
    );
  });
});
