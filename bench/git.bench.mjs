// Git and publish benchmarks, each against its peer in the same run, on the
// real local stack (MinIO, git http-backend) started here:
// - status of a 5,000-file repository with 10 changed files: Arcade's
//   isomorphic-git status vs `git status --porcelain` (target: at most 2x);
// - commit of 10 changed files: Arcade vs `git add` + `git commit`;
// - first publish of 200 files / 50 MB vs `aws s3 sync` of the same tree to
//   the same server (target: no slower);
// - republish of an unchanged commit: bytes and requests (target 0 bytes, <= 3 requests).
// Writes bench/results/git.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import configModule from '../kernel-bridge/lib/bench/config.cjs';
import gitModule from '../kernel-bridge/lib/bench/git/service.cjs';
import publishModule from '../kernel-bridge/lib/bench/publish/service.cjs';
import storeModule from '../kernel-bridge/lib/bench/publish/store.cjs';
import { devUp, machine, median } from './common.mjs';

const { loadSettings } = configModule;
const { GitService } = gitModule;
const { PublishService } = publishModule;
const { ArtifactStore } = storeModule;
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const ARCADE = path.join(repo, 'kernel-bridge', 'bin', 'arcade');
const AWS = path.join(repo, '.venv', 'bin', 'aws');
const RUNS = Number(process.env.ARCADE_BENCH_GIT_RUNS ?? 15);
const STATUS_FILES = 5000;
const PUBLISH_FILES = 200;
const PUBLISH_BYTES = 50 * 1024 * 1024;

const git = (args, cwd, env = process.env) =>
  execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env,
    encoding: 'utf8'
  });
const time = async work => {
  const start = performance.now();
  await work();
  return performance.now() - start;
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'arcade-git-bench-'));
const state = path.join(tmp, 'state');
const identity = {
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com'
};
const stack = devUp(ARCADE, state, {
  ...process.env,
  ARCADE_SAMPLE_WORKSPACE: path.join(tmp, 'no-sample')
});
const env = { ...process.env, ...identity, USER: 'bench', ...stack.env };

try {
  // ---- status and commit on a 5,000-file repository
  const big = path.join(tmp, 'status');
  mkdirSync(big);
  git(['init', '-q', '-b', 'main'], big);
  for (let i = 0; i < STATUS_FILES; i++) {
    const dir = path.join(big, `d${i % 50}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `f${i}.sql`), `SELECT ${i} AS n\n`);
  }
  git(['add', '-A'], big, env);
  git(['commit', '-qm', 'files'], big, env);
  for (let i = 0; i < 10; i++) {
    writeFileSync(
      path.join(big, `d${i}`, `f${i}.sql`),
      `SELECT ${i} + 1 AS n\n`
    );
  }
  const service = new GitService(tmp, env);
  const coldStatus = await time(() => service.status('status'));
  const changed = (await service.status('status')).files.length;
  const arcadeStatus = [];
  const gitStatus = [];
  for (let i = 0; i < RUNS; i++) {
    arcadeStatus.push(await time(() => service.status('status')));
    gitStatus.push(await time(async () => git(['status', '--porcelain'], big)));
  }

  const arcadeCommit = [];
  const gitCommit = [];
  for (let i = 0; i < RUNS; i++) {
    for (let f = 0; f < 10; f++) {
      writeFileSync(
        path.join(big, `d${f}`, `f${f}.sql`),
        `SELECT ${i} * ${f} AS n -- arcade\n`
      );
    }
    const paths = Array.from({ length: 10 }, (_, f) => `d${f}/f${f}.sql`);
    arcadeCommit.push(
      await time(async () => {
        await service.stage('status', paths);
        await service.commit('status', `arcade ${i}`);
      })
    );
    for (let f = 0; f < 10; f++) {
      writeFileSync(
        path.join(big, `d${f}`, `f${f}.sql`),
        `SELECT ${i} * ${f} AS n -- git\n`
      );
    }
    gitCommit.push(
      await time(async () => {
        git(['add', ...paths], big, env);
        git(['commit', '-qm', `git ${i}`], big, env);
      })
    );
  }

  // ---- first publish of 200 files / 50 MB, and the same tree with aws s3 sync
  const workspace = path.join(tmp, 'workspace');
  mkdirSync(workspace);
  const gitService = new GitService(workspace, env);
  await gitService.clone(env.ARCADE_GIT_REMOTE, 'project', undefined);
  const project = path.join(workspace, 'project');
  const size = Math.floor(PUBLISH_BYTES / PUBLISH_FILES);
  mkdirSync(path.join(project, 'sql'), { recursive: true });
  for (let i = 0; i < PUBLISH_FILES; i++) {
    const line = `SELECT ${i} AS n -- ${'p'.repeat(70)}\n`;
    writeFileSync(
      path.join(project, 'sql', `q${i}.sql`),
      line.repeat(Math.ceil(size / line.length)).slice(0, size)
    );
  }
  git(['add', '-A'], project, env);
  git(['commit', '-qm', 'publish bench'], project, env);
  await gitService.push('project');
  const settings = {
    ...loadSettings({ ...env, ARCADE_PROJECT: 'bench' }, workspace),
    workspace
  };
  const stores = [];
  const publisher = new PublishService({
    settings,
    env,
    git: gitService,
    store: () => {
      const store = new ArtifactStore(settings.s3, { env });
      stores.push(store);
      return store;
    }
  });
  let first;
  const publishMs = await time(async () => {
    first = await publisher.publish({ repo: 'project' });
  });
  const firstRequests = stores.at(-1).requests;
  let again;
  const republishMs = await time(async () => {
    again = await publisher.publish({ repo: 'project' });
  });
  const republishRequests = stores.at(-1).requests;

  // The peer: the same tree (without .git) with the AWS CLI; one run to warm it, one measured.
  const awsSync = prefix => {
    const start = performance.now();
    const result = spawnSync(
      AWS,
      [
        '--endpoint-url',
        env.ARCADE_S3_ENDPOINT,
        's3',
        'sync',
        '--only-show-errors',
        '--exclude',
        '.git/*',
        project,
        `s3://${env.ARCADE_ARTIFACT_BUCKET}/${prefix}/`
      ],
      { env, encoding: 'utf8' }
    );
    if (result.status !== 0) {
      throw new Error(`aws s3 sync failed: ${result.stderr}`);
    }
    return performance.now() - start;
  };
  awsSync('aws-sync-warmup');
  const syncMs = awsSync('aws-sync-bench');

  const statusMedian = median(arcadeStatus);
  const gitStatusMedian = median(gitStatus);
  const results = {
    benchmark: 'git and publish',
    status: {
      what: `status of ${STATUS_FILES} files with ${changed} changed`,
      runs: RUNS,
      arcadeColdMs: coldStatus,
      arcadeMedianMs: statusMedian,
      gitMedianMs: gitStatusMedian,
      ratio: statusMedian / gitStatusMedian,
      target: 'ratio <= 2',
      withinTarget: statusMedian / gitStatusMedian <= 2
    },
    commit: {
      what: 'stage and commit 10 changed files',
      runs: RUNS,
      arcadeMedianMs: median(arcadeCommit),
      gitMedianMs: median(gitCommit),
      ratio: median(arcadeCommit) / median(gitCommit)
    },
    firstPublish: {
      what: `${PUBLISH_FILES} files, ${PUBLISH_BYTES} bytes`,
      arcadeMs: publishMs,
      uploadedFiles: first.uploadedFiles,
      uploadedBytes: first.uploadedBytes,
      requests: firstRequests,
      awsS3SyncMs: syncMs,
      awsCli: execFileSync(AWS, ['--version'], { encoding: 'utf8' }).trim(),
      ratio: publishMs / syncMs,
      target: 'ratio <= 1 (no slower than aws s3 sync)',
      withinTarget: publishMs <= syncMs
    },
    republish: {
      arcadeMs: republishMs,
      uploadedBytes: again.uploadedBytes,
      requests: republishRequests,
      target: '0 bytes, <= 3 requests',
      withinTarget: again.uploadedBytes === 0 && republishRequests <= 3
    },
    machine: machine(),
    date: new Date().toISOString()
  };
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(
    path.join(here, 'results/git.json'),
    `${JSON.stringify(results, null, 2)}\n`
  );
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} finally {
  execFileSync(ARCADE, ['dev', 'down', '--state', state], { stdio: 'inherit' });
  rmSync(tmp, { recursive: true, force: true });
}
