// A preview of a 1,000,000-row Delta table (`LIMIT 100`): the local Athena
// endpoint (DuckDB's delta extension) through the bridge's Athena client, as
// the Data sidebar runs it, against the same query as a `%sql` cell in
// Arcade's Arc kernel (Arc 3.7.0 on Spark, with Delta), the peer — both warm
// (the endpoint running, Spark started), and Spark's first cell reported
// apart. Writes bench/results/delta-preview.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fixtureModule from '../kernel-bridge/lib/bench/catalog/deltaFixture.cjs';
import { machine, median } from './common.mjs';
import { startLocalAthena } from './localAthena.mjs';

const { writeDeltaTable } = fixtureModule;
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const ROWS = 1_000_000;
const RUNS = Number(process.env.ARCADE_BENCH_PREVIEW_RUNS ?? 7);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'arcade-delta-preview-'));
try {
  const table = path.join(tmp, 'lake', 'orders_1m');
  const writeStart = performance.now();
  await writeDeltaTable(
    table,
    [
      { name: 'order_id', type: 'long' },
      { name: 'customer', type: 'string' },
      { name: 'amount', type: 'double' },
      { name: 'status', type: 'string' }
    ],
    `SELECT range, 'customer ' || (range % 9973), range * 0.25, ` +
      `['new', 'paid', 'shipped', 'returned'][1 + range % 4] FROM range(${ROWS})`
  );
  const writeMs = performance.now() - writeStart;
  const uri = pathToFileURL(table).href;

  // Arcade: the local endpoint as `arcade dev up` configures it.
  const local = await startLocalAthena({
    dir: path.join(tmp, 'athena'),
    latencyMs: 0,
    tableDir: table,
    tableName: 'orders_1m'
  });
  const arcade = local.arcade;
  const sql = 'SELECT * FROM "bench"."orders_1m" LIMIT 100';
  const arcadeMs = [];
  let scanned = 0;
  for (let i = 0; i <= RUNS; i++) {
    const start = performance.now();
    const result = await arcade.query(sql, 100, { database: 'bench' });
    const elapsed = performance.now() - start;
    if (result.rows.length !== 100) {
      throw new Error(`the local endpoint returned ${result.rows.length} rows`);
    }
    scanned = result.status.statistics.dataScannedBytes;
    // The first run opens the table's files: the warm-up, as Spark's is.
    if (i > 0) {
      arcadeMs.push(elapsed);
    }
  }
  await local.close();
  console.log(`local endpoint: median ${Math.round(median(arcadeMs))} ms`);

  // The peer: the same query as a %sql cell in the Arc kernel's Spark.
  const spark = JSON.parse(
    execFileSync(
      path.join(repo, '.venv', 'bin', 'python'),
      [path.join(here, 'spark_preview.py'), uri, String(RUNS)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }
    )
  );
  const sparkMedian = median(spark.runsMs);
  console.log(
    `Arc kernel (Spark): first cell ${Math.round(spark.firstRunMs)} ms, then median ${Math.round(sparkMedian)} ms`
  );
  const arcadeMedian = median(arcadeMs);
  const result = {
    benchmark:
      'Preview of a 1,000,000-row Delta table (LIMIT 100): the local Athena endpoint vs a %sql cell in the Arc kernel (Spark)',
    machine: machine(),
    date: new Date().toISOString(),
    table: { rows: ROWS, columns: 4, writeMs: Math.round(writeMs) },
    runs: RUNS,
    localEndpoint: {
      medianMs: Math.round(arcadeMedian),
      ms: arcadeMs.map(Math.round),
      dataScannedBytes: scanned
    },
    arcKernelSpark: {
      medianMs: Math.round(sparkMedian),
      ms: spark.runsMs.map(Math.round),
      firstCellMs: Math.round(spark.firstRunMs)
    },
    ratio: Number((arcadeMedian / sparkMedian).toFixed(3))
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(
    path.join(here, 'results', 'delta-preview.json'),
    `${JSON.stringify(result, null, 2)}\n`
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
