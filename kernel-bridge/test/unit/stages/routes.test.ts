import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  CompileResponse,
  ErrorResponse,
  LineageGraph,
  LintResponse
} from 'arcade-engine';
import { loadSettings } from '../../../src/config';
import { createServer } from '../../../src/server/app';
import { notebook } from '../../../engine/test/helpers';

const workspace = mkdtempSync(path.join(os.tmpdir(), 'arcade-ws-'));
writeFileSync(
  path.join(workspace, 'job.ipynb'),
  notebook(['%sqlvaildate\nSELECT TRUE AS valid'])
);

function post(body: unknown) {
  const app = createServer(loadSettings({}, workspace, '/home/u'));
  return app.inject({
    method: 'POST',
    url: '/api/stages/compile',
    headers: {
      'x-xsrftoken': 't',
      cookie: '_xsrf=t',
      'sec-fetch-site': 'same-origin'
    },
    payload: body as Record<string, unknown>
  });
}

describe('POST /api/stages/compile', () => {
  it('compiles a workspace notebook by path, with stage locations', async () => {
    const response = await post({ path: 'job.ipynb' });
    expect(response.statusCode).toBe(200);
    const result = response.json<CompileResponse>();
    expect(result.stages[0]).toMatchObject({
      magic: '%sqlvaildate',
      type: 'SQLTransform',
      location: { cell: 0, line: 1, column: 1 }
    });
  });

  it('compiles an inline notebook with vars', async () => {
    const response = await post({
      notebook: JSON.parse(notebook(['{a = ${X}}'])) as unknown,
      vars: { X: 'v' }
    });
    expect(response.json<CompileResponse>().job.stages).toEqual([{ a: 'v' }]);
  });

  it('answers 422 with the location for a broken notebook, 400 for a bad body', async () => {
    const broken = await post({
      notebook: JSON.parse(notebook(['{a = '])) as unknown
    });
    expect(broken.statusCode).toBe(422);
    expect(broken.json<ErrorResponse>().error.message).toMatch(
      /^notebook: cell 1, line 1/
    );
    expect((await post({ path: '../x.ipynb' })).statusCode).toBe(400);
    expect((await post({})).statusCode).toBe(400);
  });
});

function postTo(url: string, body: unknown) {
  const app = createServer(loadSettings({}, workspace, '/home/u'));
  return app.inject({
    method: 'POST',
    url,
    headers: {
      'x-xsrftoken': 't',
      cookie: '_xsrf=t',
      'sec-fetch-site': 'same-origin'
    },
    payload: body as Record<string, unknown>
  });
}

describe('POST /api/stages/lint', () => {
  it('lints a workspace notebook by path', async () => {
    const response = await postTo('/api/stages/lint', { path: 'job.ipynb' });
    expect(response.statusCode).toBe(200);
    const codes = response
      .json<LintResponse>()
      .diagnostics.map(d => d.code)
      .sort();
    expect(codes).toEqual(['missing-key', 'stage-never-runs', 'unknown-magic']);
  });

  it('takes environments and returns compile errors as diagnostics', async () => {
    const response = await postTo('/api/stages/lint', {
      notebook: JSON.parse(notebook(['{a = '])) as unknown,
      environments: ['dev']
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<LintResponse>().diagnostics[0]).toMatchObject({
      cell: 0,
      code: 'compile-error'
    });
    expect(
      (
        await postTo('/api/stages/lint', {
          path: 'job.ipynb',
          environments: 'dev'
        })
      ).statusCode
    ).toBe(400);
  });
});

describe('POST /api/stages/lineage', () => {
  it('returns the graph of an inline notebook', async () => {
    const response = await postTo('/api/stages/lineage', {
      notebook: JSON.parse(
        notebook(['%sql outputView=b environments=dev\nSELECT * FROM a'])
      ) as unknown
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<LineageGraph>().edges).toEqual([
      { from: 'table:a', to: 'view:b', stage: 0, cell: 0 }
    ]);
  });
});
