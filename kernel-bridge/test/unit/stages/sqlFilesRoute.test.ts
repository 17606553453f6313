/**
 * `POST /api/stages/sql-files`: the bridge reads the SQL files stages name
 * in `inputURI` for the browser, resolving `${ETL_CONF_…}` from its own
 * environment, and only inside the workspace.
 */
import {
  mkdirSync,
  mkdtempSync,
  realpathSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  ErrorResponse,
  LintResponse,
  SqlFilesResponse
} from 'arcade-engine';
import { loadSettings } from '../../../src/config';
import { createServer } from '../../../src/server/app';
import { notebook } from '../../../engine/test/helpers';

const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'arcade-sql-')));
const workspace = path.join(root, 'workspace');
const outside = path.join(root, 'outside');
mkdirSync(path.join(workspace, 'sql'), { recursive: true });
mkdirSync(outside);
writeFileSync(path.join(workspace, 'sql', 'check.sql'), 'SELECT 1 AS x');
writeFileSync(path.join(outside, 'secret.sql'), 'SELECT "secret" AS s');
writeFileSync(
  path.join(workspace, 'sql', 'big.sql'),
  `SELECT 1 -- ${'x'.repeat(1024 * 1024)}`
);
symlinkSync(
  path.join(outside, 'secret.sql'),
  path.join(workspace, 'sql', 'link.sql')
);
symlinkSync(outside, path.join(workspace, 'elsewhere'));

const ENV = {
  ETL_CONF_SQL: `file://${workspace}/sql`,
  ETL_CONF_OUT: `file://${outside}`,
  ETL_CONF_LAKE: 's3a://lake/sql',
  NOT_ETL: `file://${workspace}/sql`
};
const saved = process.env;

beforeAll(() => {
  process.env = { ...saved, ...ENV };
});

afterAll(() => {
  process.env = saved;
});

function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {
    'x-xsrftoken': 't',
    cookie: '_xsrf=t',
    'sec-fetch-site': 'same-origin'
  }
) {
  const app = createServer(loadSettings({}, workspace, '/home/u'));
  return app.inject({
    method: 'POST',
    url,
    headers,
    payload: body as Record<string, unknown>
  });
}

async function read(...uris: string[]): Promise<SqlFilesResponse['files']> {
  const response = await post('/api/stages/sql-files', { uris });
  expect(response.statusCode).toBe(200);
  return response.json<SqlFilesResponse>().files;
}

describe('POST /api/stages/sql-files', () => {
  it('reads a workspace file named through an ETL_CONF_ variable, without sending the value', async () => {
    const response = await post('/api/stages/sql-files', {
      uris: ['${ETL_CONF_SQL}/check.sql']
    });
    expect(response.json<SqlFilesResponse>()).toEqual({
      files: [{ uri: '${ETL_CONF_SQL}/check.sql', text: 'SELECT 1 AS x' }]
    });
    expect(response.body).not.toContain(workspace);
  });

  it('reads file:///, file:/ and plain absolute paths inside the workspace', async () => {
    const file = path.join(workspace, 'sql', 'check.sql');
    const files = await read(`file://${file}`, `file:${file}`, file);
    expect(files.map(f => f.text)).toEqual([
      'SELECT 1 AS x',
      'SELECT 1 AS x',
      'SELECT 1 AS x'
    ]);
  });

  it('refuses files outside the workspace, by path, by .. and through symlinks', async () => {
    const files = await read(
      '${ETL_CONF_OUT}/secret.sql',
      '${ETL_CONF_SQL}/../../outside/secret.sql',
      '${ETL_CONF_SQL}/link.sql',
      `file://${workspace}/elsewhere/secret.sql`,
      `file://${workspace}/elsewhere/../outside/secret.sql`,
      '/etc/passwd'
    );
    for (const file of files) {
      expect(file).toMatchObject({
        text: null,
        reason: 'outside the workspace',
        missing: false
      });
    }
  });

  it('says why a file is not read: unset or foreign variable, remote, missing, too big, a folder', async () => {
    const files = await read(
      '${ETL_CONF_UNSET}/a.sql',
      '${NOT_ETL}/check.sql',
      '${ETL_CONF_LAKE}/a.sql',
      '${ETL_CONF_SQL}/nope.sql',
      '${ETL_CONF_SQL}/big.sql',
      '${ETL_CONF_SQL}',
      'sql/check.sql',
      '${?ETL_CONF_UNSET}sql/check.sql'
    );
    expect(
      files.map(f => [
        f.text === null && f.reason,
        f.text === null && f.missing
      ])
    ).toEqual([
      ['unset variable ETL_CONF_UNSET', false],
      [
        '${NOT_ETL} is not an ETL_CONF_* variable, the only ones Arcade resolves',
        false
      ],
      ['s3a:// is read at run time', false],
      ['not found', true],
      ['larger than 1 MiB', false],
      ['a folder, not a file', false],
      ['a relative path is read from wherever Arc runs', false],
      ['a relative path is read from wherever Arc runs', false]
    ]);
  });

  it('answers 400 for a malformed body or more than 50 files', async () => {
    expect((await post('/api/stages/sql-files', {})).statusCode).toBe(400);
    expect(
      (await post('/api/stages/sql-files', { uris: [1] })).statusCode
    ).toBe(400);
    const many = await post('/api/stages/sql-files', {
      uris: Array.from({ length: 51 }, (_, i) => `/x/${i}.sql`)
    });
    expect(many.statusCode).toBe(400);
    expect(many.json<ErrorResponse>().error.message).toContain('at most 50');
  });

  it('needs the XSRF token like every POST', async () => {
    const response = await post(
      '/api/stages/sql-files',
      { uris: ['${ETL_CONF_SQL}/check.sql'] },
      { cookie: '_xsrf=t' }
    );
    expect(response.statusCode).toBe(403);
    expect(response.body).not.toContain('SELECT');
  });
});

describe('POST /api/stages/lint reads the SQL files too', () => {
  it('lints the SQL of a stage whose inputURI is a workspace file', async () => {
    writeFileSync(
      path.join(workspace, 'sql', 'gate.sql'),
      'SELECT COUNT(*) = 0 AS valid, "" AS message\nFROM missing_view'
    );
    const response = await post('/api/stages/lint', {
      notebook: JSON.parse(
        notebook([
          '{"type": "SQLValidate", "name": "gate", "environments": ["dev"],\n "inputURI": ${ETL_CONF_SQL}"/gate.sql"}'
        ])
      ) as unknown,
      environments: ['dev']
    });
    expect(
      response.json<LintResponse>().diagnostics.map(d => [d.code, d.line])
    ).toEqual([['undefined-view', 2]]);
    expect(response.json<LintResponse>().diagnostics[0]?.message).toMatch(
      /^gate\.sql:2:6: no earlier stage creates the view "missing_view"/
    );
  });
});
