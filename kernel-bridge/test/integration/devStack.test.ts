import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  parseGitCredentials,
  type GitCredentials
} from '../../src/dev/credentials';
import {
  arcade,
  devUp,
  freePort,
  freeStackPorts,
  isFree,
  processesMatching,
  REPO,
  run,
  type RunResult
} from './helpers';

let tmp: string;
let state: string;
let sample: string;
let s3Port: number;
let gitPort: number;
let argoPort: number;
let athenaPort: number;
let env: NodeJS.ProcessEnv;
let up: RunResult;
let exported: Map<string, string>;
let gitCredentials: GitCredentials;

const s3Marker = (): string => `server ${path.join(state, 's3', 'data')}`;
const readPidFile = (name: string): number =>
  Number(readFileSync(path.join(state, 'run', name), 'utf8').trim());
const basicAuth = (): string =>
  `Basic ${Buffer.from(
    `${gitCredentials.user}:${gitCredentials.password.reveal()}`
  ).toString('base64')}`;

function get(
  requestPath: string,
  headers: Record<string, string>
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: gitPort, path: requestPath, headers },
      res => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }
    );
    req.once('error', reject);
    req.end();
  });
}

function git(args: string[], cwd: string): Promise<RunResult> {
  return run('git', args, {
    cwd,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'arcade-dev-'));
  state = path.join(tmp, 'state');
  sample = path.join(tmp, 'sample');
  mkdirSync(path.join(sample, 'notebooks'), { recursive: true });
  writeFileSync(
    path.join(sample, 'notebooks', 'orders.ipynb'),
    JSON.stringify({ cells: [], metadata: { kernelspec: { name: 'arc' } } })
  );
  writeFileSync(path.join(sample, 'README.md'), '# Sample\n');
  ({ s3Port, gitPort, argoPort, athenaPort } = await freeStackPorts());
  env = { ...process.env, ARCADE_SAMPLE_WORKSPACE: sample };
  up = await devUp(state, { s3Port, gitPort, argoPort, athenaPort }, env);
  const parsed = parseGitCredentials(
    readFileSync(path.join(state, 'git-credentials'), 'utf8')
  );
  if (parsed === null) {
    throw new Error('dev up wrote no git credentials');
  }
  gitCredentials = parsed;
  const printed = await arcade(['dev', 'env', '--state', state], { env });
  exported = new Map(
    printed.stdout
      .trim()
      .split('\n')
      .map(line => {
        const match = /^export ([A-Z_0-9]+)=(.*)$/.exec(line);
        return [match?.[1] ?? line, match?.[2] ?? ''];
      })
  );
});

afterAll(async () => {
  await arcade(['dev', 'down', '--state', state], { env });
  rmSync(tmp, { recursive: true, force: true });
});

describe('arcade dev up', () => {
  it('starts S3 and git with visible progress', () => {
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(
      new RegExp(
        `Starting S3 server on 127\\.0\\.0\\.1:${s3Port} … ready in \\d+\\.\\ds`
      )
    );
    expect(up.stdout).toMatch(
      new RegExp(`Starting git server on 127\\.0\\.0\\.1:${gitPort} … ready in`)
    );
    expect(up.stdout).toMatch(
      new RegExp(
        `Starting local Argo service on 127\\.0\\.0\\.1:${argoPort} … ready in`
      )
    );
    expect(up.stdout).toMatch(
      new RegExp(
        `Starting local Athena endpoint on 127\\.0\\.0\\.1:${athenaPort} … ready in`
      )
    );
  });

  it('keeps the generated credentials private to the user', () => {
    for (const file of [
      's3/credentials',
      'aws-credentials',
      'git-credentials',
      'stack.json',
      'run/minio.pid',
      'run/git.pid',
      'logs/git.log',
      'argo-token',
      'run/argo.pid',
      'run/athena.pid',
      'logs/athena.log'
    ]) {
      expect(statSync(path.join(state, file)).mode & 0o777).toBe(0o600);
    }
  });

  it('prints export lines for dev env', () => {
    expect(Object.fromEntries(exported)).toEqual({
      ARCADE_STATE_DIR: state,
      ARCADE_S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      ARCADE_S3_REGION: 'us-east-1',
      ARCADE_ARTIFACT_BUCKET: 'arcade-artifacts',
      ARCADE_LAKE_BUCKET: 'arcade-lake',
      AWS_SHARED_CREDENTIALS_FILE: path.join(state, 'aws-credentials'),
      AWS_PROFILE: 'arcade-local',
      ARCADE_GIT_REMOTE:
        `http://${gitCredentials.user}:${gitCredentials.password.reveal()}` +
        `@127.0.0.1:${gitPort}/workspace.git`,
      ARCADE_ARGO_URL: `http://127.0.0.1:${argoPort}`,
      ARCADE_ARGO_NAMESPACE: 'arcade',
      ARCADE_ARGO_TOKEN_FILE: path.join(state, 'argo-token'),
      ARCADE_ATHENA_ENDPOINT: `http://127.0.0.1:${athenaPort}`,
      ARCADE_ATHENA_OUTPUT: 's3://arcade-lake/athena-results/',
      ARCADE_CATALOG_CRAWL: `lake=file://${path.join(state, 'lake', 'delta')}`,
      // Argo's tools of this checkout, for a bridge installed from the wheel.
      ARCADE_ARGO_DIR: path.join(REPO, '.cache', 'argo')
    });
  });

  it('serves the Argo API only with the token of the state folder', async () => {
    const url = `http://127.0.0.1:${argoPort}/api/v1/workflows/arcade`;
    const token = readFileSync(path.join(state, 'argo-token'), 'utf8').trim();
    expect((await fetch(url)).status).toBe(401);
    const answer = await fetch(url, {
      headers: { authorization: `Bearer ${token}` }
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ items: [] });
    expect(up.stdout).not.toContain(token);
  });

  it('shows the git remote without its password elsewhere', () => {
    const password = gitCredentials.password.reveal();
    expect(up.stdout).toContain(
      `git http://127.0.0.1:${gitPort}/workspace.git`
    );
    expect(up.stdout).not.toContain(password);
    expect(readFileSync(path.join(state, 'stack.json'), 'utf8')).not.toContain(
      password
    );
    expect(
      readFileSync(path.join(state, 'logs', 'git.log'), 'utf8')
    ).not.toContain(password);
  });
});

describe('the S3 server', () => {
  const saved: Record<string, string | undefined> = {};
  const names = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_PROFILE'
  ];
  let client: S3Client;

  beforeAll(() => {
    // The project pins Node 20; the SDK's notice about future releases
    // would only clutter the test output.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    // Credentials come the way a user gets them: from `arcade dev env`.
    for (const name of names) {
      saved[name] = process.env[name];
      Reflect.deleteProperty(process.env, name);
    }
    process.env.AWS_SHARED_CREDENTIALS_FILE = exported.get(
      'AWS_SHARED_CREDENTIALS_FILE'
    );
    process.env.AWS_PROFILE = exported.get('AWS_PROFILE');
    client = new S3Client({
      endpoint: exported.get('ARCADE_S3_ENDPOINT'),
      region: exported.get('ARCADE_S3_REGION'),
      forcePathStyle: true
    });
  });

  afterAll(() => {
    client.destroy();
    for (const name of names) {
      if (saved[name] === undefined) {
        Reflect.deleteProperty(process.env, name);
      } else {
        process.env[name] = saved[name];
      }
    }
  });

  it('has the artifact and lake buckets', async () => {
    const listed = await client.send(new ListBucketsCommand({}));
    const buckets = (listed.Buckets ?? []).map(bucket => bucket.Name);
    expect(buckets).toEqual(
      expect.arrayContaining(['arcade-artifacts', 'arcade-lake'])
    );
  });

  it('stores and returns an object', async () => {
    const key = 'demo/versions/abc123/manifest.json';
    const content = JSON.stringify({ commit: 'abc123', files: [] });
    await client.send(
      new PutObjectCommand({
        Bucket: 'arcade-artifacts',
        Key: key,
        Body: content,
        ContentType: 'application/json'
      })
    );
    const got = await client.send(
      new GetObjectCommand({ Bucket: 'arcade-artifacts', Key: key })
    );
    expect(await got.Body?.transformToString()).toBe(content);
  });

  it('rejects requests signed with wrong credentials', async () => {
    const intruder = new S3Client({
      endpoint: exported.get('ARCADE_S3_ENDPOINT'),
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'minioadmin', secretAccessKey: 'minioadmin' }
    });
    try {
      await expect(
        intruder.send(new CreateBucketCommand({ Bucket: 'intruder' }))
      ).rejects.toThrow();
    } finally {
      intruder.destroy();
    }
  });
});

describe('the git server', () => {
  let clone: string;

  it('serves workspace.git seeded from the sample workspace', async () => {
    clone = path.join(tmp, 'clone');
    const cloned = await git(
      ['clone', exported.get('ARCADE_GIT_REMOTE') ?? '', clone],
      tmp
    );
    expect(cloned.code).toBe(0);
    expect(existsSync(path.join(clone, 'notebooks', 'orders.ipynb'))).toBe(
      true
    );
    const log = await git(['log', '--format=%an <%ae>'], clone);
    expect(log.stdout.trim()).toBe('Arcade Demo <demo@arcade.local>');
  });

  it('accepts a push of a new commit', async () => {
    writeFileSync(path.join(clone, 'daily.sql'), 'SELECT 1\n');
    expect((await git(['add', 'daily.sql'], clone)).code).toBe(0);
    const commit = await git(
      [
        '-c',
        'user.name=Dev',
        '-c',
        'user.email=dev@example.com',
        'commit',
        '-m',
        'Add daily'
      ],
      clone
    );
    expect(commit.code).toBe(0);
    const pushed = await git(['push', 'origin', 'HEAD:main'], clone);
    expect(pushed.stderr).not.toMatch(/error|denied/i);
    expect(pushed.code).toBe(0);
    const head = (await git(['rev-parse', 'HEAD'], clone)).stdout.trim();
    const remote = await git(
      ['ls-remote', exported.get('ARCADE_GIT_REMOTE') ?? '', 'refs/heads/main'],
      tmp
    );
    expect(remote.stdout).toContain(head);
    const fresh = path.join(tmp, 'fresh');
    expect(
      (
        await git(
          ['clone', exported.get('ARCADE_GIT_REMOTE') ?? '', fresh],
          tmp
        )
      ).code
    ).toBe(0);
    expect(readFileSync(path.join(fresh, 'daily.sql'), 'utf8')).toBe(
      'SELECT 1\n'
    );
  });

  it('refuses plain git without or with wrong credentials', async () => {
    const anonymous = await git(
      [
        'clone',
        `http://127.0.0.1:${gitPort}/workspace.git`,
        path.join(tmp, 'anonymous')
      ],
      tmp
    );
    expect(anonymous.code).not.toBe(0);
    expect(existsSync(path.join(tmp, 'anonymous'))).toBe(false);
    const wrong = await git(
      [
        'push',
        `http://${gitCredentials.user}:wrong@127.0.0.1:${gitPort}/workspace.git`,
        'HEAD:main'
      ],
      clone
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/Authentication failed|401/);
  });

  it('answers 401, 403 and 400 as it should and keeps serving', async () => {
    const refs = '/workspace.git/info/refs?service=git-upload-pack';
    expect(await get(refs, {})).toBe(401);
    expect(
      await get(refs, {
        authorization: basicAuth(),
        host: `attacker.example:${gitPort}`
      })
    ).toBe(403);
    expect(await get('/%00', { authorization: basicAuth() })).toBe(400);
    expect(await get('/%E0%A4%A', { authorization: basicAuth() })).toBe(400);
    expect(await get(refs, { authorization: basicAuth() })).toBe(200);
  });

  it('answers a gzip-encoded upload-pack request', async () => {
    const head = (await git(['rev-parse', 'HEAD'], clone)).stdout.trim();
    const want = `want ${head}\n`;
    const pkt = `${(want.length + 4).toString(16).padStart(4, '0')}${want}00000009done\n`;
    const body = gzipSync(Buffer.from(pkt));
    const answer = await new Promise<{ status: number; body: Buffer }>(
      (resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: gitPort,
            method: 'POST',
            path: '/workspace.git/git-upload-pack',
            headers: {
              authorization: basicAuth(),
              'content-type': 'application/x-git-upload-pack-request',
              'content-encoding': 'gzip',
              'content-length': String(body.length)
            }
          },
          res => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks)
              });
            });
          }
        );
        req.once('error', reject);
        req.end(body);
      }
    );
    expect(answer.status).toBe(200);
    expect(answer.body.subarray(0, 8).toString()).toBe('0008NAK\n');
    expect(answer.body.includes(Buffer.from('PACK'))).toBe(true);
  });
});

describe('arcade dev up, again', () => {
  it('reports the running stack and starts nothing', async () => {
    const s3Pid = readPidFile('minio.pid');
    const gitPid = readPidFile('git.pid');
    const again = await devUp(
      state,
      { s3Port, gitPort, argoPort, athenaPort },
      env
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already running');
    expect(again.stdout).not.toContain('Starting');
    expect(readPidFile('minio.pid')).toBe(s3Pid);
    expect(readPidFile('git.pid')).toBe(gitPid);
    expect(processesMatching(s3Marker())).toEqual([s3Pid]);
  });

  it('refuses a port someone else listens on, naming the port', async () => {
    const blocker: Server = createServer();
    const taken = await freePort();
    await new Promise<void>(resolve =>
      blocker.listen(taken, '127.0.0.1', resolve)
    );
    const otherState = path.join(tmp, 'other-state');
    try {
      const result = await arcade(
        [
          'dev',
          'up',
          '--state',
          otherState,
          '--s3-port',
          String(taken),
          '--git-port',
          String(await freePort()),
          '--argo-port',
          String(await freePort())
        ],
        { env }
      );
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `arcade: port ${taken} on 127.0.0.1 is already in use; pick another with --s3-port or ARCADE_S3_PORT`
      );
      expect(existsSync(path.join(otherState, 'run', 'minio.pid'))).toBe(false);
      expect(
        processesMatching(`server ${path.join(otherState, 's3', 'data')}`)
      ).toEqual([]);
    } finally {
      await new Promise<void>(resolve =>
        blocker.close(() => {
          resolve();
        })
      );
    }
  });
});

describe('a S3 server that dies while starting', () => {
  it('fails with exit code 1 and points at its log', async () => {
    const brokenState = path.join(tmp, 'broken-state');
    const broken = path.join(tmp, 'broken-minio');
    writeFileSync(broken, '#!/bin/sh\necho "disk full" >&2\nexit 3\n', {
      mode: 0o755
    });
    const result = await arcade(
      [
        'dev',
        'up',
        '--state',
        brokenState,
        '--s3-port',
        String(await freePort()),
        '--git-port',
        String(await freePort()),
        '--argo-port',
        String(await freePort())
      ],
      { env: { ...env, ARCADE_MINIO_BIN: broken } }
    );
    const log = path.join(brokenState, 'logs', 'minio.log');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('… failed');
    expect(result.stderr.trim()).toBe(
      `arcade: S3 server exited while starting — see ${log}`
    );
    expect(readFileSync(log, 'utf8')).toContain('disk full');
    expect(existsSync(path.join(brokenState, 'run', 'minio.pid'))).toBe(false);
  });
});

describe('arcade dev down', () => {
  it('stops every service and frees their ports', async () => {
    const s3Pid = readPidFile('minio.pid');
    const gitPid = readPidFile('git.pid');
    const argoPid = readPidFile('argo.pid');
    const athenaPid = readPidFile('athena.pid');
    const down = await arcade(['dev', 'down', '--state', state], { env });
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`Stopped S3 server (pid ${s3Pid})`);
    expect(down.stdout).toContain(`Stopped git server (pid ${gitPid})`);
    expect(down.stdout).toContain(
      `Stopped local Argo service (pid ${argoPid})`
    );
    expect(down.stdout).toContain(
      `Stopped local Athena endpoint (pid ${athenaPid})`
    );
    expect(await isFree(argoPort)).toBe(true);
    expect(await isFree(athenaPort)).toBe(true);
    expect(processesMatching(s3Marker())).toEqual([]);
    expect(
      processesMatching(`git-serve --root ${path.join(state, 'git')}`)
    ).toEqual([]);
    expect(await isFree(s3Port)).toBe(true);
    expect(await isFree(gitPort)).toBe(true);
    expect(existsSync(path.join(state, 'run', 'minio.pid'))).toBe(false);
  });

  it('is fine to run when nothing is running', async () => {
    const again = await arcade(['dev', 'down', '--state', state], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('not running');
  });
});
