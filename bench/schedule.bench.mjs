// Schedule benchmarks on the real local stack (MinIO, git http-backend, the
// local Argo service) started here, each against its peer in the same run:
// - "Run now" (`arcade submit`) to the run's first Arc stage starting, split
//   into Arcade's part (CLI, validation with Argo's code, API, controller, up
//   to the JVM's start) and the JVM/Spark/Arc part (JVM start to the first
//   stage); peer: the same notebook started directly with `java … ai.tripl.arc.ARC`
//   (JVM start to its first stage);
// - a schedule (`* * * * *`): the scheduled minute to the run's first stage;
// - log lines: when `arcade runs logs -f` prints each Arc record vs the
//   record's own timestamp (target: at most 1 s).
// Writes bench/results/schedule.json.
import { execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { arcTime, devUp, followLogs, machine, median } from './common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const ARCADE = path.join(repo, 'kernel-bridge', 'bin', 'arcade');
const RUNS = Number(process.env.ARCADE_BENCH_SCHEDULE_RUNS ?? 3);

const cell = source => ({
  cell_type: 'code',
  metadata: {},
  execution_count: null,
  outputs: [],
  source: source.split(/(?<=\n)/)
});
const notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {
    kernelspec: { name: 'arc', display_name: 'Arc', language: 'javascript' }
  },
  cells: [
    cell(
      '%sql name="numbers" outputView=numbers environments=dev\nSELECT id FROM range(1000)'
    ),
    cell(
      '%sql name="total" outputView=total environments=dev\nSELECT SUM(id) AS total FROM numbers'
    )
  ]
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'arcade-schedule-bench-'));
const state = path.join(tmp, 'state');
const sample = path.join(tmp, 'sample');
mkdirSync(path.join(sample, 'notebooks'), { recursive: true });
writeFileSync(
  path.join(sample, 'notebooks', 'bench.ipynb'),
  JSON.stringify(notebook, null, 1)
);
const stack = devUp(ARCADE, state, {
  ...process.env,
  ARCADE_SAMPLE_WORKSPACE: sample
});
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  ARCADE_PROJECT: 'bench'
};
Object.assign(env, stack.env);
const arcade = (args, cwd) =>
  execFileSync(ARCADE, args, { cwd, env, encoding: 'utf8' });

try {
  const work = path.join(tmp, 'work');
  mkdirSync(work);
  arcade(
    [
      'git',
      'clone',
      env.ARCADE_GIT_REMOTE.replace(/\/\/[^@]*@/, '//'),
      'project'
    ],
    work
  );
  const project = path.join(work, 'project');
  arcade(['publish', '--json'], project);

  // ---- Run now → first stage, and the log latency
  const submits = [];
  const latencies = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = Date.now();
    const { name } = JSON.parse(
      arcade(
        [
          'submit',
          'notebooks/bench.ipynb',
          '--env',
          'dev',
          '--retries',
          '0',
          '--json'
        ],
        project
      )
    );
    const returned = Date.now();
    const logs = followLogs(ARCADE, name, project, env);
    await logs.done;
    const run = JSON.parse(arcade(['runs', 'get', name], project));
    const podStarted = Date.parse(run.steps[0].startedAt);
    const firstStage = logs.lines
      .map(l => (l.line.includes('"event":"enter"') ? arcTime(l.line) : null))
      .find(t => t !== null);
    if (run.phase !== 'Succeeded' || firstStage === undefined) {
      throw new Error(
        `bench run ${name} ended ${run.phase}: ${logs.lines
          .slice(-5)
          .map(l => l.line)
          .join('\n')}`
      );
    }
    submits.push({
      submitCliMs: returned - t0,
      // startedAt has second precision: Arcade's part is bounded by it.
      arcadeMs: Math.max(0, podStarted - t0),
      jvmToFirstStageMs: firstStage - Math.max(podStarted, t0),
      totalMs: firstStage - t0
    });
    for (const { line, at } of logs.lines) {
      const stamped = arcTime(line);
      if (stamped !== null) {
        latencies.push(at - stamped);
      }
    }
  }

  // ---- peer: the same notebook started directly with java … ai.tripl.arc.ARC
  const kernel = JSON.parse(
    readFileSync(
      path.join(
        repo,
        '.venv',
        'share',
        'jupyter',
        'kernels',
        'arc',
        'kernel.json'
      ),
      'utf8'
    )
  );
  const argv = kernel.argv;
  const cpAt = argv.indexOf('-cp');
  const java = argv[0];
  const jvmFlags = argv.slice(1, cpAt);
  const classpath = argv[cpAt + 1];
  const file = path.join(project, 'notebooks', 'bench.ipynb');
  const peers = [];
  for (let i = 0; i < RUNS; i++) {
    const start = Date.now();
    const firstStage = await new Promise((resolve, reject) => {
      const child = spawn(java, [
        ...jvmFlags,
        '-Dspark.master=local[2]',
        '-Dspark.ui.enabled=false',
        '-Dspark.driver.bindAddress=127.0.0.1',
        '-Dspark.driver.host=127.0.0.1',
        '-cp',
        classpath,
        'ai.tripl.arc.ARC',
        `--etl.config.uri=file://${file}`,
        '--etl.config.environment=dev'
      ]);
      let seen = null;
      const look = chunk => {
        if (
          seen === null &&
          chunk.toString('utf8').includes('"event":"enter"')
        ) {
          seen = Date.now();
        }
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      child.once('close', code =>
        code === 0 && seen !== null
          ? resolve(seen)
          : reject(new Error(`peer Arc run exited ${code}`))
      );
    });
    peers.push(firstStage - start);
  }

  // ---- a schedule: the scheduled minute → the run's first stage
  arcade(
    [
      'schedule',
      'create',
      'bench-cron',
      '--notebook',
      'notebooks/bench.ipynb',
      '--env',
      'dev',
      '--cron',
      '* * * * *',
      '--retries',
      '0',
      '--concurrency',
      'Forbid'
    ],
    project
  );
  let cronRun = null;
  const deadline = Date.now() + 150_000;
  while (cronRun === null && Date.now() < deadline) {
    const runs = JSON.parse(
      arcade(['runs', 'list', '--schedule', 'bench-cron', '--json'], project)
    );
    cronRun = runs.find(r => r.phase === 'Succeeded') ?? null;
    if (cronRun === null) {
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
  }
  arcade(['schedule', 'delete', 'bench-cron'], project);
  let cron = null;
  if (cronRun !== null) {
    const scheduled = Number(cronRun.name.split('-').pop()) * 1000;
    const log = arcade(['runs', 'logs', cronRun.name], project).split('\n');
    const firstStage = log
      .map(line => (line.includes('"event":"enter"') ? arcTime(line) : null))
      .find(t => t !== null);
    cron = {
      scheduledAt: new Date(scheduled).toISOString(),
      scheduledToRunStartMs: Date.parse(cronRun.startedAt) - scheduled,
      scheduledToFirstStageMs: firstStage - scheduled
    };
  }

  const arcadeMs = median(submits.map(s => s.arcadeMs));
  const totalMs = median(submits.map(s => s.totalMs));
  const peerMs = median(peers);
  const sorted = [...latencies].sort((a, b) => a - b);
  const results = {
    benchmark: 'schedule',
    runs: RUNS,
    runNow: {
      medianTotalMs: totalMs,
      medianArcadeMs: arcadeMs,
      medianJvmToFirstStageMs: median(submits.map(s => s.jvmToFirstStageMs)),
      medianSubmitCliMs: median(submits.map(s => s.submitCliMs)),
      each: submits,
      peerDirectArcToFirstStageMs: peerMs,
      peerEach: peers,
      ratioTotalToPeer: totalMs / peerMs,
      note: "Arcade's part ends when the controller starts the step's JVM (startedAt has second precision)"
    },
    schedule: cron,
    logLatency: {
      lines: sorted.length,
      medianMs: sorted.length === 0 ? null : median(sorted),
      maxMs: sorted.at(-1) ?? null,
      target:
        'each Arc record printed by runs logs -f within 1000 ms of its timestamp',
      withinTarget: sorted.length > 0 && (sorted.at(-1) ?? Infinity) <= 1000
    },
    machine: machine(),
    date: new Date().toISOString()
  };
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(
    path.join(here, 'results/schedule.json'),
    `${JSON.stringify(results, null, 2)}\n`
  );
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} finally {
  execFileSync(ARCADE, ['dev', 'down', '--state', state], { stdio: 'inherit' });
  rmSync(tmp, { recursive: true, force: true });
}
