// The local Athena endpoint as the catalog benchmarks start it: DuckDB's
// extensions from the venv, the bridge's Athena client pointed at it, and one
// Delta table registered as `bench.<name>` through DDL, as jobs register theirs.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import athenaModule from '../kernel-bridge/lib/bench/catalog/athena.cjs';
import devAthenaModule from '../kernel-bridge/lib/bench/dev/athena.cjs';
import localModule from '../kernel-bridge/lib/bench/catalog/localAthena/service.cjs';

const bridgeRequire = createRequire(
  new URL('../kernel-bridge/package.json', import.meta.url)
);
const { AthenaClient } = bridgeRequire('@aws-sdk/client-athena');
const { AthenaCatalog } = athenaModule;
const { duckdbExtensionDir } = devAthenaModule;
const { createLocalAthena } = localModule;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'arcadebench';

/**
 * Starts an endpoint in `dir` with `latencyMs` of engine latency and registers
 * the Delta table at `tableDir` as `bench.<tableName>`. Returns the bridge's
 * client (`arcade`), the SDK client it uses (`client`, for peers) and `close`.
 */
export async function startLocalAthena({
  dir,
  latencyMs,
  tableDir,
  tableName
}) {
  const athena = await createLocalAthena({
    dir,
    accessKeyId: KEY,
    extensionDir: duckdbExtensionDir({}, repo),
    s3: null,
    executions: { queueMs: 5, latencyMs, maxRows: 100_000 },
    report: error => console.error(error)
  });
  const port = await athena.listen(0);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new AthenaClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: KEY, secretAccessKey: 'bench' }
  });
  const arcade = new AthenaCatalog(
    {
      endpoint,
      region: 'us-east-1',
      workGroup: 'primary',
      outputLocation: 's3://bench/results/',
      catalog: 'AwsDataCatalog',
      pricePerTb: 5,
      reuseMinutes: 0,
      timeoutMs: 600_000,
      previewRows: 100
    },
    { AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: 'bench' },
    client
  );
  await arcade.query('CREATE DATABASE IF NOT EXISTS bench', 1);
  await arcade.query(
    `CREATE EXTERNAL TABLE IF NOT EXISTS bench.${tableName} LOCATION '${pathToFileURL(tableDir).href}' TBLPROPERTIES ('table_type'='DELTA')`,
    1
  );
  return {
    arcade,
    client,
    close: async () => {
      client.destroy();
      await athena.close();
    }
  };
}
