/**
 * `arcade catalog crawl`: the local counterpart of a Glue crawler. It finds
 * the Delta tables under each configured lake prefix and registers the new
 * ones through Athena DDL (`CREATE EXTERNAL TABLE … TBLPROPERTIES
 * ('table_type'='DELTA')`), the way the jobs themselves register tables.
 */
import { createDatabaseSql, registerDeltaSql } from 'arcade-engine';
import type { Env, Settings } from '../config';
import type { AthenaCatalog } from './athena';
import { crawlTableName, lakeFor } from './lake';

export interface CrawlResult {
  database: string;
  table: string;
  location: string;
  outcome: 'registered' | 'already registered' | 'failed';
  message?: string;
}

const MAX_TABLES = 10_000;

export async function crawl(
  athena: AthenaCatalog,
  settings: Settings,
  env: Env,
  progress: (line: string) => void
): Promise<CrawlResult[]> {
  const results: CrawlResult[] = [];
  for (const { database, uri } of settings.crawl) {
    const lake = lakeFor(uri, settings.s3, env);
    try {
      progress(`Looking for Delta tables under ${uri} …`);
      const found = await lake.findDeltaTables(uri, MAX_TABLES);
      progress(`${found.length} Delta table(s) under ${uri}`);
      if (found.length === 0) {
        continue;
      }
      await athena.query(createDatabaseSql(database), 1);
      const known = new Set<string>();
      let token: string | undefined;
      do {
        const page = await athena.listTables(database, { nextToken: token });
        page.items.forEach(t => known.add(t.name));
        token = page.nextToken ?? undefined;
      } while (token !== undefined);
      for (const table of found) {
        const name = crawlTableName(table.relative);
        if (known.has(name)) {
          results.push({
            database,
            table: name,
            location: table.uri,
            outcome: 'already registered'
          });
          continue;
        }
        try {
          await athena.query(registerDeltaSql(database, name, table.uri), 1);
          known.add(name);
          results.push({
            database,
            table: name,
            location: table.uri,
            outcome: 'registered'
          });
          progress(`Registered ${database}.${name} → ${table.uri}`);
        } catch (error) {
          results.push({
            database,
            table: name,
            location: table.uri,
            outcome: 'failed',
            message: error instanceof Error ? error.message : String(error)
          });
        }
      }
    } finally {
      lake.close();
    }
  }
  return results;
}
