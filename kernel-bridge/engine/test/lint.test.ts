import { lintNotebook, lintNotebookJson } from '../src/lint';
import type { LintDiagnostic } from '../src/types';
import { notebook } from './helpers';
import { ENVIRONMENTS, SQL, lint, only } from './lintHelpers';

describe('lint: magics', () => {
  it('explains that %sqlvaildate runs as a SQLTransform and validates nothing', () => {
    const [d] = only(
      lint(['%sqlvaildate environments=dev\nSELECT TRUE AS valid']),
      'unknown-magic'
    );
    expect(d).toMatchObject({
      cell: 0,
      line: 1,
      column: 1,
      severity: 'error',
      message:
        '"%sqlvaildate" is not an Arc magic: Arc matches magics by prefix, so this cell runs as a SQLTransform and validates nothing. Did you mean "%sqlvalidate" (SQLValidate)?'
    });
  });

  it('warns about a magic Arc does not know at all, with a suggestion', () => {
    const [d] = only(lint(['%printschem\nx']), 'unknown-magic');
    expect(d?.severity).toBe('warning');
    expect(d?.message).toBe(
      '"%printschem" is not an Arc magic: a job skips the cell, so what it was meant to do never happens. Did you mean "%printschema"?'
    );
  });

  it('accepts the real magics', () => {
    expect(
      only(
        lint([`${SQL}\nSELECT 1 AS a`, '%env\nX=1', '%printschema\nout']),
        'unknown-magic'
      )
    ).toEqual([]);
  });
});

describe('lint: environments', () => {
  it('warns when a stage has no environments', () => {
    const [d] = only(
      lint(['%sql outputView=a\nSELECT 1 AS a']),
      'stage-never-runs'
    );
    expect(d?.message).toBe(
      'this stage has no environments, so Arc skips it in every run. Add environments=dev,test,prod (or the ones it should run in).'
    );
  });

  it('warns when none of its environments is configured', () => {
    const [d] = only(
      lint([
        '{\n  "type": "SQLTransform", "name": "n", "environments": ["uat"],\n  "sql": "SELECT 1", "outputView": "x"\n}'
      ]),
      'stage-never-runs'
    );
    expect(d).toMatchObject({ cell: 0, line: 2, severity: 'warning' });
    expect(d?.message).toContain(
      "runs only in uat, none of the project's environments (dev, test, prod)"
    );
  });
});

describe('lint: keys', () => {
  it('flags an unknown key with a suggestion at its position', () => {
    const [d] = only(
      lint([
        '{\n  "type": "ParquetLoad", "name": "n", "environments": ["dev"],\n  "inputView": "v", "outputURI": "s3a://b/p",\n  "saveMod": "Overwrite"\n}'
      ]),
      'unknown-key'
    );
    expect(d).toMatchObject({ line: 4, column: 15, severity: 'error' });
    expect(d?.message).toBe(
      'ParquetLoad has no key "saveMod": Arc rejects the stage with "Invalid attribute". Did you mean "saveMode"? Otherwise remove it.'
    );
  });

  it('knows the Delta Lake plugin stages', () => {
    const diagnostics = lint([
      '{\n  "type": "DeltaLakeMergeLoad", "name": "n", "environments": ["dev"],\n  "inputView": "v", "outputURI": "s3a://b/p"\n}'
    ]);
    expect(only(diagnostics, 'unknown-key')).toEqual([]);
    expect(only(diagnostics, 'missing-key').map(d => d.message)).toEqual([
      'DeltaLakeMergeLoad needs "condition": Arc fails the job with "Missing required attribute \'condition\'". Fix: add "condition": ….'
    ]);
  });

  it('flags %sql without outputView: works in the kernel, fails as a job', () => {
    const [d] = only(
      lint(['%sql environments=dev\nSELECT 1 AS a']),
      'missing-key'
    );
    expect(d?.message).toBe(
      'SQLTransform needs "outputView": Arc fails the job with "Missing required attribute \'outputView\'". It works in the notebook, where the kernel names the result for you, but fails as a job. Fix: add outputView=… to the magic line.'
    );
  });
});

describe('lint: views', () => {
  it('flags a view no earlier stage creates, at its position in the SQL', () => {
    const [d] = only(
      lint([
        `${SQL}\nSELECT *\nFROM customrs`,
        '%sql outputView=customers environments=dev\nSELECT 1 AS id'
      ]),
      'undefined-view'
    );
    expect(d).toMatchObject({
      cell: 0,
      line: 3,
      column: 6,
      endLine: 3,
      endColumn: 14
    });
    expect(d?.message).toBe(
      'no earlier stage creates the view "customrs" and it is not a known table: Spark fails the stage with "Table or view not found". Create it in an earlier stage or fix the name.'
    );
  });

  it('accepts views from earlier stages, CTEs and qualified tables', () => {
    const diagnostics = lint([
      '%sql outputView=a environments=dev\nSELECT 1 AS id',
      '%sql outputView=lake environments=dev\nSELECT 2 AS id',
      '%sql outputView=b environments=dev\nWITH c AS (SELECT * FROM a) SELECT * FROM c JOIN lake USING (id) JOIN db.t USING (id)'
    ]);
    expect(only(diagnostics, 'undefined-view')).toEqual([]);
  });

  it('checks inputView and warns on a redefined view', () => {
    const diagnostics = lint([
      '{\n  "type": "ParquetLoad", "name": "n", "environments": ["dev"],\n  "inputView": "nowhere", "outputURI": "s3a://b/p"\n}',
      '%sql outputView=a environments=dev\nSELECT 1 AS id',
      '%sql outputView=A environments=dev\nSELECT 2 AS id'
    ]);
    expect(only(diagnostics, 'undefined-view')[0]).toMatchObject({
      cell: 0,
      line: 3
    });
    expect(only(diagnostics, 'view-redefined')[0]).toMatchObject({
      cell: 2,
      severity: 'warning',
      message:
        'view "A" is already created by stage 2: Arc replaces it, so later stages see only this one. Use a new name if both are needed.'
    });
  });
});

describe('lint: MERGE', () => {
  const merge = (
    source: string,
    target = 'delta.`s3a://lake/delta/customers`'
  ) =>
    `%sql outputView=merge_result environments=dev
MERGE INTO ${target} AS target
USING ${source} AS source
ON source.merge_key = target.customer_id AND target.is_current
WHEN MATCHED AND source.row_hash <> target.row_hash THEN
  UPDATE SET is_current = FALSE, valid_to = source.valid_from
WHEN NOT MATCHED THEN INSERT *`;
  const MERGE_SOURCE =
    '%sql outputView=merge_source environments=dev\nSELECT customer_id AS merge_key, * FROM (SELECT 1 AS customer_id) changes';

  it('flags a MERGE whose USING source no earlier stage creates, at its name', () => {
    const [d] = only(
      lint([MERGE_SOURCE, merge('merge_sourse')]),
      'undefined-view'
    );
    expect(d).toMatchObject({
      cell: 1,
      line: 3,
      column: 7,
      endLine: 3,
      endColumn: 19,
      severity: 'error',
      message:
        'no earlier stage creates the view "merge_sourse" and it is not a known table: Spark fails the stage with "Table or view not found". Did you mean "merge_source"? Create it in an earlier stage or fix the name.'
    });
  });

  it('checks the tables of a MERGE source subquery', () => {
    const diagnostics = lint([
      merge('(SELECT c.* FROM changes c JOIN snapshot s ON s.id = c.id)')
    ]);
    expect(only(diagnostics, 'undefined-view').map(d => d.message)).toEqual([
      expect.stringContaining('"changes"'),
      expect.stringContaining('"snapshot"')
    ]);
  });

  it('does not read the MERGE target as a view: it is a table or a path that is written', () => {
    for (const target of [
      'delta.`s3a://lake/delta/customers`',
      'lake.customers',
      'customers'
    ]) {
      expect(
        only(
          lint([MERGE_SOURCE, merge('merge_source', target)]),
          'undefined-view'
        )
      ).toEqual([]);
    }
  });

  it('does not take a LATERAL VIEW generator for a view', () => {
    expect(
      only(
        lint([
          '%sql outputView=orders environments=dev\nSELECT 1 AS id, array(1, 2) AS items',
          `${SQL}\nSELECT id, item FROM orders LATERAL VIEW explode(items) e AS item`
        ]),
        'undefined-view'
      )
    ).toEqual([]);
  });
});

describe('lint: a cell whose source is one string', () => {
  const lintCells = (cells: Parameters<typeof notebook>[0]): LintDiagnostic[] =>
    lintNotebook(notebook(cells), {
      file: 'job.ipynb',
      environments: ENVIRONMENTS
    });

  it('is an error: Arc skips the cell without a word', () => {
    const diagnostics = lintCells([
      '%sql outputView=a environments=dev\nSELECT 1 AS id',
      { stringSource: '%sql outputView=b environments=dev\nSELECT * FROM a' }
    ]);
    expect(diagnostics).toEqual([
      {
        file: 'job.ipynb',
        cell: 1,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 35,
        severity: 'error',
        code: 'stage-never-runs',
        message:
          'this cell\'s "source" is one string, not a list of lines: Arc reads such a cell as empty and skips it without a word, so its SQLTransform stage never runs. Save the notebook with JupyterLab, which writes "source" as a list of lines.'
      }
    ]);
  });

  it('names the stage type of a HOCON cell and the plugin of a %lifecycleplugin cell', () => {
    const messages = lintCells([
      {
        stringSource:
          '{\n  "type": "DeltaLakeExtract",\n  "environments": ["dev"],\n  "inputURI": "s3a://lake/t",\n  "outputView": "t"\n}'
      },
      {
        stringSource:
          '%lifecycleplugin\n{"type": "DataFramePrinterLifecyclePlugin", "environments": ["dev"]}'
      }
    ]).map(d => d.message);
    expect(messages).toEqual([
      expect.stringContaining('so its DeltaLakeExtract stage never runs'),
      expect.stringContaining(
        'so its DataFramePrinterLifecyclePlugin plugin never runs'
      )
    ]);
  });

  it('is reported for a cell that would not even compile', () => {
    const [d] = lintCells([{ stringSource: '{\n  "type": "SQLTransform",' }]);
    expect(d).toMatchObject({ code: 'stage-never-runs', severity: 'error' });
    expect(d?.message).toContain('so its stage never runs');
  });

  it('is not reported when a job skips the cell anyway (blank, %env)', () => {
    expect(
      lintCells([{ stringSource: '  \n' }, { stringSource: '%env\nX=1' }])
    ).toEqual([]);
  });

  it('is reported for a notebook given as JSON, as the bridge receives it', () => {
    const json: unknown = JSON.parse(
      notebook([
        { stringSource: '%sql outputView=b environments=dev\nSELECT 1 AS x' }
      ])
    );
    expect(
      lintNotebookJson(json, { environments: ENVIRONMENTS }).map(d => d.code)
    ).toEqual(['stage-never-runs']);
  });
});

describe('lint: SQL', () => {
  it('reports ${k} without a sqlParams entry as sql-param-missing, not a syntax error', () => {
    const diagnostics = lint([`${SQL}\nSELECT 1 AS a FROM \${src}`]);
    expect(only(diagnostics, 'sql-syntax')).toEqual([]);
    expect(only(diagnostics, 'sql-param-missing')[0]).toMatchObject({
      line: 2,
      column: 20,
      message:
        '${src} has no sqlParams entry: Arc fails the stage with "No replacement value found". Add sqlParams=src=… (or remove the placeholder).'
    });
  });

  it('substitutes known parameters before parsing and flags unused ones', () => {
    const diagnostics = lint([
      '%sql outputView=a environments=dev\nSELECT 1 AS id',
      `${SQL} sqlParams=t=a,unused=1\nSELECT * FROM \${t}`
    ]);
    expect(only(diagnostics, 'undefined-view')).toEqual([]);
    expect(only(diagnostics, 'sql-param-unused').map(d => d.message)).toEqual([
      'sqlParams "unused" is not used in the SQL: Arc fails the stage with "No placeholder found for parameter". Use ${unused} in the SQL or remove the parameter.'
    ]);
  });

  it('reports a syntax error at its position in the cell', () => {
    const [d] = only(
      lint([`${SQL}\nSELECT a\nFROM t WHER x = 1`]),
      'sql-syntax'
    );
    expect(d).toMatchObject({
      cell: 0,
      line: 3,
      column: 13,
      severity: 'error'
    });
    expect(d?.message).toMatch(
      /^Spark SQL syntax error: 'x' is not valid at this position/
    );
  });

  it('warns about nondeterministic functions', () => {
    const [d] = only(
      lint([`${SQL}\nSELECT now() AS t, rand() AS r`]),
      'nondeterministic-sql'
    );
    expect(d).toMatchObject({ line: 2, column: 8, severity: 'warning' });
    expect(d?.message).toContain('now() gives a different value on every run');
    expect(
      only(lint([`${SQL}\nSELECT 'now()' AS t`]), 'nondeterministic-sql')
    ).toEqual([]);
  });
});

describe('lint: ids and secrets', () => {
  it('flags duplicate ids', () => {
    const stage = (id: string) =>
      `{\n  "type": "SQLTransform", "id": "${id}", "name": "n", "environments": ["dev"],\n  "sql": "SELECT 1", "outputView": "v${id.length}"\n}`;
    const [d] = only(lint([stage('a'), stage('a')]), 'duplicate-id');
    expect(d).toMatchObject({ cell: 1, severity: 'error' });
    expect(d?.message).toContain('stage id "a" is already used by stage 1');
  });

  it('flags inline credentials but not substitutions', () => {
    const diagnostics = lint([
      '{\n  "type": "ParquetExtract", "name": "n", "environments": ["dev"],\n  "inputURI": "s3a://b/p", "outputView": "v",\n  "authentication": {"method": "AmazonAccessKey", "accessKeyID": "AKIA1", "secretAccessKey": "s"}\n}',
      '{\n  "type": "JDBCExtract", "name": "n", "environments": ["dev"], "tableName": "t", "outputView": "w",\n  "jdbcURL": "jdbc:postgresql://db/x?user=u&password=p"\n}',
      '{\n  "type": "JDBCLoad", "name": "n", "environments": ["dev"], "tableName": "t", "inputView": "w",\n  "jdbcURL": "jdbc:postgresql://db/x", "params": {}, "password": ${PW}\n}'
    ]);
    const secrets = only(diagnostics, 'inline-secret');
    expect(secrets.map(d => [d.cell, d.line])).toEqual([
      [0, 4],
      [0, 4],
      [1, 3]
    ]);
    expect(secrets[0]?.message).toContain('Arc refuses inline credentials');
  });

  const secretLines = (cells: string[]): [number | null, number, number][] =>
    only(lint(cells), 'inline-secret').map(d => [d.cell, d.line, d.column]);

  it('flags %env lines that set a secret-looking variable to a literal', () => {
    const cells = [
      '%env\nETL_CONF_ENV=prod\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\nAWS_SESSION_TOKEN="IQoJb3JpZ2luX2Vj"',
      '  %env db_password=hunter2 API_TOKEN=abc ETL_CONF_LAKE=s3a://lake',
      '%env\nMY_ACCESS_KEY=AKIA1\nCLIENT_SECRET=s3cr3t'
    ];
    expect(secretLines(cells)).toEqual([
      [0, 3, 1],
      [0, 4, 1],
      [1, 1, 8],
      [1, 1, 28],
      [2, 2, 1],
      [2, 3, 1]
    ]);
    const [d] = only(lint(cells), 'inline-secret');
    expect(d?.message).toContain('AWS_SECRET_ACCESS_KEY');
    expect(d?.severity).toBe('error');
  });

  it('does not flag %env secrets set from a substitution, or other variables', () => {
    expect(
      secretLines([
        '%env\nAWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}\nAWS_SESSION_TOKEN="${TOKEN}"\nDB_PASSWORD=\nETL_CONF_ENV=prod\nTOKENS_PER_BATCH_NAME=x_${Y}'
      ])
    ).toEqual([]);
  });

  it('flags HTTP stage headers that carry a literal credential', () => {
    const extract = [
      '{',
      '  "type": "HTTPExtract", "name": "n", "environments": ["dev"],',
      '  "inputURI": "https://api.example.com/v1", "outputView": "v",',
      '  "headers": {',
      '    "Authorization": "Bearer eyJhbGciOi",',
      '    "Accept": "application/json",',
      '    "X-Api-Key": "k-123"',
      '  }',
      '}'
    ].join('\n');
    const load = [
      '{',
      '  "type": "HTTPLoad", "name": "n", "environments": ["dev"],',
      '  "inputView": "v", "outputURI": "https://api.example.com/in",',
      '  "headers": {"Cookie": "session=abc"}',
      '}'
    ].join('\n');
    const transform = [
      '{',
      '  "type": "HTTPTransform", "name": "n", "environments": ["dev"],',
      '  "inputView": "v", "outputView": "w", "uri": "https://api.example.com/score",',
      '  "headers": {',
      '    "X-Auth-Token": "t0k3n"',
      '    "client_secret": "s"',
      '  }',
      '}'
    ].join('\n');
    const diagnostics = only(lint([extract, load, transform]), 'inline-secret');
    expect(diagnostics.map(d => [d.cell, d.line])).toEqual([
      [0, 5],
      [0, 7],
      [1, 4],
      [2, 5],
      [2, 6]
    ]);
    expect(diagnostics[0]?.message).toContain('headers.Authorization');
  });

  it('does not flag headers built from substitutions', () => {
    const extract = [
      '{',
      '  "type": "HTTPExtract", "name": "n", "environments": ["dev"],',
      '  "inputURI": "https://api.example.com/v1", "outputView": "v",',
      '  "headers": {',
      '    "Authorization": "Bearer "${TOKEN},',
      '    "X-Api-Key": ${API_KEY},',
      '    "Accept": "application/json"',
      '  }',
      '}'
    ].join('\n');
    expect(secretLines([extract])).toEqual([]);
  });

  it('flags password, secret and token keys with literal values in params, options and sqlParams maps', () => {
    const jdbc = [
      '{',
      '  "type": "JDBCExtract", "name": "n", "environments": ["dev"],',
      '  "jdbcURL": "jdbc:postgresql://db/x", "tableName": "t", "outputView": "v",',
      '  "params": {',
      '    "user": "etl",',
      '    "password": "p4ss"',
      '  }',
      '}'
    ].join('\n');
    const delta = [
      '{',
      '  "type": "DeltaLakeExtract", "name": "n", "environments": ["dev"],',
      '  "inputURI": "s3a://lake/t", "outputView": "w",',
      '  "options": {',
      '    "fs.azure.account.key": "abc==",',
      '    "fs.s3a.secret.key": "xyz",',
      '    "versionAsOf": "1"',
      '  }',
      '}'
    ].join('\n');
    const config = [
      '{',
      '  "type": "ConfigExecute", "name": "n", "environments": ["dev"],',
      '  "sql": "SELECT \'${api_token}\' AS t", "outputView": "c",',
      '  "sqlParams": {"api_token": "abc123"}',
      '}'
    ].join('\n');
    const diagnostics = only(lint([jdbc, delta, config]), 'inline-secret');
    expect(diagnostics.map(d => [d.cell, d.line])).toEqual([
      [0, 6],
      [1, 5],
      [1, 6],
      [2, 4]
    ]);
    expect(diagnostics[0]?.message).toContain('params.password');
  });

  it('does not flag maps whose secrets come from substitutions', () => {
    const jdbc = [
      '{',
      '  "type": "JDBCLoad", "name": "n", "environments": ["dev"], "inputView": "v",',
      '  "jdbcURL": "jdbc:postgresql://db/x", "tableName": "t",',
      '  "params": {"user": "etl", "password": ${DB_PASSWORD}, "sessionToken": ""}',
      '}'
    ].join('\n');
    expect(secretLines([`${SQL}\nSELECT 1 AS a`, jdbc])).toEqual([]);
  });
});

describe('lint: compile errors', () => {
  it('maps malformed HOCON to a diagnostic with its location', () => {
    expect(lint(['{\n  a = [1,,2]\n}'])).toEqual([
      {
        file: 'job.ipynb',
        cell: 0,
        line: 2,
        column: 10,
        severity: 'error',
        code: 'compile-error',
        message:
          'expecting an array element, got ",": Arc cannot parse the job, so it runs nothing. Fix the cell.'
      }
    ]);
  });

  it('maps malformed notebook JSON and non-Arc notebooks to diagnostics', () => {
    expect(
      lintNotebook('{"cells": [', { environments: ENVIRONMENTS })[0]
    ).toMatchObject({
      cell: null,
      code: 'compile-error'
    });
    expect(
      lintNotebookJson({ metadata: {} }, { environments: ENVIRONMENTS })[0]
        ?.message
    ).toContain('metadata.kernelspec.name is missing');
  });
});

describe('lint: views made by SQL statements', () => {
  it('knows views and tables an earlier stage creates with CREATE … AS', () => {
    const diagnostics = lint([
      `${SQL}\nCREATE OR REPLACE TEMP VIEW recent AS SELECT 1 AS n`,
      '%sql outputView=t_done environments=dev\nCREATE TABLE totals USING delta AS SELECT 2 AS n',
      '%sql outputView=both environments=dev\nSELECT * FROM recent JOIN totals',
      '%sql outputView=later environments=dev\nSELECT * FROM not_made_yet'
    ]);
    expect(
      diagnostics.map(d => [d.code, d.cell, d.message.includes('not_made_yet')])
    ).toEqual([['undefined-view', 3, true]]);
  });
});
