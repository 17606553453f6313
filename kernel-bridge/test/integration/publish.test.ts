import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ArcadeError, type CurrentPointer, type Manifest } from 'arcade-engine';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { awsCredentialsFrom } from '../../src/awsCredentials';
import { loadSettings } from '../../src/config';
import { GitService } from '../../src/git/service';
import { PublishService } from '../../src/publish/service';
import { ArtifactStore } from '../../src/publish/store';
import { arcade } from './helpers';
import { plainClone, plainGit, startStack, type Stack, refusal } from './stack';

let stack: Stack;
let workspace: string;
let git: GitService;
let s3: S3Client;
const stores: ArtifactStore[] = [];
const texts: string[] = [];

function publisher(
  env: NodeJS.ProcessEnv = stack.env,
  repoWorkspace = workspace
): PublishService {
  const settings = {
    ...loadSettings(env, repoWorkspace),
    workspace: repoWorkspace
  };
  return new PublishService({
    settings,
    env,
    git: new GitService(repoWorkspace, env),
    store: () => {
      const store = new ArtifactStore(settings.s3, { env });
      stores.push(store);
      return store;
    }
  });
}

async function object(key: string): Promise<Buffer> {
  const answer = await s3.send(
    new GetObjectCommand({ Bucket: 'arcade-artifacts', Key: key })
  );
  return Buffer.from(
    (await answer.Body?.transformToByteArray()) ?? new Uint8Array()
  );
}

async function json<T>(key: string): Promise<T> {
  return JSON.parse((await object(key)).toString('utf8')) as T;
}

/** Clones in other folders publish to the same project. */
const projectEnv = (): NodeJS.ProcessEnv => ({
  ...stack.env,
  ARCADE_PROJECT: 'project'
});
const repoDir = (): string => path.join(workspace, 'project');
const base = 'arcade/project';

async function commitAll(dir: string, message: string): Promise<string> {
  await plainGit(stack, ['add', '-A'], dir);
  await plainGit(stack, ['commit', '-qm', message], dir);
  return (await plainGit(stack, ['rev-parse', 'HEAD'], dir)).stdout.trim();
}

/** Every file of the version in S3 matches the manifest byte for byte (sha256 and size). */
async function expectComplete(version: string): Promise<Manifest> {
  const manifest = await json<Manifest>(
    `${base}/versions/${version}/manifest.json`
  );
  expect(manifest.version).toBe(version);
  for (const file of manifest.files) {
    const bytes = await object(`${base}/versions/${version}/${file.path}`);
    expect(bytes.byteLength).toBe(file.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
  }
  return manifest;
}

beforeAll(async () => {
  stack = await startStack('publish');
  workspace = path.join(stack.tmp, 'workspace');
  mkdirSync(workspace);
  git = new GitService(workspace, stack.env);
  await git.clone(stack.env.ARCADE_GIT_REMOTE ?? '', 'project', undefined);
  await plainGit(stack, ['config', 'user.name', 'Ada'], repoDir());
  await plainGit(stack, ['config', 'user.email', 'ada@example.com'], repoDir());
  const settings = loadSettings(stack.env, workspace);
  s3 = new S3Client({
    region: settings.s3.region,
    endpoint: settings.s3.endpoint ?? undefined,
    forcePathStyle: true,
    credentials: awsCredentialsFrom(stack.env)
  });
}, 120000);

afterAll(async () => {
  s3.destroy();
  await stack.stop();
});

describe('Commit & Publish to the real S3 server', () => {
  let first: string;
  let second: string;

  it('publishes the committed assets and the compiled job, manifest last, then moves current', async () => {
    first = (await git.status('project')).head ?? '';
    const phases: string[] = [];
    const result = await publisher().publish(
      { repo: 'project' },
      {
        progress: u => {
          if (u.phase !== undefined) phases.push(u.phase);
        }
      }
    );
    expect(result).toMatchObject({
      version: first,
      commit: first,
      current: true,
      published: true,
      skippedFiles: 0
    });
    expect(result.files.map(f => [f.path, f.kind])).toEqual([
      ['.arcade/jobs/notebooks/orders.json', 'job'],
      ['notebooks/orders.ipynb', 'notebook'],
      ['sql/daily.sql', 'sql']
    ]);
    expect(result.uploadedFiles).toBe(3);
    expect(result.uploadedBytes).toBe(
      result.files.reduce((sum, f) => sum + f.size, 0)
    );
    expect(phases).toEqual(
      expect.arrayContaining([
        'Uploading',
        'Writing the manifest',
        'Making it current'
      ])
    );
    const manifest = await expectComplete(first);
    expect(manifest).toMatchObject({
      project: 'project',
      commit: first,
      branch: 'main',
      remote: stack.remote,
      lint: { notebooks: 1, errors: 0 }
    });
    expect(
      await object(`${base}/versions/${first}/notebooks/orders.ipynb`)
    ).toEqual(readFileSync(path.join(repoDir(), 'notebooks', 'orders.ipynb')));
    const job = JSON.parse(
      (
        await object(
          `${base}/versions/${first}/.arcade/jobs/notebooks/orders.json`
        )
      ).toString('utf8')
    ) as { stages: { name: string }[] };
    expect(job.stages.map(s => s.name)).toEqual([
      'recent orders',
      'order count'
    ]);
    expect(await json<CurrentPointer>(`${base}/current.json`)).toMatchObject({
      version: first,
      previous: null
    });
  });

  it('republishing the same commit sends 0 bytes in at most 3 requests', async () => {
    const store = stores.length;
    const result = await publisher().publish({ repo: 'project' });
    expect(result).toMatchObject({
      uploadedFiles: 0,
      uploadedBytes: 0,
      skippedFiles: 3,
      current: true
    });
    expect(stores[store]?.requests).toBeLessThanOrEqual(3);
  });

  it('refuses uncommitted asset changes, a commit not on the remote, and lint errors — each with where and what to do', async () => {
    const notebook = path.join(repoDir(), 'notebooks', 'orders.ipynb');
    const original = readFileSync(notebook, 'utf8');
    writeFileSync(
      notebook,
      original.replace('SELECT 1 AS id', 'SELECT 2 AS id')
    );
    const dirty = await refusal(
      texts,
      publisher().publish({ repo: 'project' })
    );
    expect(dirty.code).toBe('refused');
    expect(dirty.message).toContain('notebooks/orders.ipynb');

    second = await commitAll(repoDir(), 'Orders: id 2');
    const unpushed = await refusal(
      texts,
      publisher().publish({ repo: 'project' })
    );
    expect(unpushed.code).toBe('refused');
    expect(unpushed.hint).toMatch(/push main first/);

    const broken = path.join(repoDir(), 'notebooks', 'broken.ipynb');
    const parsed = JSON.parse(original) as { cells: { source: string[] }[] };
    parsed.cells[1] = {
      ...parsed.cells[1],
      source: [
        '%sql name="count" environments=dev,test\n',
        'SELECT COUNT(*) AS n FROM recent_orders'
      ]
    };
    writeFileSync(broken, JSON.stringify(parsed));
    await commitAll(repoDir(), 'Broken notebook');
    const lint = await refusal(
      texts,
      publisher().publish({ repo: 'project', push: true })
    );
    expect(lint.code).toBe('refused');
    expect(lint.message).toMatch(/notebooks\/broken\.ipynb cell 2 line \d+/);
    await plainGit(stack, ['reset', '-q', '--hard', second], repoDir());
  });

  it('with consent, pushes then publishes; rolls back and forward with conditional writes', async () => {
    const result = await publisher().publish({ repo: 'project', push: true });
    expect(result).toMatchObject({ version: second, current: true });
    await expectComplete(second);
    expect(await json<CurrentPointer>(`${base}/current.json`)).toMatchObject({
      version: second,
      previous: first
    });
    const back = await publisher().setCurrent('project', first);
    expect(back).toEqual({ current: first, previous: second });
    const listed = await publisher().versions('project');
    expect(listed.current).toBe(first);
    expect(listed.versions.map(v => [v.version, v.current])).toEqual([
      [second, false],
      [first, true]
    ]);
    const stale = await refusal(
      texts,
      publisher().setCurrent('project', second, second)
    );
    expect(stale.code).toBe('conflict');
    expect(stale.message).toMatch(
      new RegExp(`someone published ${first.slice(0, 7)} meanwhile`)
    );
    await publisher().setCurrent('project', second, first);
  });

  it('two publishers from two clones: neither update is lost', async () => {
    const clones = ['one', 'two'].map(name =>
      path.join(stack.tmp, `clone-${name}`)
    );
    const commits: string[] = [];
    for (const [index, dir] of clones.entries()) {
      await plainClone(stack, dir);
      writeFileSync(
        path.join(dir, 'sql', `clone${index}.sql`),
        `SELECT ${index}\n`
      );
      const commit = await commitAll(dir, `Clone ${index}`);
      commits.push(commit);
      await plainGit(
        stack,
        ['push', '-q', 'origin', `HEAD:refs/heads/clone-${index}`],
        dir
      );
      await plainGit(stack, ['fetch', '-q', 'origin'], dir);
    }
    const outcomes = await Promise.allSettled(
      clones.map(dir =>
        publisher(projectEnv(), path.dirname(dir)).publish({
          repo: path.basename(dir)
        })
      )
    );
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status === 'rejected') {
        const error = outcome.reason as ArcadeError;
        expect(error.code).toBe('conflict');
        expect(error.message).toMatch(/meanwhile/);
        await publisher(projectEnv(), stack.tmp).publish({
          repo: path.basename(clones[index] ?? '')
        });
      }
    }
    for (const commit of commits) {
      await expectComplete(commit);
    }
    const pointer = await json<CurrentPointer>(`${base}/current.json`);
    expect(commits).toContain(pointer.version);
    // The other publisher's move is the one this one replaced: recorded, not silently lost.
    expect(pointer.previous).toBe(commits.find(c => c !== pointer.version));
  });

  it('S3 itself refuses a stale If-Match and an If-None-Match over an existing current.json', async () => {
    const store = new ArtifactStore(loadSettings(stack.env, workspace).s3, {
      env: stack.env
    });
    try {
      const body = new TextEncoder().encode('{}');
      const stale = await refusal(
        texts,
        store.put(`${base}/current.json`, body, {
          ifMatch: '"0123456789abcdef0123456789abcdef"'
        })
      );
      expect(stale.code).toBe('conflict');
      const exists = await refusal(
        texts,
        store.put(`${base}/current.json`, body, { ifNoneMatch: true })
      );
      expect(exists.code).toBe('conflict');
      expect(
        (await json<CurrentPointer>(`${base}/current.json`)).version
      ).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      store.destroy();
    }
  });

  it('arcade publish/versions/rollback --json from a shell inside the repository', async () => {
    const cliEnv = { ...stack.env, ARCADE_PROJECT: 'project' };
    const published = await arcade(['publish', '--json'], {
      cwd: repoDir(),
      env: cliEnv
    });
    texts.push(published.stdout, published.stderr);
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);
    const result = JSON.parse(published.stdout) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining([
        'version',
        'commit',
        'uploadedFiles',
        'uploadedBytes',
        'skippedFiles',
        'current'
      ])
    );
    expect(result).toMatchObject({
      commit: second,
      uploadedBytes: 0,
      current: true
    });
    const listed = await arcade(['versions', '--json'], {
      cwd: path.join(repoDir(), 'sql'),
      env: cliEnv
    });
    texts.push(listed.stdout, listed.stderr);
    const versions = JSON.parse(listed.stdout) as {
      version: string;
      commit: string;
      author: string;
      time: string;
      lint: unknown;
      current?: boolean;
    }[];
    expect(versions.length).toBeGreaterThanOrEqual(4);
    expect(versions.filter(v => v.current)).toEqual([
      expect.objectContaining({ version: second, commit: second })
    ]);
    const rolled = await arcade(['rollback', first], {
      cwd: repoDir(),
      env: cliEnv
    });
    texts.push(rolled.stdout, rolled.stderr);
    expect(rolled.code).toBe(0);
    expect((await json<CurrentPointer>(`${base}/current.json`)).version).toBe(
      first
    );
    const missing = await arcade(['rollback', '0'.repeat(40)], {
      cwd: repoDir(),
      env: cliEnv
    });
    texts.push(missing.stdout, missing.stderr);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not a complete published version/);
  });

  it('a missing bucket, wrong credentials and an unreachable endpoint each say what failed', async () => {
    const cases: [NodeJS.ProcessEnv, string, RegExp][] = [
      [
        { ARCADE_ARTIFACT_BUCKET: 'no-such-bucket' },
        'upstream',
        /does not exist/
      ],
      [
        {
          AWS_ACCESS_KEY_ID: 'wrongkey1234',
          AWS_SECRET_ACCESS_KEY: 'wrong-secret-5678'
        },
        'unauthorized',
        /refused the credentials/
      ],
      [
        { ARCADE_S3_ENDPOINT: 'http://127.0.0.1:1' },
        'upstream',
        /could not reach S3/
      ]
    ];
    for (const [overrides, code, message] of cases) {
      const error = await refusal(
        texts,
        publisher({ ...stack.env, ...overrides }).versions('project')
      );
      expect([error.code, error.message]).toEqual([
        code,
        expect.stringMatching(message)
      ]);
    }
  }, 120000);

  it('a cancelled publish leaves nothing the versions list or current.json calls complete', async () => {
    writeFileSync(path.join(repoDir(), 'sql', 'cancelled.sql'), 'SELECT 42\n');
    const commit = await commitAll(repoDir(), 'To be cancelled');
    await git.push('project');
    const before = await json<CurrentPointer>(`${base}/current.json`);
    const controller = new AbortController();
    const cancelled = await refusal(
      texts,
      publisher().publish(
        { repo: 'project' },
        {
          signal: controller.signal,
          progress: update => {
            if (update.phase === 'Uploading') {
              controller.abort();
            }
          }
        }
      )
    );
    expect(cancelled.code).toBe('cancelled');
    expect(await json<CurrentPointer>(`${base}/current.json`)).toEqual(before);
    const listed = await publisher().versions('project');
    expect(listed.versions.map(v => v.version)).not.toContain(commit);
    // Publishing it again completes it.
    expect((await publisher().publish({ repo: 'project' })).version).toBe(
      commit
    );
    await expectComplete(commit);
  });

  it('no response, error or CLI output carries a credential in use', () => {
    const all = texts.join('\n');
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [...stack.secrets, 'wrong-secret-5678']) {
      expect(all).not.toContain(secret);
    }
  });
});
