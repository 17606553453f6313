import { compileNotebook } from '../src/compile';
import { NotebookError } from '../src/notebook';
import { DEFECT_NOTEBOOKS, defect, notebook } from './helpers';

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

describe('the defect notebooks', () => {
  const compileDefect = (
    name: (typeof DEFECT_NOTEBOOKS)[number],
    vars?: Record<string, string>
  ) =>
    compileNotebook(defect(name), {
      file: name,
      ...(vars === undefined ? {} : { vars })
    });

  it('compile, and every %sqlvaildate gate is a SQLTransform that keeps its options', () => {
    const all = DEFECT_NOTEBOOKS.map(name => compileDefect(name));
    for (const result of all) {
      expect(result.stages.length).toBeGreaterThan(0);
    }
    const typos = all.flatMap(result =>
      result.stages
        .filter(s => s.magic === '%sqlvaildate')
        .map(s => ({ stage: s, job: result.job.stages[s.index] }))
    );
    expect(typos.map(t => t.stage.cell)).toEqual([9, 6]);
    for (const { stage, job } of typos) {
      expect(stage.type).toBe('SQLTransform');
      expect(job?.type).toBe('SQLTransform');
    }
    expect(typos[0]?.job).toMatchObject({
      name: 'no rejected rows',
      description: 'stops the load when any row failed typing',
      environments: ['dev', 'test'],
      outputView: 'typing_gate',
      sqlParams: { checked_view: 'price_list_typed' }
    });
    // Nothing in them is a SQLValidate: the gates validate nothing.
    expect(
      all.flatMap(r => r.job.stages).filter(s => s.type === 'SQLValidate')
    ).toEqual([]);
  });

  it('%env is interactive only: a job takes the load time from --ETL_CONF_CURRENT_TIMESTAMP', () => {
    const result = compileDefect('price_first_load.ipynb');
    expect(result.ignored).toContainEqual({
      cell: 11,
      reason: 'interactive-magic',
      magic: '%env'
    });
    const stamp = result.stages.find(s => s.cell === 12);
    expect(result.job.stages[stamp?.index ?? -1]?.sqlParams).toEqual({
      typed: 'price_list_typed',
      loaded_at: { $subst: 'ETL_CONF_CURRENT_TIMESTAMP' }
    });
    expect(result.unresolved).toContain('ETL_CONF_CURRENT_TIMESTAMP');
    const run = compileDefect('price_changes_load.ipynb', {
      ETL_CONF_DATALAKE_LOC: 'lake-root',
      ETL_CONF_CURRENT_TIMESTAMP: '2024-02-01 06:00:00'
    });
    expect(run.unresolved).toEqual([]);
    expect(run.job.stages[3]?.sqlParams).toEqual({
      changes: 'price_changes_typed',
      loaded_at: '2024-02-01 06:00:00'
    });
  });

  it('"numPartitions": N without a comma: Arc reads that field and the next one', () => {
    for (const [name, partitions] of [
      ['price_first_load.ipynb', 4],
      ['price_changes_load.ipynb', 2]
    ] as const) {
      const loads = compileDefect(name).job.stages.filter(
        s => s.type === 'DeltaLakeLoad'
      );
      expect(loads).toHaveLength(1);
      expect(loads[0]).toMatchObject({
        numPartitions: partitions,
        saveMode: 'Overwrite',
        authentication: { method: 'AmazonIAM' }
      });
    }
  });

  it('uat-only stages are stages Arc skips in every real environment', () => {
    const result = compileDefect('price_scd2_merge.ipynb');
    expect(
      result.stages
        .filter(s => s.environments?.join() === 'uat')
        .map(s => [s.cell, s.type])
    ).toEqual([
      [11, 'DeltaLakeExtract'],
      [13, 'SQLTransform'],
      [16, 'SQLTransform'],
      [18, 'SQLTransform']
    ]);
    expect(result.ignored).toContainEqual({
      cell: 14,
      reason: 'interactive-magic',
      magic: '%metadata'
    });
  });

  it('resolves concatenations inside strings and the escaped slash as Arc does', () => {
    const [jdbc] = compileDefect('price_scd2_merge.ipynb', {
      ETL_CONF_DATALAKE_LOC: 'lake-root',
      AWS_DEFAULT_REGION: 'eu-west-1'
    }).job.stages.filter(s => s.type === 'JDBCExecute');
    expect(jdbc).toMatchObject({
      inputURI: 's3a://lake-root/pricing/sql/register_price_history.sql',
      jdbcURL:
        'jdbc:awsathena://AwsRegion=eu-west-1;S3OutputLocation=s3://lake-root/athena-results/pricing;Workgroup=pricing',
      sqlParams: {
        table_location: "'s3://lake-root/pricing/delta/price_history/'",
        table_name: 'pricing.price_history'
      }
    });
  });
});
