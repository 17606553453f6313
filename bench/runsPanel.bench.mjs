// The Argo runs panel in real JupyterLab (the built extension, Debian's
// Chromium), started with the UI tests' server configuration, which also
// starts the local stack (MinIO, git http-backend, the local Argo service):
// - 1,000 runs handed to the panel's model → rows laid out (budget 100 ms),
//   against the same rows written as one HTML string into a plain table in
//   the same page (the bare DOM cost), reported as `ratioToPlainTable`;
// - a real Arc run (Run now through the bridge's API, as the dialog does):
//   each Arc record's own timestamp → its line in the panel's log (target
//   ≤ 1 s), against `arcade runs logs -f` in the same run.
// Writes bench/results/runs-panel.json.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../kernel-bridge/node_modules/playwright-core/index.mjs';
import {
  arcTime,
  CHROMIUM_ARGS,
  devEnv,
  followLogs,
  freePort,
  httpStatus,
  machine,
  median,
  percentile,
  until
} from './common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const ARCADE = path.join(repo, 'kernel-bridge', 'bin', 'arcade');
const JUPYTER = path.join(repo, '.venv', 'bin', 'jupyter');
const ROUNDS = Number(process.env.ARCADE_BENCH_PANEL_ROUNDS ?? 15);

const port = freePort([]);
const server = spawn(
  JUPYTER,
  ['lab', '--config', 'jupyter_server_test_config.py', '--no-browser'],
  {
    cwd: path.join(repo, 'ui-tests'),
    env: { ...process.env, ARCADE_UI_TEST_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true
  }
);
let serverLog = '';
server.stderr.on('data', chunk => {
  serverLog = (serverLog + chunk.toString('utf8')).slice(-20_000);
});
const stop = () => {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
process.on('exit', stop);

let browser;
try {
  await until(
    'JupyterLab',
    async () => (await httpStatus(`http://127.0.0.1:${port}/lab`)) === 200,
    180_000
  );
  const infoFile = path.join(os.tmpdir(), `arcade-ui-stack-${port}.json`);
  await until('the stack', () => existsSync(infoFile), 60_000);
  const info = JSON.parse(readFileSync(infoFile, 'utf8'));
  const env = {
    ...process.env,
    ...devEnv(ARCADE, info.state),
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com'
  };
  const arcade = (args, cwd) =>
    execFileSync(ARCADE, args, { cwd, env, encoding: 'utf8' });
  const work = path.join(info.root, 'bench');
  mkdirSync(work, { recursive: true });
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
  const published = JSON.parse(arcade(['publish', '--json'], project));

  browser = await chromium.launch({
    executablePath: process.env.ARCADE_CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS
  });
  const page = await browser.newPage({
    viewport: { width: 1600, height: 1000 }
  });
  await page.goto(`http://127.0.0.1:${port}/lab/tree/bench/project`);
  await page.waitForFunction(
    () =>
      window.jupyterapp !== undefined &&
      window.jupyterapp.commands.hasCommand('arcade:show-argo-runs'),
    null,
    { timeout: 120_000 }
  );

  // ---- 1,000 runs → rows on screen, against a plain table
  const render = await page.evaluate(async rounds => {
    const app = window.jupyterapp;
    await app.commands.execute('arcade:show-argo-runs');
    const panel = Array.from(app.shell.widgets('right')).find(
      w => w.id === 'jp-Arcade-ArgoRuns'
    );
    // The bench feeds the model; the bridge's answers must not interleave.
    panel.model.pause();
    await new Promise(resolve => setTimeout(resolve, 1000));
    const rows = round =>
      Array.from({ length: 1000 }, (_, i) => ({
        name: `nightly-${round}-${100000 + i}`,
        phase: ['Succeeded', 'Failed', 'Running', 'Pending'][i % 4],
        trigger: i % 3 === 0 ? 'manual' : 'cron',
        schedule: 'nightly',
        commit: (round * 7919 + i).toString(16).padStart(40, 'a'),
        versionUri: 's3a://arcade-artifacts/arcade/project/versions/x/',
        notebooks: ['notebooks/00_quickstart.ipynb'],
        startedAt: new Date(Date.UTC(2027, 0, 1, 2, 0, i % 60)).toISOString(),
        finishedAt: null,
        durationSeconds: 30 + (i % 500),
        progress: '1/1',
        message: null
      }));
    const schedules = [
      {
        name: 'nightly',
        schedules: ['0 2 * * *'],
        timezone: 'UTC',
        suspended: false,
        commit: 'a'.repeat(40),
        notebooks: ['notebooks/00_quickstart.ipynb'],
        lastScheduledTime: null,
        active: [],
        nextRuns: ['2027-01-02T02:00:00Z']
      }
    ];
    const frame = () =>
      new Promise(resolve => requestAnimationFrame(() => resolve()));
    // After the next frame has been drawn: nothing left to lay out.
    const settled = () =>
      new Promise(resolve =>
        requestAnimationFrame(() => setTimeout(() => resolve(), 0))
      );
    const panelTimes = [];
    const scriptTimes = [];
    const panelFrames = [];
    const plainTimes = [];
    // Each is measured alone: the panel's rounds first, then the plain table's
    // (a 1,000-row table left in the page makes every later layout slower).
    for (let round = 0; round < rounds; round++) {
      const data = rows(round);
      await settled();
      const start = performance.now();
      panel.model.setLists(schedules, data);
      scriptTimes.push(performance.now() - start);
      // Reading a layout property makes the browser lay the rows out now.
      void panel.node.querySelector('.jp-Arcade-ArgoRuns-rows').offsetHeight;
      panelTimes.push(performance.now() - start);
      await frame();
      panelFrames.push(performance.now() - start);
      // Windowed: the rows in view are drawn, the table stands for all 1,000.
      if (
        panel.node
          .querySelector('.jp-Arcade-ArgoRuns-table')
          .getAttribute('aria-rowcount') !== '1001' ||
        panel.node.querySelector(`[data-run="nightly-${round}-100000"]`) ===
          null
      ) {
        throw new Error('the panel did not show the 1,000 runs');
      }
    }
    // Scrolling to any place of the 1,000: the rows there drawn on the next frame.
    const tableBox = panel.node.querySelector('.jp-Arcade-ArgoRuns-tableBox');
    const scrollTimes = [];
    for (let i = 0; i < rounds; i++) {
      await settled();
      const start = performance.now();
      tableBox.scrollTop = ((i * 397) % 1000) * 24;
      await frame();
      await frame();
      scrollTimes.push(performance.now() - start);
    }
    const plain = document.createElement('table');
    plain.style.cssText = 'position:absolute;left:0;top:0;width:400px;';
    const box = document.createElement('div');
    box.style.cssText =
      'position:fixed;left:0;top:0;width:420px;height:400px;overflow:auto;z-index:-1;';
    box.appendChild(plain);
    document.body.appendChild(box);
    const escape = text =>
      String(text).replace(
        /[&<>"]/g,
        c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]
      );
    for (let round = 0; round < rounds; round++) {
      const other = rows(round + 1000);
      await settled();
      const start = performance.now();
      plain.innerHTML = other
        .map(
          r =>
            `<tr><td>${escape(r.phase)}</td><td>${escape(r.name)}</td><td>${escape(r.trigger)}</td><td>${escape(r.startedAt)}</td><td>${r.durationSeconds} s</td><td><code>${escape(r.commit.slice(0, 7))}</code></td></tr>`
        )
        .join('');
      void plain.offsetHeight;
      plainTimes.push(performance.now() - start);
    }
    box.remove();
    panel.model.start();
    const heap = performance.memory?.usedJSHeapSize ?? null;
    return {
      panelTimes,
      scriptTimes,
      panelFrames,
      plainTimes,
      scrollTimes,
      heap
    };
  }, ROUNDS);

  if (process.env.ARCADE_BENCH_PANEL_LOGS === '0') {
    console.log(JSON.stringify(render, null, 1).slice(0, 3000));
    process.exit(0);
  }
  // ---- log lines: Arc's timestamp → the line in the panel (and in the CLI)
  await page.evaluate(() => {
    const log = document.querySelector('.jp-Arcade-ArgoRuns-log');
    window.__arcadeLog = [];
    new MutationObserver(records => {
      const now = Date.now();
      for (const record of records) {
        for (const node of record.addedNodes) {
          for (const line of (node.textContent ?? '').split('\n')) {
            window.__arcadeLog.push({ line, at: now });
          }
        }
      }
    }).observe(log, { childList: true, subtree: true, characterData: true });
  });
  const submitted = await page.evaluate(async () => {
    const app = window.jupyterapp;
    const settings = app.serviceManager.serverSettings;
    // As JupyterLab's ServerConnection does: the _xsrf cookie echoed in a header.
    const cookie = document.cookie.match(/_xsrf=([^;]+)/)?.[1] ?? '';
    const response = await fetch(`${settings.baseUrl}arcade/api/schedule/run`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-XSRFToken': cookie },
      body: JSON.stringify({
        repo: 'bench/project',
        spec: {
          name: 'bench-panel',
          steps: [{ notebook: 'notebooks/00_quickstart.ipynb' }],
          environment: 'dev',
          retries: { limit: 0, backoffSeconds: 1, factor: 1 }
        }
      })
    });
    return { status: response.status, body: await response.json() };
  });
  if (submitted.status !== 200) {
    throw new Error(`Run now failed: ${JSON.stringify(submitted.body)}`);
  }
  const name = submitted.body.run.name;
  const cli = followLogs(ARCADE, name, project, env);

  await page.evaluate(
    run => window.jupyterapp.commands.execute('arcade:show-argo-runs', { run }),
    name
  );
  await page.waitForFunction(
    run => {
      const head = document.querySelector('.jp-Arcade-ArgoRuns-detailHead');
      return (
        head !== null &&
        head.textContent.includes(run) &&
        /^(Succeeded|Failed|Error)/.test(head.textContent)
      );
    },
    name,
    { timeout: 240_000, polling: 200 }
  );
  await cli.done;
  await new Promise(resolve => setTimeout(resolve, 1500));
  const phase = await page.textContent(
    '.jp-Arcade-ArgoRuns-detailHead .jp-Arcade-ArgoRuns-phase'
  );
  const panelLines = await page.evaluate(() => window.__arcadeLog);
  const delays = lines =>
    lines
      .map(({ line, at }) => {
        const stamped = arcTime(line);
        return stamped === null ? null : at - stamped;
      })
      .filter(d => d !== null);
  const panelDelays = delays(panelLines);
  const cliDelays = delays(cli.lines);
  if (phase !== 'Succeeded' || panelDelays.length === 0) {
    throw new Error(
      `bench run ${name} ended ${phase} with ${panelDelays.length} Arc records in the panel`
    );
  }

  const panelMedian = median(render.panelTimes);
  const result = {
    benchmark: 'runs-panel',
    date: new Date().toISOString(),
    machine: machine(),
    chromium: browser.version(),
    version: published.commit,
    render: {
      runs: 1000,
      rounds: ROUNDS,
      medianMs: panelMedian,
      p95Ms: percentile(render.panelTimes, 95),
      maxMs: Math.max(...render.panelTimes),
      scriptMedianMs: median(render.scriptTimes),
      toNextFrameMedianMs: median(render.panelFrames),
      scrollToRowsDrawnMedianMs: median(render.scrollTimes),
      budgetMs: 100,
      withinBudget: percentile(render.panelTimes, 95) <= 100,
      jsHeapBytes: render.heap
    },
    peerPlainTable: {
      medianMs: median(render.plainTimes),
      p95Ms: percentile(render.plainTimes, 95)
    },
    ratioToPlainTable: panelMedian / median(render.plainTimes),
    logLatency: {
      run: name,
      records: panelDelays.length,
      panelMedianMs: median(panelDelays),
      panelMaxMs: Math.max(...panelDelays),
      cliMedianMs: cliDelays.length === 0 ? null : median(cliDelays),
      cliMaxMs: cliDelays.length === 0 ? null : Math.max(...cliDelays),
      targetMs: 1000,
      withinTarget: Math.max(...panelDelays) <= 1000
    }
  };
  const out = path.join(repo, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, 'runs-panel.json'),
    `${JSON.stringify(result, null, 2)}\n`
  );
  console.log(JSON.stringify(result, null, 2));
} catch (error) {
  console.error(serverLog.slice(-4000));
  throw error;
} finally {
  await browser?.close();
  stop();
}
