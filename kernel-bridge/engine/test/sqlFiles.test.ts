/**
 * SQL a stage reads from its `inputURI` file is linted, drawn and completed
 * like inline SQL once the file's text is given (`LintOptions.sqlFiles`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { viewColumns } from '../src/columns';
import { compileNotebook } from '../src/compile';
import { buildLineage } from '../src/lineage';
import { lintNotebook } from '../src/lint';
import { sqlFileKey, sqlFileUris } from '../src/sqlFiles';
import type { LintDiagnostic, SqlFile } from '../src/types';
import { notebook } from './helpers';

const ENVIRONMENTS = ['dev'];
const SAMPLES = path.resolve(__dirname, '../../../sample-workspace');
const KEY = '${ETL_CONF_SQL}/check.sql';

function files(...entries: SqlFile[]): Map<string, SqlFile> {
  return new Map(entries.map(f => [f.uri, f]));
}

function text(sql: string, uri = KEY): SqlFile {
  return { uri, text: sql };
}

/**
 * A stage reading ${ETL_CONF_SQL}/check.sql, after one that creates view
 * `a`; `fields` are more HOCON fields of the stage.
 */
function job(stage: string, fields = '"sqlParams": {"v": "a"}'): string {
  return notebook([
    '%sql outputView=a environments=dev\nSELECT 1 AS x',
    `{
  "type": "${stage}",
  "name": "from a file",
  "environments": ["dev"],
  "inputURI": \${ETL_CONF_SQL}"/check.sql",
  ${fields}
}`
  ]);
}

function lint(
  text: string,
  sqlFiles?: ReadonlyMap<string, SqlFile>
): LintDiagnostic[] {
  return lintNotebook(text, {
    file: 'job.ipynb',
    environments: ENVIRONMENTS,
    ...(sqlFiles === undefined ? {} : { sqlFiles })
  });
}

describe('sqlFileKey', () => {
  it('writes unresolved substitutions as ${NAME} between the literal parts', () => {
    expect(sqlFileKey('file:///ws/a.sql')).toBe('file:///ws/a.sql');
    expect(sqlFileKey({ $subst: 'ETL_CONF_SQL' })).toBe('${ETL_CONF_SQL}');
    expect(sqlFileKey({ $subst: 'ETL_CONF_SQL', optional: true })).toBe(
      '${?ETL_CONF_SQL}'
    );
    expect(
      sqlFileKey({ $concat: [{ $subst: 'ETL_CONF_SQL' }, '/check.sql'] })
    ).toBe(KEY);
    expect(sqlFileKey(['a'])).toBeNull();
    expect(sqlFileKey({ a: 'b' })).toBeNull();
  });
});

describe('sqlFileUris', () => {
  it('lists the files of the stage types that read SQL from inputURI, each once', () => {
    const compiled = compileNotebook(
      notebook([
        '{"type": "SQLValidate", "inputURI": ${ETL_CONF_SQL}"/check.sql"}',
        '{"type": "SQLTransform", "inputURI": ${ETL_CONF_SQL}"/check.sql", "outputView": "b"}',
        '{"type": "JDBCExecute", "inputURI": "file:///ws/db.sql", "jdbcURL": "jdbc:x"}',
        '{"type": "DelimitedExtract", "inputURI": "file:///ws/data.csv", "outputView": "c"}',
        '%sql outputView=d\nSELECT 1'
      ]),
      { file: 'job.ipynb' }
    );
    expect(sqlFileUris(compiled)).toEqual([KEY, 'file:///ws/db.sql']);
  });

  it('keys a file by its resolved URI when --var supplied the value', () => {
    const compiled = compileNotebook(job('SQLValidate'), {
      file: 'job.ipynb',
      vars: { ETL_CONF_SQL: 'file:///ws/sql' }
    });
    expect(sqlFileUris(compiled)).toEqual(['file:///ws/sql/check.sql']);
  });
});

describe('lint: SQL from a file', () => {
  it('checks nothing until the file has been read, as before', () => {
    expect(lint(job('SQLValidate'))).toEqual([]);
  });

  it('reports a view the file reads that no stage creates, at inputURI, naming the file line', () => {
    const diagnostics = lint(
      job('SQLValidate'),
      files(
        text('-- gate\nSELECT COUNT(*) = 0 AS valid, "x" AS message\nFROM b')
      )
    );
    expect(diagnostics).toEqual([
      {
        file: 'job.ipynb',
        cell: 1,
        line: 5,
        column: 15,
        severity: 'error',
        code: 'undefined-view',
        message:
          'check.sql:3:6: no earlier stage creates the view "b" and it is not a known table: Spark fails the stage with "Table or view not found". Did you mean "a"? Create it in an earlier stage or fix the name.'
      },
      expect.objectContaining({ code: 'sql-param-unused', line: 6 })
    ]);
  });

  it('fills sqlParams into the file as Arc does, and reports a missing or unused one', () => {
    const clean = lint(
      job('SQLValidate'),
      files(text('SELECT COUNT(*) = 0 AS valid, "x" AS message FROM ${v}'))
    );
    expect(clean).toEqual([]);
    const codes = lint(
      job('SQLValidate', '"sqlParams": {"w": "a"}'),
      files(text('SELECT TRUE AS valid,\n  "${missing}" AS message'))
    ).map(d => [d.code, d.line, d.message.slice(0, 30)]);
    expect(codes).toEqual([
      ['sql-param-missing', 5, 'check.sql:2:4: ${missing} has '],
      ['sql-param-unused', 6, 'sqlParams "w" is not used in c']
    ]);
  });

  it('reports Spark syntax errors and nondeterministic calls in the file', () => {
    const diagnostics = lint(
      job('SQLTransform', '"outputView": "b"'),
      files(text('SELECT x, rand() AS r\nFROM a\nGROUP x'))
    );
    expect(diagnostics.map(d => [d.code, d.message.split(' ')[0]])).toEqual([
      ['sql-syntax', 'check.sql:3:7:'],
      ['nondeterministic-sql', 'check.sql:1:11:']
    ]);
  });

  it('takes the file, not `sql`, when a stage has both, as Arc does', () => {
    const withSql = job('SQLValidate', '"sql": "SELECT * FROM nowhere"');
    expect(
      lint(withSql, files(text('SELECT TRUE AS valid, "" AS message')))
    ).toEqual([]);
  });

  it('checks only the sqlParams of a JDBCExecute file: the database parses that SQL', () => {
    const jdbc = job(
      'JDBCExecute',
      '"jdbcURL": "jdbc:postgresql://db/x", "sqlParams": {"v": "a"}'
    );
    expect(lint(jdbc, files(text('VACUUM ANALYZE ${v} !! not spark')))).toEqual(
      []
    );
    expect(
      lint(jdbc, files(text('VACUUM ANALYZE t'))).map(d => d.code)
    ).toEqual(['sql-param-unused']);
  });

  it('notes a file that was not read, and warns when it should be in the workspace and is not', () => {
    const remote = lint(
      job('SQLValidate'),
      files({
        uri: KEY,
        text: null,
        reason: 's3a:// is read at run time',
        missing: false
      })
    );
    expect(remote).toEqual([
      expect.objectContaining({
        line: 5,
        severity: 'info',
        code: 'sql-file',
        message:
          'the SQL in ${ETL_CONF_SQL}/check.sql is not checked: s3a:// is read at run time.'
      })
    ]);
    const missing = lint(
      job('SQLValidate'),
      files({ uri: KEY, text: null, reason: 'not found', missing: true })
    );
    expect(missing.map(d => [d.severity, d.code])).toEqual([
      ['warning', 'sql-file']
    ]);
    expect(missing[0]?.message).toContain('cannot be read (not found)');
  });

  it('fails an empty file as Arc does', () => {
    const [d] = lint(job('SQLValidate'), files(text('')));
    expect(d).toMatchObject({ severity: 'error', code: 'sql-file', line: 5 });
    expect(d?.message).toContain('File at … is empty');
  });

  it('finds nothing wrong in the sample SQL file, and a typo in its view name', () => {
    const sample = readFileSync(
      path.join(SAMPLES, 'notebooks/02_customers_daily_changes.ipynb'),
      'utf8'
    );
    const sql = files(
      text(
        readFileSync(
          path.join(SAMPLES, 'sql/validate_typing_errors.sql'),
          'utf8'
        ),
        '${ETL_CONF_SQL}/validate_typing_errors.sql'
      )
    );
    expect(lint(sample, sql)).toEqual([]);
    const typo = lint(
      sample.replace(
        '\\"input_view\\": \\"changes_typed\\"',
        '\\"input_view\\": \\"changes_typd\\"'
      ),
      sql
    );
    expect(typo.map(d => [d.cell, d.code, d.message.slice(0, 34)])).toEqual([
      [3, 'undefined-view', 'validate_typing_errors.sql:7:8: no']
    ]);
  });
});

describe('lineage and view columns of SQL from a file', () => {
  const transform = job(
    'SQLTransform',
    '"outputView": "b", "sqlParams": {"v": "a"}'
  );
  const sql = files(text('SELECT x, x + 1 AS y FROM ${v}'));

  it('draws the tables the file reads as the stage inputs', () => {
    const compiled = compileNotebook(transform, { file: 'job.ipynb' });
    expect(buildLineage(compiled, [], sql).edges).toEqual([
      { from: 'view:a', to: 'view:b', stage: 1, cell: 1 }
    ]);
    expect(buildLineage(compiled).edges.map(e => e.from)).toEqual([
      'source:${ETL_CONF_SQL}/check.sql'
    ]);
  });

  it('knows the columns of a view built from a file', () => {
    const compiled = compileNotebook(transform, { file: 'job.ipynb' });
    expect(viewColumns(compiled, sql).get('b')).toEqual(['x', 'y']);
    expect(viewColumns(compiled).has('b')).toBe(false);
  });
});
