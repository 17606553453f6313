// Compile benchmark: a generated 500-cell Arc notebook through Arcade's
// compiler and linter (in this Node process) and through Arc's own lintOnly
// (a JVM), measured in the same run. Writes bench/results/compile.json.
// Run with `npm run bench` in kernel-bridge (it builds lib/ and the linter
// bundle first: the SQL grammar ships as bundler-only ESM).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import engineModule from '../kernel-bridge/engine/dist/index.cjs';
import runtimeModule from '../kernel-bridge/lib/bench/runs/runtime.cjs';
import { benchBrowserRelint } from './browser.mjs';
import { machine } from './common.mjs';
import { CELLS, generateNotebook, median } from './notebook.mjs';

const { compileNotebook, lintNotebook } = engineModule;
// The same JVM flags Arcade's own batch runs use on Java 17.
const { JAVA17_OPTIONS } = runtimeModule;
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const ITERATIONS = Number(process.env.ARCADE_BENCH_ITERATIONS ?? 50);
const ARC_RUNS = Number(process.env.ARCADE_BENCH_ARC_RUNS ?? 1);

function runArc(file) {
  const jars = path.join(repo, '.cache/arc/jars');
  if (!existsSync(jars)) {
    return null;
  }
  const classpath = [path.join(jars, '*')];
  const plugins = path.join(repo, '.cache/arc/plugins');
  if (existsSync(plugins)) {
    classpath.push(path.join(plugins, '*'));
  }
  const times = [];
  for (let i = 0; i < ARC_RUNS; i++) {
    const start = performance.now();
    const result = spawnSync(
      'java',
      [
        '-Xmx1g',
        ...JAVA17_OPTIONS,
        '-Dspark.master=local[1]',
        '-Dspark.ui.enabled=false',
        '-cp',
        classpath.join(':'),
        'ai.tripl.arc.ARC',
        `--etl.config.uri=file://${file}`,
        '--etl.config.environment=dev',
        '--etl.config.lintOnly=true',
        '--RUN_DATE=2024-01-31',
        '--LAKE=lake'
      ],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }
    );
    times.push(performance.now() - start);
    if (result.status !== 0) {
      throw new Error(
        `Arc lintOnly failed (exit ${result.status}):\n${(result.stdout + result.stderr).slice(-2000)}`
      );
    }
  }
  return times;
}

const text = generateNotebook();
const dir = mkdtempSync(path.join(os.tmpdir(), 'arcade-bench-'));
const file = path.join(dir, 'bench-500.ipynb');
writeFileSync(file, text);

const vars = { RUN_DATE: '2024-01-31', LAKE: 'lake' };
for (let i = 0; i < 5; i++) {
  compileNotebook(text, { file, vars, reuse: false });
}
const compileTimes = [];
let stages = 0;
for (let i = 0; i < ITERATIONS; i++) {
  const start = performance.now();
  // Every cell compiled again: no per-cell result reused.
  stages = compileNotebook(text, { file, vars, reuse: false }).stages.length;
  compileTimes.push(performance.now() - start);
}
const lintOptions = { file, environments: ['dev', 'test', 'prod'] };
const coldTexts = Array.from({ length: ITERATIONS + 5 }, (_, i) =>
  generateNotebook(` -- run ${i}`)
);
for (let i = 0; i < 5; i++) {
  lintNotebook(coldTexts[ITERATIONS + i], lintOptions);
}
let diagnostics = 0;
const lintColdTimes = [];
for (let i = 0; i < ITERATIONS; i++) {
  const start = performance.now();
  diagnostics = lintNotebook(coldTexts[i], lintOptions).length;
  lintColdTimes.push(performance.now() - start);
}
const lintWarmTimes = [];
for (let i = 0; i < ITERATIONS; i++) {
  const start = performance.now();
  lintNotebook(coldTexts[0], lintOptions);
  lintWarmTimes.push(performance.now() - start);
}
const browser = await benchBrowserRelint({
  repo,
  notebookText: text,
  iterations: ITERATIONS
});
const browserMedian = median(browser.times);
const arcTimes = runArc(file);
const compileMedian = median(compileTimes);
const arcMedian = arcTimes === null ? null : median(arcTimes);
const lintColdMedian = median(lintColdTimes);
const lintWarmMedian = median(lintWarmTimes);

const results = {
  benchmark: 'compile',
  notebook: { cells: CELLS, bytes: Buffer.byteLength(text), stages },
  arcade: {
    what: 'compile + lint, every SQL body parsed (nothing cached)',
    iterations: ITERATIONS,
    medianMs: lintColdMedian,
    minMs: Math.min(...lintColdTimes),
    maxMs: Math.max(...lintColdTimes),
    diagnostics,
    budgetMs: 50,
    withinBudget: lintColdMedian <= 50
  },
  arcadeRelint: {
    what: 'compile + lint of an unchanged notebook (SQL analysis cached, as when the editor re-lints)',
    medianMs: lintWarmMedian
  },
  arcadeBrowserRelint: {
    what: 're-lint after a one-cell edit, in Chromium: the stage engine bundle JupyterLab loads (compile + lint of the whole notebook, SQL of unchanged cells cached)',
    iterations: ITERATIONS,
    medianMs: browserMedian,
    minMs: Math.min(...browser.times),
    maxMs: Math.max(...browser.times),
    firstAnalysisMs: browser.coldMs,
    engineLoadMs: browser.loadMs,
    diagnostics: browser.diagnostics,
    budgetMs: 16,
    withinBudget: browserMedian <= 16,
    chromium: browser.chromium
  },
  arcadeCompile: {
    what: 'compile only, every cell compiled (no per-cell result reused)',
    medianMs: compileMedian,
    minMs: Math.min(...compileTimes),
    maxMs: Math.max(...compileTimes)
  },
  arc:
    arcMedian === null
      ? null
      : {
          what: 'ai.tripl.arc.ARC --etl.config.lintOnly=true (JVM start included)',
          runs: ARC_RUNS,
          medianMs: arcMedian
        },
  ratio: arcMedian === null ? null : arcMedian / lintColdMedian,
  ratioBrowserRelint: arcMedian === null ? null : arcMedian / browserMedian,
  machine: machine(),
  date: new Date().toISOString()
};
mkdirSync(path.join(here, 'results'), { recursive: true });
writeFileSync(
  path.join(here, 'results/compile.json'),
  `${JSON.stringify(results, null, 2)}\n`
);
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
if (!results.arcade.withinBudget || !results.arcadeBrowserRelint.withinBudget) {
  process.exitCode = 1;
}
