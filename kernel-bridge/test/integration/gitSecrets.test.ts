import {
  CreateSecretCommand,
  SecretsManagerClient
} from '@aws-sdk/client-secrets-manager';
import type { TaskSummary } from 'arcade-engine';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GitService } from '../../src/git/service';
import { freePort } from './helpers';
import { httpRequest, startServe, stop } from './serveHelpers';
import { startStack, type Stack } from './stack';

const MOTO = path.resolve(__dirname, '../../../.venv/bin/moto_server');
const SECRET_ID = 'arcade/git-token';

let stack: Stack;
let moto: ChildProcess;
let motoUrl: string;
let user: string;
let token: string;

/** AWS settings that reach moto's server mode, the declared local stand-in for Secrets Manager. */
function awsEnv(): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL_SECRETSMANAGER: motoUrl,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing-secret-key',
    AWS_REGION: 'us-east-1'
  };
}

beforeAll(async () => {
  stack = await startStack('secrets');
  const remote = new URL(stack.env.ARCADE_GIT_REMOTE ?? '');
  user = decodeURIComponent(remote.username);
  token = decodeURIComponent(remote.password);
  const port = await freePort();
  motoUrl = `http://127.0.0.1:${port}`;
  moto = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore'
  });
  const client = new SecretsManagerClient({
    endpoint: motoUrl,
    region: 'us-east-1',
    credentials: {
      accessKeyId: 'testing',
      secretAccessKey: 'testing-secret-key'
    }
  });
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(
        new CreateSecretCommand({
          Name: SECRET_ID,
          SecretString: JSON.stringify({ username: user, token })
        })
      );
      break;
    } catch (error) {
      if (attempt > 50) {
        throw error;
      }
      await sleep(200);
    }
  }
  client.destroy();
}, 120000);

afterAll(async () => {
  moto.kill();
  await stack.stop();
});

describe('the git token from AWS Secrets Manager', () => {
  it('clones and pushes with the token read from the secret, never writing it anywhere', async () => {
    const workspace = path.join(stack.tmp, 'sm');
    mkdirSync(workspace);
    const env = {
      ...awsEnv(),
      ARCADE_GIT_REMOTE: stack.remote,
      ARCADE_GIT_TOKEN_SECRET_ID: SECRET_ID
    };
    const service = new GitService(workspace, env);
    expect(service.credentials.source.kind).toBe('secrets-manager');
    await service.clone(stack.remote, 'project', undefined);
    writeFileSync(
      path.join(workspace, 'project', 'README.md'),
      '# via Secrets Manager\n'
    );
    await service.stage('project', ['README.md']);
    await service.commit('project', 'Token from Secrets Manager');
    expect((await service.push('project')).updated).toBe(true);
    expect(
      readFileSync(path.join(workspace, 'project', '.git', 'config'), 'utf8')
    ).not.toContain(token);
  });

  it('says which secret could not be read', async () => {
    const env = {
      ...awsEnv(),
      ARCADE_GIT_REMOTE: stack.remote,
      ARCADE_GIT_TOKEN_SECRET_ID: 'arcade/missing'
    };
    const workspace = path.join(stack.tmp, 'missing');
    mkdirSync(workspace);
    const failure = await new GitService(workspace, env)
      .clone(stack.remote, 'x', undefined)
      .then(
        () => null,
        (error: unknown) => error as Error
      );
    expect(failure?.message).toMatch(
      /could not read the git token from AWS Secrets Manager/
    );
    expect((failure as { hint?: string } | null)?.hint).toMatch(
      /arcade\/missing/
    );
  });
});

describe('the bridge over HTTP', () => {
  it('never puts a credential in a response or a log line during git and publish', async () => {
    const workspace = path.join(stack.tmp, 'http');
    mkdirSync(workspace);
    const port = await freePort();
    const log: string[] = [];
    const devToken = 'dev-token-for-the-scan-0123456789';
    const env = {
      ...stack.env,
      ARCADE_WORKSPACE: workspace,
      ARCADE_DEV_TOKEN: devToken,
      ARCADE_PROJECT: 'http-scan'
    };
    const bridge = await startServe(['--port', String(port)], env, log);
    const answers: string[] = [];
    const call = async (
      method: string,
      endpoint: string,
      body?: unknown
    ): Promise<unknown> => {
      const answer = await httpRequest(
        { port },
        method,
        endpoint,
        {
          Authorization: `token ${devToken}`,
          Cookie: '_xsrf=scan',
          'X-XSRFToken': 'scan',
          'Sec-Fetch-Site': 'same-origin',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
        },
        body === undefined ? undefined : JSON.stringify(body)
      );
      answers.push(answer.body);
      return JSON.parse(answer.body) as unknown;
    };
    const finish = async (started: unknown): Promise<TaskSummary> => {
      let task = (started as { task: TaskSummary }).task;
      while (task.status === 'running') {
        await sleep(100);
        task = (await call('GET', `/api/tasks/${task.id}`)) as TaskSummary;
      }
      return task;
    };
    try {
      expect(
        (
          await finish(
            await call('POST', '/api/git/clone', {
              url: stack.env.ARCADE_GIT_REMOTE,
              directory: 'project'
            })
          )
        ).status
      ).toBe('succeeded');
      writeFileSync(
        path.join(workspace, 'project', 'sql', 'scan.sql'),
        'SELECT 1\n'
      );
      await call('GET', '/api/git/status?repo=project');
      await call('POST', '/api/git/stage', {
        repo: 'project',
        paths: ['sql/scan.sql']
      });
      await call('POST', '/api/git/commit', {
        repo: 'project',
        message: 'scan'
      });
      expect(
        (await finish(await call('POST', '/api/git/push', { repo: 'project' })))
          .status
      ).toBe('succeeded');
      expect(
        (await finish(await call('POST', '/api/publish', { repo: 'project' })))
          .status
      ).toBe('succeeded');
      await call('GET', '/api/versions?repo=project');
      await call('GET', '/api/git/log?repo=project&limit=5');
      // Failures too: a repository the server does not have, and a server that is not there.
      const bad = new URL(stack.env.ARCADE_GIT_REMOTE ?? '');
      bad.pathname = '/nothing-here.git';
      const missing = await finish(
        await call('POST', '/api/git/clone', {
          url: bad.href,
          directory: 'bad'
        })
      );
      expect(missing.status).toBe('failed');
      bad.port = '1';
      const down = await finish(
        await call('POST', '/api/git/clone', {
          url: bad.href,
          directory: 'bad2'
        })
      );
      expect(down.error?.message).toMatch(/could not reach the git server/);
    } finally {
      await stop(bridge);
    }
    const everything = [...answers, ...log].join('\n');
    expect(answers.length).toBeGreaterThan(10);
    for (const secret of [
      ...stack.secrets,
      devToken,
      'wrong-password-987654'
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});
