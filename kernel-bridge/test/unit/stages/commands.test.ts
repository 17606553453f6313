import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli';
import { MemoryOutput } from '../helpers';
import { FIXTURES, notebook } from '../../../engine/test/helpers';

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

describe('arcade lint', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'arcade-lint-'));
  writeFileSync(
    path.join(dir, 'bad.ipynb'),
    notebook(['%sqlvaildate environments=dev\nSELECT TRUE AS valid'])
  );
  writeFileSync(
    path.join(dir, 'warn.ipynb'),
    notebook(['%sql outputView=a environments=uat\nSELECT 1 AS a'])
  );

  it('prints one JSON array for all notebooks and exits 1 on an error', async () => {
    const output = new MemoryOutput();
    const code = await runCli(
      ['lint', 'bad.ipynb', 'warn.ipynb', '--format', 'json'],
      context(output, dir)
    );
    expect(code).toBe(1);
    const diagnostics = JSON.parse(output.stdout) as {
      file: string;
      code: string;
    }[];
    expect(diagnostics.map(d => [d.file, d.code])).toEqual([
      ['bad.ipynb', 'unknown-magic'],
      ['bad.ipynb', 'missing-key'],
      ['warn.ipynb', 'stage-never-runs']
    ]);
    expect(output.stderr).toBe(
      'arcade: 2 errors in 2 notebooks — fix them before running the job\n'
    );
  });

  it('prints file:cell:line:col lines and exits 0 with warnings only', async () => {
    const output = new MemoryOutput();
    expect(
      await runCli(['lint', 'warn.ipynb'], context(output, dir))
    ).toBeNull();
    expect(output.stdout).toBe(
      "warn.ipynb:1:1:1 warning stage-never-runs this stage runs only in uat, none of the project's environments (dev, test, prod), so Arc never runs it. Change its environments or add uat to the project's environments.\n"
    );
  });

  it('takes the environments from ARCADE_ENVIRONMENTS', async () => {
    const output = new MemoryOutput();
    const code = await runCli(['lint', 'warn.ipynb', '--format', 'json'], {
      ...context(output, dir),
      env: { ARCADE_ENVIRONMENTS: 'uat' }
    });
    expect(code).toBeNull();
    expect(JSON.parse(output.stdout)).toEqual([]);
  });

  it('reports an unreadable notebook as a usage failure (exit 2)', async () => {
    const output = new MemoryOutput();
    expect(await runCli(['lint', 'nope.ipynb'], context(output, dir))).toBe(2);
  });
});

describe('arcade lineage', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'arcade-lineage-'));
  writeFileSync(
    path.join(dir, 'job.ipynb'),
    notebook([
      '%sql outputView=a environments=dev\nSELECT * FROM lake.orders',
      '{\n  "type": "ParquetLoad", "name": "n", "environments": ["dev"],\n  "inputView": "a", "outputURI": "s3a://b/out"\n}'
    ])
  );

  it('prints the graph as JSON', async () => {
    const output = new MemoryOutput();
    await runCli(['lineage', 'job.ipynb'], context(output, dir));
    const graph = JSON.parse(output.stdout) as {
      edges: { from: string; to: string }[];
    };
    expect(graph.edges.map(e => `${e.from} -> ${e.to}`)).toEqual([
      'table:lake.orders -> view:a',
      'view:a -> sink:s3a://b/out'
    ]);
  });

  it('prints the graph as dot', async () => {
    const output = new MemoryOutput();
    await runCli(
      ['lineage', 'job.ipynb', '--format', 'dot'],
      context(output, dir)
    );
    expect(output.stdout).toContain(
      '"view:a" -> "sink:s3a://b/out" [label="stage 2"];'
    );
    expect(output.stdout.startsWith('digraph lineage {')).toBe(true);
  });
});
