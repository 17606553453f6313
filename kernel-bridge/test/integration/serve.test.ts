import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ErrorResponse, HealthResponse } from 'arcade-engine';
import { arcade, freePort } from './helpers';
import { httpRequest, startServe, stop } from './serveHelpers';

let tmp: string;
let kernels: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'arcade-serve-'));
  kernels = path.join(tmp, 'kernels');
  mkdirSync(path.join(kernels, 'arc'), { recursive: true });
  writeFileSync(
    path.join(kernels, 'arc', 'kernel.json'),
    JSON.stringify({ display_name: 'Arc', argv: ['java'], language: 'arc' })
  );
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

it('bin/arcade --version prints the package version', async () => {
  const pkg = JSON.parse(
    readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')
  ) as { version: string };
  const result = await arcade(['--version']);
  expect(result.code).toBe(0);
  expect(result.stdout.trim()).toBe(pkg.version);
});

describe('arcade serve --socket', () => {
  it('serves the API on a unix socket only the user can open', async () => {
    const socketPath = path.join(tmp, 'run', 'arcade.sock');
    const child = await startServe(['--socket', socketPath], {
      ...process.env,
      ARCADE_KERNELSPEC_DIRS: kernels,
      ARCADE_S3_ENDPOINT: 'http://127.0.0.1:9010',
      AWS_SECRET_ACCESS_KEY: 'doNotLeakThisValue'
    });
    try {
      const socketStat = statSync(socketPath);
      expect(socketStat.isSocket()).toBe(true);
      expect(socketStat.mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(socketPath)).mode & 0o777).toBe(0o700);

      const health = await httpRequest({ socketPath }, 'GET', '/api/health');
      expect(health.status).toBe(200);
      const body = JSON.parse(health.body) as HealthResponse;
      expect(body.status).toBe('ok');
      expect(body.arcKernel).toEqual({
        installed: true,
        name: 'arc',
        displayName: 'Arc'
      });
      expect(body.backends.s3).toEqual({
        configured: true,
        endpoint: 'http://127.0.0.1:9010'
      });

      const config = await httpRequest({ socketPath }, 'GET', '/api/config');
      expect(config.status).toBe(200);
      expect(config.body).not.toContain('doNotLeakThisValue');

      const post = await httpRequest({ socketPath }, 'POST', '/api/health');
      expect(post.status).toBe(403);
      expect((JSON.parse(post.body) as ErrorResponse).error.code).toBe('xsrf');
    } finally {
      expect(await stop(child)).toBe(0);
    }
    expect(existsSync(socketPath)).toBe(false);
  });

  it('replaces a stale socket file left by a crashed bridge', async () => {
    const socketPath = path.join(tmp, 'stale.sock');
    writeFileSync(socketPath, '');
    const child = await startServe(['--socket', socketPath], process.env);
    try {
      const health = await httpRequest({ socketPath }, 'GET', '/api/health');
      expect(health.status).toBe(200);
    } finally {
      await stop(child);
    }
  });
});

describe('arcade serve --port (dev mode)', () => {
  it('listens on 127.0.0.1 and requires the dev token', async () => {
    const port = await freePort();
    const child = await startServe(['--port', String(port)], {
      ...process.env,
      ARCADE_DEV_TOKEN: 'integration-token'
    });
    try {
      const denied = await httpRequest({ port }, 'GET', '/api/health');
      expect(denied.status).toBe(401);
      const allowed = await httpRequest({ port }, 'GET', '/api/health', {
        authorization: 'token integration-token'
      });
      expect(allowed.status).toBe(200);
    } finally {
      await stop(child);
    }
  });
});
