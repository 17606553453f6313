import type { CurrentPointer, Manifest } from 'arcade-engine';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSettings } from '../../src/config';
import { GitService } from '../../src/git/service';
import {
  currentKey,
  manifestKey,
  objectKey,
  type Layout
} from '../../src/publish/keys';
import { PublishService } from '../../src/publish/service';
import { ArtifactStore } from '../../src/publish/store';
import { FaultProxy } from './faultProxy';
import { BIN } from './helpers';
import { plainGit, startStack, type Stack } from './stack';

let stack: Stack;
let workspace: string;
let reader: ArtifactStore;

/** A small deterministic PRNG, so a failing run can be replayed from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.ARCADE_FAULT_SEED ?? '20261202');

function layout(project: string): Layout {
  return { bucket: 'arcade-artifacts', prefix: 'arcade', project };
}

async function bytesOf(key: string): Promise<Buffer> {
  const answer = await reader.client.send(
    new (await import('@aws-sdk/client-s3')).GetObjectCommand({
      Bucket: reader.bucket,
      Key: key
    })
  );
  return Buffer.from(
    (await answer.Body?.transformToByteArray()) ?? new Uint8Array()
  );
}

/** Every file of the version matches its manifest entry byte for byte. */
async function expectComplete(
  project: string,
  version: string
): Promise<Manifest> {
  const found = await reader.getJson(manifestKey(layout(project), version));
  expect(found).not.toBeNull();
  const manifest = found?.value as Manifest;
  for (const file of manifest.files) {
    const bytes = await bytesOf(objectKey(layout(project), version, file.path));
    expect([
      file.path,
      bytes.byteLength,
      createHash('sha256').update(bytes).digest('hex')
    ]).toEqual([file.path, file.size, file.sha256]);
  }
  return manifest;
}

async function commitAndPush(dir: string, message: string): Promise<string> {
  await plainGit(stack, ['add', '-A'], dir);
  await plainGit(stack, ['commit', '-qm', message], dir);
  // Pushed by the bridge's git, which holds the credentials (the clone's remote has none).
  await new GitService(path.dirname(dir), stack.env).push(path.basename(dir));
  return (await plainGit(stack, ['rev-parse', 'HEAD'], dir)).stdout.trim();
}

function writeFiles(
  dir: string,
  count: number,
  size: number,
  salt: string
): void {
  mkdirSync(path.join(dir, 'sql', 'generated'), { recursive: true });
  for (let i = 0; i < count; i++) {
    const line = `SELECT ${i} AS n, '${salt}' AS salt -- ${'x'.repeat(60)}\n`;
    writeFileSync(
      path.join(dir, 'sql', 'generated', `q${i}.sql`),
      line.repeat(Math.ceil(size / line.length))
    );
  }
}

beforeAll(async () => {
  stack = await startStack('faults');
  workspace = path.join(stack.tmp, 'workspace');
  mkdirSync(workspace);
  await new GitService(workspace, stack.env).clone(
    stack.env.ARCADE_GIT_REMOTE ?? '',
    'project',
    undefined
  );
  reader = new ArtifactStore(loadSettings(stack.env, workspace).s3, {
    env: stack.env
  });
}, 120000);

afterAll(async () => {
  reader.destroy();
  await stack.stop();
});

describe('publishing through failures', () => {
  it('completes byte for byte through a proxy that drops connections and answers 500 and 503 SlowDown', async () => {
    const dir = path.join(workspace, 'project');
    writeFiles(dir, 40, 64 * 1024, 'faults');
    // One file over the multipart threshold, so parts go through the faults too.
    writeFileSync(
      path.join(dir, 'big.json'),
      JSON.stringify({ rows: 'y'.repeat(9 * 1024 * 1024) })
    );
    const commit = await commitAndPush(dir, 'Many files and a big one');
    const proxy = new FaultProxy(
      stack.env.ARCADE_S3_ENDPOINT ?? '',
      0.2,
      mulberry32(SEED)
    );
    await proxy.start();
    try {
      const env = {
        ...stack.env,
        ARCADE_S3_ENDPOINT: proxy.endpoint,
        ARCADE_PROJECT: 'faults'
      };
      const settings = { ...loadSettings(env, workspace), workspace };
      const service = new PublishService({
        settings,
        env,
        git: new GitService(workspace, env)
      });
      const result = await service.publish({ repo: 'project' });
      expect(result).toMatchObject({
        version: commit,
        current: true
      });
      expect(result.uploadedFiles).toBe(result.files.length);
      expect(proxy.injected).toBeGreaterThan(5);
      expect(proxy.counts.slowDowns + proxy.counts.errors500).toBeGreaterThan(
        0
      );
      expect(
        proxy.counts.dropped + proxy.counts.droppedAfterForward
      ).toBeGreaterThan(0);
    } finally {
      await proxy.stop();
    }
    const manifest = await expectComplete('faults', commit);
    expect(
      manifest.files.find(f => f.path === 'big.json')?.size
    ).toBeGreaterThan(9 * 1024 * 1024);
    const pointer = await reader.getJson(currentKey(layout('faults')));
    expect((pointer?.value as CurrentPointer).version).toBe(commit);
  }, 300000);

  it('a lost answer to CompleteMultipartUpload still ends in a complete version', async () => {
    const dir = path.join(workspace, 'project');
    writeFileSync(
      path.join(dir, 'big.json'),
      JSON.stringify({ rows: 'z'.repeat(9 * 1024 * 1024) })
    );
    const commit = await commitAndPush(dir, 'Another big file');
    const proxy = new FaultProxy(stack.env.ARCADE_S3_ENDPOINT ?? '', 0);
    proxy.dropAnswerOnce = (method, url) =>
      method === 'POST' && url.includes('uploadId=');
    await proxy.start();
    try {
      const env = {
        ...stack.env,
        ARCADE_S3_ENDPOINT: proxy.endpoint,
        ARCADE_PROJECT: 'complete'
      };
      const settings = { ...loadSettings(env, workspace), workspace };
      const result = await new PublishService({
        settings,
        env,
        git: new GitService(workspace, env)
      }).publish({
        repo: 'project'
      });
      expect(result).toMatchObject({ version: commit, current: true });
      expect(proxy.counts.droppedAfterForward).toBe(1);
    } finally {
      await proxy.stop();
    }
    await expectComplete('complete', commit);
  }, 120000);

  it('killed at 50 random points, current.json always names a complete version', async () => {
    const random = mulberry32(SEED + 1);
    const dir = path.join(workspace, 'project');
    const env = { ...stack.env, ARCADE_PROJECT: 'crash' };
    const run = (
      delay: number | null
    ): Promise<{ code: number | null; killed: boolean; ms: number }> =>
      new Promise(resolve => {
        const started = Date.now();
        const child = spawn(BIN, ['publish', '--json'], {
          cwd: dir,
          env,
          stdio: 'ignore'
        });
        let killed = false;
        const timer =
          delay === null
            ? null
            : setTimeout(() => {
                killed = child.kill('SIGKILL');
              }, delay);
        child.on('exit', code => {
          if (timer !== null) {
            clearTimeout(timer);
          }
          resolve({ code, killed, ms: Date.now() - started });
        });
      });
    writeFiles(dir, 30, 16 * 1024, 'crash-0');
    await commitAndPush(dir, 'Crash test: start');
    const full = await run(null);
    expect(full.code).toBe(0);
    const commits: string[] = [];
    let killedMidway = 0;
    for (let i = 1; i <= 50; i++) {
      writeFiles(dir, 30, 16 * 1024, `crash-${i}`);
      commits.push(await commitAndPush(dir, `Crash test ${i}`));
      const outcome = await run(Math.floor(random() * full.ms * 1.2));
      if (outcome.killed) {
        killedMidway += 1;
      }
      const pointer = await reader.getJson(currentKey(layout('crash')));
      expect(pointer).not.toBeNull();
      await expectComplete('crash', (pointer?.value as CurrentPointer).version);
    }
    expect(killedMidway).toBeGreaterThan(25);
    // Every version that has a manifest (what the versions list shows) is complete.
    const listed = await new PublishService({
      settings: { ...loadSettings(env, workspace), workspace },
      env,
      git: new GitService(workspace, env)
    }).versions('project');
    for (const version of listed.versions) {
      await expectComplete('crash', version.version);
    }
    // Publishing again finishes the last commit, sending only what is missing.
    const last = await run(null);
    expect(last.code).toBe(0);
    const pointer = await reader.getJson(currentKey(layout('crash')));
    expect((pointer?.value as CurrentPointer).version).toBe(
      commits[commits.length - 1]
    );
    await expectComplete('crash', commits[commits.length - 1] ?? '');
  }, 600000);
});
