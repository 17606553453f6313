import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileNotebook } from '../../../src/stages/compile';
import { NotebookError } from '../../../src/stages/notebook';
import { notebook, SEED } from './helpers';

function compileCells(
  cells: Parameters<typeof notebook>[0],
  vars?: Record<string, string>
) {
  return compileNotebook(
    notebook(cells),
    vars === undefined ? { file: 'nb.ipynb' } : { file: 'nb.ipynb', vars }
  );
}

function failure(text: string): NotebookError {
  try {
    compileNotebook(text, { file: 'nb.ipynb' });
  } catch (error) {
    if (error instanceof NotebookError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a NotebookError');
}

describe('which cells become stages', () => {
  it('compiles each magic to its stage type', () => {
    const result = compileCells([
      '%sql outputView=a\nSELECT 1',
      '%sqlvalidate\nSELECT TRUE AS valid, "" AS message',
      '%log\nSELECT 1',
      '%configexecute\nSELECT 1',
      '%metadatafilter inputView=a outputView=b\nSELECT 1',
      '%metadatavalidate inputView=a\nSELECT 1',
      '%arc\n{"type": "X"}',
      '{"type": "Y"}'
    ]);
    expect(result.stages.map(s => [s.kind, s.type])).toEqual([
      ['sql', 'SQLTransform'],
      ['sqlvalidate', 'SQLValidate'],
      ['log', 'LogExecute'],
      ['configexecute', 'ConfigExecute'],
      ['metadatafilter', 'MetadataFilterTransform'],
      ['metadatavalidate', 'MetadataValidate'],
      ['arc', 'X'],
      ['hocon', 'Y']
    ]);
  });

  it('matches magics by prefix, so %sqlvaildate is a SQLTransform', () => {
    const result = compileCells([
      '%sqlvaildate\nSELECT TRUE AS valid',
      '%SQLVALIDATE\nSELECT 1'
    ]);
    expect(result.stages.map(s => [s.magic, s.type])).toEqual([
      ['%sqlvaildate', 'SQLTransform'],
      ['%SQLVALIDATE', 'SQLValidate']
    ]);
  });

  it('ignores interactive magics, markdown, raw and empty cells', () => {
    const result = compileCells([
      { type: 'markdown', source: '# t' },
      '%env\nA=1',
      '%conf x=1',
      '%schema\n[]',
      '%Configplugin\n{}',
      ',',
      { stringSource: '%sql\nSELECT 1' },
      { type: 'raw', source: '%sql\nSELECT 1' }
    ]);
    expect(result.stages).toEqual([]);
    expect(result.ignored.map(i => i.reason)).toEqual([
      'not-code',
      'interactive-magic',
      'interactive-magic',
      'interactive-magic',
      'interactive-magic',
      'empty',
      'source-not-a-list',
      'not-code'
    ]);
  });

  it('puts %configplugin and %lifecycleplugin bodies into plugins', () => {
    const result = compileCells([
      '%configplugin\n{"type": "C"}',
      '%lifecycleplugin\n{"type": "ControlFlow", "environments": ["dev"]}'
    ]);
    expect(result.job.plugins).toEqual({
      config: [{ type: 'C' }],
      lifecycle: [{ type: 'ControlFlow', environments: ['dev'] }]
    });
    expect(result.plugins.lifecycle[0]?.cell).toBe(1);
  });
});

describe('magic-line options', () => {
  it('writes the SQLTransform template with defaults', () => {
    const result = compileCells([
      { type: 'markdown', source: 'x' },
      '%env',
      '%sql\nSELECT 1,'
    ]);
    expect(result.job.stages[0]).toEqual({
      type: 'SQLTransform',
      name: 'notebook cell 1',
      description: '',
      environments: [''],
      sql: 'SELECT 1',
      sqlParams: {},
      persist: false
    });
  });

  it('handles quotes, environments, persist, sqlParams and pass-through keys', () => {
    const result = compileCells(
      [
        '%sql name="my stage" environments=dev,test, persist=true numRows=5 truncate=true ' +
          'sqlParams=a=1,lake=${LAKE} numPartitions=4 outputView=v\nSELECT ${a}'
      ],
      { LAKE: 'bucket' }
    );
    expect(result.job.stages[0]).toEqual({
      type: 'SQLTransform',
      name: 'my stage',
      description: '',
      environments: ['dev', 'test'],
      sql: 'SELECT ${a}',
      sqlParams: { a: '1', lake: 'bucket' },
      outputView: 'v',
      persist: true,
      numPartitions: '4'
    });
    expect(result.stages[0]?.environments).toEqual(['dev', 'test']);
  });

  it('drops outputView and persist for stages without them', () => {
    const result = compileCells([
      '%log outputView=v persist=true id=x\nSELECT 1'
    ]);
    expect(result.job.stages[0]).not.toHaveProperty('outputView');
    expect(result.job.stages[0]).not.toHaveProperty('persist');
    expect(result.job.stages[0]?.id).toBe('x');
  });

  it('keeps unresolved sqlParams substitutions explicit', () => {
    const result = compileCells(['%sql sqlParams=d=${RUN_DATE}\nSELECT 1']);
    expect(result.job.stages[0]?.sqlParams).toEqual({
      d: { $subst: 'RUN_DATE' }
    });
    expect(result.unresolved).toEqual(['RUN_DATE']);
  });

  it("applies Scala's stripMargin to SQL lines, twice for magic cells", () => {
    const result = compileCells([
      "%sql\nSELECT 'a'\n  || 'b'\n  ||| 'c'",
      '{sql = """x\n  || y"""}'
    ]);
    expect(result.job.stages[0]?.sql).toBe("SELECT 'a'\n 'b'\n| 'c'");
    expect(result.job.stages[1]?.sql).toBe('x\n| y');
  });
});

describe('locations', () => {
  it('gives each stage its cell, line and field positions', () => {
    const result = compileCells([
      { type: 'markdown', source: 'm' },
      '\n%sql outputView=v name=n\nSELECT 1',
      '# comment\n{\n  "type": "SQLTransform",\n  "sql": "SELECT 2"\n}'
    ]);
    const [magic, plain] = result.stages;
    expect(magic?.location).toEqual({ cell: 1, line: 2, column: 1 });
    expect(magic?.fields.outputView).toEqual({ cell: 1, line: 2, column: 6 });
    expect(magic?.fields.sql).toEqual({ cell: 1, line: 3, column: 1 });
    expect(plain?.location).toEqual({ cell: 2, line: 2, column: 1 });
    expect(plain?.fields.sql).toEqual({ cell: 2, line: 4, column: 11 });
    expect(plain?.codeCell).toBe(1);
  });
});

describe('bad input', () => {
  it('names the file, cell and line of a HOCON error', () => {
    const error = failure(
      notebook(['%sql\nSELECT 1', '{\n  "a": 1\n  "b": \n}'])
    );
    expect(error.message).toBe(
      'nb.ipynb: cell 2, line 4, column 1: expecting a value for "b", got "}"'
    );
    expect(error.exitCode).toBe(2);
  });

  it('reports malformed JSON with its position', () => {
    expect(failure('{"cells": [\n  }').message).toMatch(
      /^nb\.ipynb: not valid JSON \(Unexpected token/
    );
    expect(failure('{"cells": [1 2]}').message).toMatch(
      /^nb\.ipynb: line 1, column 14: not valid JSON/
    );
  });

  it('refuses other kernels, binary data and huge files', () => {
    expect(failure(notebook([], 'python3')).message).toMatch(
      /not an Arc notebook: kernelspec is "python3"/
    );
    expect(failure('\u0000\u0001binary').message).toMatch(/binary/);
    expect(failure(' '.repeat(33 * 1024 * 1024)).message).toMatch(
      /larger than/
    );
  });

  it('refuses deeply nested HOCON cleanly', () => {
    const error = failure(notebook([`{a = ${'['.repeat(50_000)}}`]));
    expect(error.message).toMatch(
      /cell 1, line 1, column \d+: objects and arrays are nested deeper/
    );
  });

  it('reports an option value that breaks the HOCON Arc generates', () => {
    const error = failure(notebook(['%sql persist=""\nSELECT 1']));
    expect(error.location).toMatchObject({ cell: 0, line: 1 });
  });
});

describe('the seed-sample notebooks', () => {
  it('compile, and the %sqlvaildate gate is a SQLTransform', () => {
    if (!existsSync(SEED)) {
      throw new Error(`the seed-sample notebooks are missing in ${SEED}`);
    }
    const file = path.join(SEED, 'scd2_merge.ipynb');
    const result = compileNotebook(readFileSync(file, 'utf8'), { file });
    expect(result.stages.length).toBeGreaterThan(0);
    const all = [
      'delta_load.ipynb',
      'initial_load.ipynb',
      'scd2_merge.ipynb'
    ].flatMap(
      name =>
        compileNotebook(readFileSync(path.join(SEED, name), 'utf8')).stages
    );
    const typo = all.filter(
      s => s.magic?.toLowerCase().startsWith('%sqlvaildate') === true
    );
    expect(typo.length).toBeGreaterThan(0);
    expect(typo.every(s => s.type === 'SQLTransform')).toBe(true);
  });
});
