import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type {
  ConfigResponse,
  ErrorResponse,
  HealthResponse
} from 'arcade-engine';
import { loadSettings, type Env } from '../../src/config';
import { BODY_LIMIT, createServer } from '../../src/server/app';
import { VERSION } from '../../src/version';

let kernelDir: string;

beforeAll(() => {
  kernelDir = mkdtempSync(path.join(tmpdir(), 'arcade-kernels-'));
});

afterAll(() => {
  rmSync(kernelDir, { recursive: true, force: true });
});

function app(env: Env = {}, requireDevToken = false): FastifyInstance {
  return createServer(
    loadSettings(
      { ARCADE_KERNELSPEC_DIRS: kernelDir, ...env },
      '/ws',
      '/home/u'
    ),
    { requireDevToken }
  );
}

describe('GET /api/health', () => {
  it('reports version, a missing Arc kernel and unconfigured backends', async () => {
    const response = await app().inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.json<HealthResponse>()).toEqual({
      status: 'ok',
      version: VERSION,
      arcKernel: { installed: false, name: 'arc', displayName: null },
      backends: {
        s3: { configured: false, endpoint: null },
        git: { configured: false, remote: null }
      }
    });
  });

  it('finds an installed Arc kernelspec and configured backends', async () => {
    mkdirSync(path.join(kernelDir, 'arc'), { recursive: true });
    writeFileSync(
      path.join(kernelDir, 'arc', 'kernel.json'),
      JSON.stringify({ display_name: 'Arc', argv: ['java'], language: 'arc' })
    );
    const response = await app({
      ARCADE_S3_ENDPOINT: 'http://127.0.0.1:9010',
      ARCADE_GIT_REMOTE: 'https://user:tok@git.example/ws.git'
    }).inject({ method: 'GET', url: '/api/health' });
    const body = response.json<HealthResponse>();
    expect(body.arcKernel).toEqual({
      installed: true,
      name: 'arc',
      displayName: 'Arc'
    });
    expect(body.backends).toEqual({
      s3: { configured: true, endpoint: 'http://127.0.0.1:9010' },
      git: { configured: true, remote: 'https://git.example/ws.git' }
    });
    expect(response.body).not.toContain('tok');
  });
});

describe('GET /api/config', () => {
  it('returns settings and never a credential, even when they are set', async () => {
    const secrets = {
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEYID',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMIsecretKEY',
      AWS_SESSION_TOKEN: 'sessionTOKENvalue',
      ARCADE_DEV_TOKEN: 'devTOKENvalue',
      ARCADE_GIT_REMOTE: 'https://bot:ghpTOKENvalue@git.example/ws.git'
    };
    const response = await app({
      ...secrets,
      ARCADE_S3_ENDPOINT: 'http://127.0.0.1:9010'
    }).inject({ method: 'GET', url: '/api/config' });
    expect(response.statusCode).toBe(200);
    const body = response.json<ConfigResponse>();
    expect(body.s3.endpoint).toBe('http://127.0.0.1:9010');
    expect(body.git.remote).toBe('https://git.example/ws.git');
    for (const value of Object.values(secrets)) {
      const sensitive = value.includes('@')
        ? 'ghpTOKENvalue'
        : value.replace(/^https?:\/\//, '');
      expect(response.body).not.toContain(sensitive);
    }
    expect(response.body.toLowerCase()).not.toMatch(/secret|password|token/);
  });
});

describe('errors', () => {
  it('answers unknown routes with 404 JSON', async () => {
    const response = await app().inject({
      method: 'GET',
      url: '/api/nope?x=1'
    });
    expect(response.statusCode).toBe(404);
    expect(response.json<ErrorResponse>()).toEqual({
      error: { code: 'not_found', message: 'no route for GET /api/nope' }
    });
  });

  it('answers bodies over 1 MiB with 413 JSON', async () => {
    const response = await app().inject({
      method: 'POST',
      url: '/api/health',
      headers: {
        'content-type': 'application/json',
        'x-xsrftoken': 't',
        cookie: '_xsrf=t'
      },
      payload: JSON.stringify({ data: 'x'.repeat(BODY_LIMIT) })
    });
    expect(response.statusCode).toBe(413);
    expect(response.json<ErrorResponse>().error.code).toBe('payload_too_large');
  });

  it('turns an unexpected exception into a 500 JSON without internals', async () => {
    const reported: unknown[] = [];
    const server = createServer(loadSettings({}), {
      requireDevToken: false,
      reportError: error => reported.push(error)
    });
    server.get('/api/boom', () => {
      throw new Error('database password is hunter2');
    });
    const response = await server.inject({ method: 'GET', url: '/api/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json<ErrorResponse>().error.code).toBe('internal');
    expect(response.body).not.toContain('hunter2');
    expect(reported).toHaveLength(1);
    const after = await server.inject({ method: 'GET', url: '/api/health' });
    expect(after.statusCode).toBe(200);
  });
});

describe('XSRF', () => {
  const post = (headers: Record<string, string>) =>
    app().inject({ method: 'POST', url: '/api/health', headers });

  it('rejects a POST without X-XSRFToken', async () => {
    const response = await post({ cookie: '_xsrf=2|abc|123' });
    expect(response.statusCode).toBe(403);
    expect(response.json<ErrorResponse>().error.code).toBe('xsrf');
  });

  it('rejects a POST whose X-XSRFToken differs from the _xsrf cookie', async () => {
    const response = await post({
      cookie: '_xsrf=2|abc|123',
      'x-xsrftoken': '2|abc|124'
    });
    expect(response.statusCode).toBe(403);
  });

  it('lets a same-origin POST with the matching token past the XSRF check', async () => {
    const response = await post({
      cookie: 'other=1; _xsrf=2|abc|123',
      'x-xsrftoken': '2|abc|123',
      'sec-fetch-site': 'same-origin'
    });
    expect(response.statusCode).not.toBe(403);
    expect(response.statusCode).toBe(404);
  });

  const token = { cookie: '_xsrf=2|abc|123', 'x-xsrftoken': '2|abc|123' };

  it('refuses a POST from a page of another origin, even with the token', async () => {
    const cases: Record<string, string>[] = [
      { origin: 'https://evil.example', host: '127.0.0.1:8888' },
      { origin: 'http://127.0.0.1:8889', host: '127.0.0.1:8888' },
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site' },
      {}
    ];
    for (const headers of cases) {
      const response = await post({ ...token, ...headers });
      expect({ headers, status: response.statusCode }).toEqual({
        headers,
        status: 403
      });
      expect(response.json<ErrorResponse>().error.code).toBe('xsrf');
    }
  });

  it('accepts an Origin that names the host the request was sent to', async () => {
    for (const headers of [
      { origin: 'http://127.0.0.1:8888', host: '127.0.0.1:8888' },
      { origin: 'https://hub.example', host: 'hub.example:443' }
    ]) {
      const response = await post({ ...token, ...headers });
      expect({ headers, status: response.statusCode }).toEqual({
        headers,
        status: 404
      });
    }
  });

  it('refuses a text/plain body, which another site can POST without a preflight', async () => {
    const response = await app().inject({
      method: 'POST',
      url: '/api/stages/compile',
      headers: {
        ...token,
        'sec-fetch-site': 'same-origin',
        'content-type': 'text/plain'
      },
      payload: JSON.stringify({ notebook: { cells: [] } })
    });
    expect(response.statusCode).toBe(415);
    expect(response.json<ErrorResponse>().error).toEqual({
      code: 'unsupported_media_type',
      message:
        'the request body must be application/json (send it with "Content-Type: application/json")'
    });
  });
});

describe('dev mode token', () => {
  const devEnv = { ARCADE_DEV_TOKEN: 'letmein' };

  it('refuses to build a dev-mode server without ARCADE_DEV_TOKEN', () => {
    expect(() => app({}, true)).toThrow(/ARCADE_DEV_TOKEN/);
  });

  it('requires Authorization: token <ARCADE_DEV_TOKEN> on every request', async () => {
    const server = app(devEnv, true);
    const none = await server.inject({ method: 'GET', url: '/api/health' });
    expect(none.statusCode).toBe(401);
    expect(none.json<ErrorResponse>().error.code).toBe('unauthorized');
    const wrong = await server.inject({
      method: 'GET',
      url: '/api/health',
      headers: { authorization: 'token nope' }
    });
    expect(wrong.statusCode).toBe(401);
    const right = await server.inject({
      method: 'GET',
      url: '/api/health',
      headers: { authorization: 'token letmein' }
    });
    expect(right.statusCode).toBe(200);
  });

  it('does not ask for the token on the unix socket', async () => {
    const response = await app(devEnv, false).inject({
      method: 'GET',
      url: '/api/health'
    });
    expect(response.statusCode).toBe(200);
  });
});
