import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CompileResponse, ErrorResponse } from '../../../src/api';
import { loadSettings } from '../../../src/config';
import { createServer } from '../../../src/server/app';
import { notebook } from './helpers';

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
    headers: { 'x-xsrftoken': 't', cookie: '_xsrf=t' },
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
