import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  generateGitCredentials,
  type GitCredentials
} from '../../src/dev/credentials';
import { createGitHttpServer } from '../../src/dev/gitServer';
import { run, type RunResult } from '../integration/helpers';
import { isAuthorized, isServedHost } from '../../src/dev/httpAuth';
import { seedWorkspaceRepo } from '../../src/dev/seed';
import { Secret } from '../../src/secret';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let tmp: string;
let server: Server;
let port: number;
let credentials: GitCredentials;
const logged: string[] = [];

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function ask(
  requestPath: string,
  headers: Record<string, string> = {},
  method = 'GET'
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path: requestPath, headers },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8')
          });
        });
      }
    );
    req.once('error', reject);
    req.end();
  });
}

function git(args: string[], cwd: string): Promise<RunResult> {
  return run('git', args, {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: tmp,
      GIT_TERMINAL_PROMPT: '0',
      GIT_ASKPASS: '',
      SSH_ASKPASS: '',
      GIT_CONFIG_NOSYSTEM: '1'
    }
  });
}

const refs = '/workspace.git/info/refs?service=git-upload-pack';
const authorized = (): Record<string, string> => ({
  authorization: basic(credentials.user, credentials.password.reveal())
});
const remote = (user: string, password: string): string =>
  `http://${user}:${password}@127.0.0.1:${port}/workspace.git`;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'arcade-gitserver-'));
  const sample = path.join(tmp, 'sample');
  mkdirSync(sample);
  writeFileSync(path.join(sample, 'README.md'), '# Sample\n');
  const root = path.join(tmp, 'git');
  mkdirSync(root);
  await seedWorkspaceRepo(path.join(root, 'workspace.git'), sample);
  credentials = generateGitCredentials();
  server = createGitHttpServer(root, credentials, line => logged.push(line));
  await new Promise<void>(resolve => {
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>(resolve => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
  rmSync(tmp, { recursive: true, force: true });
});

describe('the dev git server', () => {
  it('asks for credentials when a request has none or wrong ones', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: basic(credentials.user, 'wrong') },
      { authorization: basic('someone', credentials.password.reveal()) },
      { authorization: 'Bearer abc' },
      { authorization: 'Basic !!!' }
    ];
    for (const headers of attempts) {
      const answer = await ask(refs, headers);
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Basic realm="arcade"');
    }
  });

  it('refuses a push without credentials before git sees it', async () => {
    const answer = await ask(
      '/workspace.git/git-receive-pack',
      { 'content-type': 'application/x-git-receive-pack-request' },
      'POST'
    );
    expect(answer.status).toBe(401);
    const refsForPush = await ask(
      '/workspace.git/info/refs?service=git-receive-pack'
    );
    expect(refsForPush.status).toBe(401);
  });

  it('answers with the right credentials, on 127.0.0.1 and localhost', async () => {
    expect((await ask(refs, authorized())).status).toBe(200);
    expect(
      (await ask(refs, { ...authorized(), host: `localhost:${port}` })).status
    ).toBe(200);
  });

  it('refuses a Host it does not serve', async () => {
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1:${port + 1}`,
      `127.0.0.1.evil.example:${port}`
    ]) {
      const answer = await ask(refs, { ...authorized(), host });
      expect(answer.status).toBe(403);
    }
  });

  it('answers 400 to a malformed path and keeps serving', async () => {
    for (const bad of [
      '/%00',
      '/workspace.git%00/info/refs',
      '/%E0%A4%A',
      '/%zz'
    ]) {
      expect((await ask(bad, authorized())).status).toBe(400);
      expect((await ask(refs, authorized())).status).toBe(200);
    }
  });

  it('lets plain git clone and push with the credentials in the URL', async () => {
    const clone = path.join(tmp, 'clone');
    const cloned = await git(
      ['clone', remote(credentials.user, credentials.password.reveal()), clone],
      tmp
    );
    expect(cloned.stderr).not.toMatch(/fatal/);
    expect(cloned.code).toBe(0);
    writeFileSync(path.join(clone, 'daily.sql'), 'SELECT 1\n');
    expect((await git(['add', 'daily.sql'], clone)).code).toBe(0);
    const commit = await git(
      [
        '-c',
        'user.name=Dev',
        '-c',
        'user.email=dev@example.com',
        '-c',
        'commit.gpgsign=false',
        'commit',
        '-m',
        'Add daily'
      ],
      clone
    );
    expect(commit.code).toBe(0);
    const pushed = await git(['push', 'origin', 'HEAD:main'], clone);
    expect(pushed.stderr).not.toMatch(/error|denied|fatal/i);
    expect(pushed.code).toBe(0);
  });

  it('refuses plain git without or with wrong credentials', async () => {
    const anonymous = await git(
      [
        'clone',
        `http://127.0.0.1:${port}/workspace.git`,
        path.join(tmp, 'anon')
      ],
      tmp
    );
    expect(anonymous.code).not.toBe(0);
    const wrong = await git(
      ['ls-remote', remote(credentials.user, 'not-the-password')],
      tmp
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/Authentication failed|401/);
  });

  it('never logs the password', () => {
    expect(logged.join('\n')).not.toContain(credentials.password.reveal());
  });
});

describe('isServedHost', () => {
  it('accepts only 127.0.0.1 and localhost on the served port', () => {
    expect(isServedHost('127.0.0.1:9020', 9020)).toBe(true);
    expect(isServedHost('LOCALHOST:9020', 9020)).toBe(true);
    expect(isServedHost(undefined, 9020)).toBe(false);
    expect(isServedHost('127.0.0.1', 9020)).toBe(false);
    expect(isServedHost('127.0.0.1:9021', 9020)).toBe(false);
    expect(isServedHost('[::1]:9020', 9020)).toBe(false);
    expect(isServedHost('attacker.example:9020', 9020)).toBe(false);
    expect(isServedHost('127.0.0.1', 80)).toBe(true);
  });
});

describe('isAuthorized', () => {
  const mine = { user: 'arcadeab', password: new Secret('p:ss-word') };
  it('checks HTTP Basic credentials', () => {
    expect(isAuthorized(basic('arcadeab', 'p:ss-word'), mine)).toBe(true);
    expect(
      isAuthorized(`basic  ${basic('arcadeab', 'p:ss-word').slice(6)}`, mine)
    ).toBe(true);
    expect(isAuthorized(basic('arcadeab', 'p:ss-wor'), mine)).toBe(false);
    expect(isAuthorized(basic('arcadea', 'p:ss-word'), mine)).toBe(false);
    expect(isAuthorized(basic('arcadeab', 'p:ss-word '), mine)).toBe(false);
    expect(isAuthorized(undefined, mine)).toBe(false);
    expect(isAuthorized('Basic', mine)).toBe(false);
  });
});
