/** Wires the local Athena endpoint: catalog, DuckDB engine, executions and the HTTP protocol. */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { LakeEngine, type EngineOptions } from './engine';
import { Executions, type ExecutionsOptions } from './executions';
import { GlueCatalog } from './glue';
import { createEndpoint, createOperations } from './server';

export interface LocalAthenaOptions extends EngineOptions {
  /** `<state>/athena`: the catalog lives in `catalog/` under it. */
  dir: string;
  accessKeyId: string;
  executions: ExecutionsOptions;
  report: (error: unknown) => void;
}

export interface LocalAthena {
  catalog: GlueCatalog;
  listen(port: number): Promise<number>;
  close(): Promise<void>;
}

export async function createLocalAthena(
  options: LocalAthenaOptions
): Promise<LocalAthena> {
  const catalog = await GlueCatalog.open(path.join(options.dir, 'catalog'));
  const engine = await LakeEngine.open(options);
  const executions = new Executions(catalog, engine, options.executions);
  const server = createEndpoint(
    createOperations(catalog, executions),
    { accessKeyId: options.accessKeyId },
    options.report
  );
  return {
    catalog,
    listen: port =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: () =>
      new Promise(resolve => {
        server.close(() => {
          engine.close();
          resolve();
        });
        server.closeAllConnections();
      })
  };
}
