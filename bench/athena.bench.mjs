// Time to results of the bridge's Athena client against athena-express (npm,
// the peer), both on the same local Athena endpoint with engine latency
// injected at 0.3 s, 1 s and 3 s, querying the same Delta table (target: never
// slower; faster on short queries). athena-express is given AWS SDK v3 calls
// behind the v2-style interface it expects, and its pagination mode (results
// through GetQueryResults, as Arcade reads them). Writes bench/results/athena.json.
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fixtureModule from '../kernel-bridge/lib/bench/catalog/deltaFixture.cjs';
import { machine, median } from './common.mjs';
import { startLocalAthena } from './localAthena.mjs';

// The bridge's own node_modules hold the SDK and the peer.
const bridgeRequire = createRequire(
  new URL('../kernel-bridge/package.json', import.meta.url)
);
const {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand
} = bridgeRequire('@aws-sdk/client-athena');
const AthenaExpress = bridgeRequire('athena-express');
const { writeDeltaTable } = fixtureModule;
const here = path.dirname(fileURLToPath(import.meta.url));
const KEY = 'arcadebench';
const SQL = 'SELECT * FROM bench.orders ORDER BY order_id LIMIT 100';
const LEVELS = [
  { latencyMs: 300, runs: Number(process.env.ARCADE_BENCH_ATHENA_RUNS ?? 9) },
  { latencyMs: 1000, runs: 5 },
  { latencyMs: 3000, runs: 3 }
];

/** The v2-style `aws` object athena-express expects, on AWS SDK v3 calls. */
function v2Aws(client) {
  const call = Command => params => ({
    promise: () => client.send(new Command(params))
  });
  return {
    Athena: class {
      startQueryExecution = call(StartQueryExecutionCommand);
      getQueryExecution = call(GetQueryExecutionCommand);
      getQueryResults = call(GetQueryResultsCommand);
    },
    S3: class {},
    config: { credentials: { accessKeyId: KEY } }
  };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'arcade-athena-bench-'));
const results = [];
try {
  const table = path.join(tmp, 'lake', 'orders');
  await writeDeltaTable(
    table,
    [
      { name: 'order_id', type: 'long' },
      { name: 'customer', type: 'string' },
      { name: 'amount', type: 'double' }
    ],
    "SELECT range, 'customer ' || (range % 97), range * 0.5 FROM range(100000)"
  );
  for (const level of LEVELS) {
    const local = await startLocalAthena({
      dir: path.join(tmp, `athena-${level.latencyMs}`),
      latencyMs: level.latencyMs,
      tableDir: table,
      tableName: 'orders'
    });
    const { arcade, client } = local;
    const peer = new AthenaExpress({
      aws: v2Aws(client),
      s3: 's3://bench/results/',
      db: 'bench',
      pagination: 100
    });
    const arcadeTimes = [];
    const peerTimes = [];
    for (let i = 0; i < level.runs; i++) {
      // Alternate who goes first: the machine is shared and noisy.
      const order = i % 2 === 0 ? ['arcade', 'peer'] : ['peer', 'arcade'];
      for (const who of order) {
        const start = performance.now();
        if (who === 'arcade') {
          const result = await arcade.query(SQL, 100, { database: 'bench' });
          if (result.rows.length !== 100)
            throw new Error(`arcade read ${result.rows.length} rows`);
          arcadeTimes.push(performance.now() - start);
        } else {
          const result = await peer.query(SQL);
          if (result.Items.length !== 100)
            throw new Error(`athena-express read ${result.Items.length} rows`);
          peerTimes.push(performance.now() - start);
        }
      }
    }
    const a = median(arcadeTimes);
    const p = median(peerTimes);
    results.push({
      engineLatencyMs: level.latencyMs,
      runs: level.runs,
      arcadeMedianMs: Math.round(a),
      athenaExpressMedianMs: Math.round(p),
      ratio: Number((a / p).toFixed(3)),
      arcadeMs: arcadeTimes.map(Math.round),
      athenaExpressMs: peerTimes.map(Math.round)
    });
    console.log(
      `engine ${level.latencyMs} ms: Arcade ${Math.round(a)} ms, athena-express ${Math.round(p)} ms (ratio ${(a / p).toFixed(2)})`
    );
    await local.close();
  }
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(
    path.join(here, 'results', 'athena.json'),
    `${JSON.stringify(
      {
        benchmark:
          'Athena time to results: Arcade client vs athena-express 7.1.5 on the local endpoint',
        query: SQL,
        table: 'Delta, 100,000 rows',
        machine: machine(),
        date: new Date().toISOString(),
        target: 'ratio <= 1 at every latency; below 1 at 0.3 s',
        results
      },
      null,
      2
    )}\n`
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
