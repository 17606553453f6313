// The Data sidebar in real JupyterLab (the built extension, Debian's Chromium)
// against the local Athena endpoint serving 20,000 tables in 200 databases:
// - opening the sidebar → the first databases on screen (target ≤ 500 ms);
// - with every table of every database loaded (20,000 rows in the tree), a
//   filter keystroke → the list re-rendered (target ≤ 16 ms at the 95th
//   percentile), against the same filter over the same names written as one
//   HTML string into a plain list (the bare DOM cost);
// - the JS heap the loaded tree holds (live objects after a full collection);
// - a preview: the status poll seeing SUCCEEDED → the first rows painted in
//   the grid (target ≤ 100 ms), split into the results request and the
//   grid's paint.
// Writes bench/results/data-sidebar.json.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../kernel-bridge/node_modules/playwright-core/index.mjs';
import glueModule from '../kernel-bridge/lib/bench/catalog/localAthena/glue.cjs';
import fixtureModule from '../kernel-bridge/lib/bench/catalog/deltaFixture.cjs';
import {
  CHROMIUM_ARGS,
  devUp,
  freePort,
  httpStatus,
  machine,
  median,
  percentile,
  until
} from './common.mjs';

const { GlueCatalog } = glueModule;
const { writeDeltaTable } = fixtureModule;
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const ARCADE = path.join(repo, 'kernel-bridge', 'bin', 'arcade');
const JUPYTER = path.join(repo, '.venv', 'bin', 'jupyter');
const DATABASES = 200;
const TABLES_PER_DATABASE = 100;
const KEYSTROKES = [
  'o',
  'or',
  'ord',
  'orde',
  'order',
  'order_',
  'order_1',
  'order_',
  'order',
  'orde',
  'ord',
  'or',
  'o',
  ''
];
const ROUNDS = Number(process.env.ARCADE_BENCH_SIDEBAR_ROUNDS ?? 3);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'arcade-sidebar-bench-'));
const state = path.join(tmp, 'state');
const root = path.join(tmp, 'root');
mkdirSync(root, { recursive: true });

// The catalog, written before the endpoint starts: 200 databases of 100 tables.
const seedStart = performance.now();
const catalog = await GlueCatalog.open(path.join(state, 'athena', 'catalog'));
for (let d = 0; d < DATABASES; d++) {
  const database = `db_${String(d).padStart(3, '0')}`;
  await catalog.createDatabase({ Name: database, Parameters: {} });
  const tables = [];
  for (let t = 0; t < TABLES_PER_DATABASE; t++) {
    const name = `${['order', 'customer', 'payment', 'refund'][t % 4]}_${d}_${t}`;
    tables.push({
      Name: name,
      CreateTime: Date.now() / 1000,
      TableType: 'EXTERNAL_TABLE',
      Columns: [
        { Name: 'id', Type: 'bigint' },
        { Name: 'value', Type: 'string' }
      ],
      PartitionKeys: [],
      Parameters: {
        table_type: 'DELTA',
        location: `s3://arcade-lake/bench/${database}/${name}`
      }
    });
  }
  await catalog.putTables(database, tables, true);
}
// One real Delta table to preview.
const previewTable = path.join(tmp, 'lake', 'preview_orders');
await writeDeltaTable(
  previewTable,
  [
    { name: 'order_id', type: 'long' },
    { name: 'customer', type: 'string' },
    { name: 'amount', type: 'double' }
  ],
  "SELECT range, 'customer ' || (range % 97), range * 0.5 FROM range(100000)"
);
const seedMs = performance.now() - seedStart;

const stack = devUp(ARCADE, state, {
  ...process.env,
  ARCADE_ATHENA_LATENCY_MS: '0',
  ARCADE_SAMPLE_WORKSPACE: path.join(tmp, 'no-sample')
});
const ports = stack.ports;
const stackEnv = stack.env;
execFileSync(
  ARCADE,
  [
    'query',
    `CREATE EXTERNAL TABLE db_000.preview_orders LOCATION 'file://${previewTable}' TBLPROPERTIES ('table_type'='DELTA')`
  ],
  { env: { ...process.env, ...stackEnv } }
);

const port = freePort(ports);
const server = spawn(
  JUPYTER,
  [
    'lab',
    '--config',
    'jupyter_server_test_config.py',
    '--no-browser',
    `--ServerApp.root_dir=${root}`
  ],
  {
    cwd: path.join(repo, 'ui-tests'),
    env: {
      ...process.env,
      ...stackEnv,
      ARCADE_UI_STACK: '0',
      ARCADE_UI_TEST_PORT: String(port)
    },
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

let browser;
try {
  await until(
    'JupyterLab',
    async () => (await httpStatus(`http://127.0.0.1:${port}/lab`)) === 200,
    180_000
  );
  // The bridge starts on its first request (jupyter-server-proxy); a user's
  // JupyterLab has asked for its status long before the sidebar is opened.
  await until(
    'the bridge',
    async () =>
      (await httpStatus(`http://127.0.0.1:${port}/arcade/api/health`)) === 200,
    60_000
  );
  browser = await chromium.launch({
    executablePath: process.env.ARCADE_CHROMIUM ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS]
  });
  const page = await browser.newPage({
    viewport: { width: 1600, height: 1000 }
  });
  page.on('console', message => {
    if (message.text().startsWith('bench:')) {
      console.error(message.text());
    }
  });

  const firstList = [];
  for (let round = 0; round < ROUNDS; round++) {
    console.error(`bench: round ${round + 1}: opening JupyterLab`);
    // A workspace of its own each round: nothing remembered from the last one.
    await page.goto(`http://127.0.0.1:${port}/lab/workspaces/bench-${round}`);
    await page.waitForFunction(
      () =>
        window.jupyterapp !== undefined &&
        window.jupyterapp.commands.hasCommand('arcade:show-data'),
      null,
      { timeout: 120_000 }
    );
    await page.evaluate(() => window.jupyterapp.restored);
    console.error(`bench: round ${round + 1}: opening the sidebar`);
    firstList.push(
      await page.evaluate(
        () =>
          new Promise((resolve, reject) => {
            const start = performance.now();
            void window.jupyterapp.commands.execute('arcade:show-data');
            const check = () => {
              if (performance.now() - start > 60_000) {
                const node = document.querySelector('#jp-Arcade-data');
                reject(
                  new Error(
                    `no database row after 60 s; sidebar: ${node === null ? 'absent' : node.className} ${node?.textContent?.slice(0, 300) ?? ''}`
                  )
                );
              } else if (
                document.querySelector(
                  '#jp-Arcade-data .jp-Arcade-Data-row.jp-mod-database'
                ) !== null
              ) {
                requestAnimationFrame(() => resolve(performance.now() - start));
              } else {
                requestAnimationFrame(check);
              }
            };
            check();
          })
      )
    );
  }

  // Load every table of every database (200 × 2 pages), then filter keystroke by keystroke.
  // The heap the loaded tree holds: live objects after a full collection, before and after.
  const cdp = await page.context().newCDPSession(page);
  const liveHeap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const heapBefore = await liveHeap();
  const loaded = await page.evaluate(async () => {
    const sidebar = [...window.jupyterapp.shell.widgets('left')].find(
      w => w.id === 'jp-Arcade-data'
    );
    const tree = sidebar.tree;
    const start = performance.now();
    // A page already being loaded makes these calls return at once: wait a tick between them.
    const tick = () => new Promise(resolve => setTimeout(resolve, 10));
    while (
      tree.loading ||
      tree.rows().some(r => r.kind === 'more' && r.key === 'm:')
    ) {
      await tree.loadMoreDatabases();
      await tick();
    }
    const databases = tree
      .rows()
      .filter(r => r.kind === 'database')
      .map(r => r.key);
    console.log(`bench: ${databases.length} databases listed`);
    for (let i = 0; i < databases.length; i += 20) {
      await Promise.all(
        databases
          .slice(i, i + 20)
          .map(key => (tree.isExpanded(key) ? undefined : tree.toggle(key)))
      );
    }
    for (;;) {
      const rows = tree.rows();
      const more = rows.filter(r => r.kind === 'more' && r.key !== 'm:');
      if (more.length === 0 && !rows.some(r => r.kind === 'loading')) break;
      console.log(
        `bench: ${tree.loadedTables} tables, ${more.length} more to load`
      );
      await Promise.all(more.map(r => tree.loadMoreTables(r.database)));
      await tick();
    }
    return {
      tables: tree.loadedTables,
      rows: tree.rows().length,
      loadMs: performance.now() - start
    };
  });
  loaded.heapBytes = (await liveHeap()) - heapBefore;

  const filter = await page.evaluate(async keystrokes => {
    const sidebar = [...window.jupyterapp.shell.widgets('left')].find(
      w => w.id === 'jp-Arcade-data'
    );
    const input = sidebar.filterInput;
    const arcade = [];
    for (let round = 0; round < 5; round++) {
      for (const text of keystrokes) {
        const start = performance.now();
        input.value = text;
        input.dispatchEvent(new Event('input'));
        sidebar.render();
        arcade.push(performance.now() - start);
        await new Promise(resolve => requestAnimationFrame(resolve));
      }
    }
    // The peer: the same filter over the same names, written as one HTML string.
    const names = sidebar.tree.rows().map(r => r.label);
    const list = document.createElement('ul');
    document.body.appendChild(list);
    const plain = [];
    for (let round = 0; round < 5; round++) {
      for (const text of keystrokes) {
        const start = performance.now();
        list.innerHTML = names
          .filter(name => name.includes(text))
          .map(name => `<li>${name}</li>`)
          .join('');
        void list.offsetHeight;
        plain.push(performance.now() - start);
        await new Promise(resolve => requestAnimationFrame(resolve));
      }
    }
    list.remove();
    input.value = '';
    input.dispatchEvent(new Event('input'));
    return { arcade, plain };
  }, KEYSTROKES);

  // Preview overhead: SUCCEEDED seen → first rows painted.
  const previews = [];
  for (let round = 0; round < 5; round++) {
    const id = await page.evaluate(() =>
      window.jupyterapp.commands.execute('arcade:preview-table', {
        database: 'db_000',
        table: 'preview_orders'
      })
    );
    await page
      .waitForSelector(
        `#${id} .jp-Arcade-Preview[data-rows], #${id}.jp-Arcade-Preview[data-rows]`,
        { timeout: 60_000 }
      )
      .catch(() => undefined);
    previews.push(
      await page.evaluate(async () => {
        for (let i = 0; i < 200; i++) {
          const marks = prefix =>
            performance
              .getEntriesByType('mark')
              .filter(m => m.name.startsWith(prefix));
          const succeeded = marks('arcade-preview-succeeded:');
          const pages = marks('arcade-preview-page:');
          const rows = marks('arcade-preview-rows:');
          if (
            rows.length > 0 &&
            succeeded.length > 0 &&
            rows.length === succeeded.length
          ) {
            const last = rows[rows.length - 1];
            const id = last.name.split(':')[1];
            const first = succeeded.find(m => m.name.split(':')[1] === id);
            const page = pages.find(m => m.name.split(':')[1] === id);
            performance.clearMarks();
            return {
              total: last.startTime - first.startTime,
              results: page.startTime - first.startTime,
              paint: last.startTime - page.startTime
            };
          }
          await new Promise(resolve => setTimeout(resolve, 50));
        }
        throw new Error('the preview did not show rows');
      })
    );
  }

  const result = {
    benchmark:
      'Data sidebar over 20,000 tables in 200 databases (local Athena endpoint), in Chromium',
    machine: machine(),
    date: new Date().toISOString(),
    seedMs: Math.round(seedMs),
    firstDatabasesShownMs: {
      median: Math.round(median(firstList)),
      all: firstList.map(Math.round),
      target: 500
    },
    loadedTree: {
      ...loaded,
      loadMs: Math.round(loaded.loadMs),
      heapMB: Number((loaded.heapBytes / 1024 / 1024).toFixed(1))
    },
    filterKeystrokeMs: {
      p95: Number(percentile(filter.arcade, 95).toFixed(2)),
      median: Number(median(filter.arcade).toFixed(2)),
      plainListP95: Number(percentile(filter.plain, 95).toFixed(2)),
      ratioToPlainList: Number(
        (percentile(filter.arcade, 95) / percentile(filter.plain, 95)).toFixed(
          3
        )
      ),
      target: 16
    },
    previewSucceededToRowsMs: {
      median: Math.round(median(previews.map(p => p.total))),
      all: previews.map(p => Math.round(p.total)),
      resultsRequestMedian: Math.round(median(previews.map(p => p.results))),
      paintMedian: Math.round(median(previews.map(p => p.paint))),
      target: 100
    }
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(
    path.join(here, 'results', 'data-sidebar.json'),
    `${JSON.stringify(result, null, 2)}\n`
  );
} catch (error) {
  console.error(serverLog.slice(-4000));
  throw error;
} finally {
  await browser?.close();
  stop();
  execFileSync(ARCADE, ['dev', 'down', '--state', state], { stdio: 'ignore' });
  rmSync(tmp, { recursive: true, force: true });
}
