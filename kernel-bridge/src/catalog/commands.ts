/**
 * `arcade catalog ls|describe|crawl` and `arcade query`: the catalog slice on
 * the command line (locally, through the environment `arcade dev env` prints).
 * Exit codes: 0 done; 1 Athena or the lake failed; 2 bad usage or invalid SQL;
 * 4 nothing to crawl; 6 access denied; 130 cancelled (Ctrl-C stops the query).
 */
import {
  ArcadeError,
  splitTableName,
  type QueryResult,
  type ResultValue
} from 'arcade-engine';
import { Command, InvalidArgumentError } from 'commander';
import type { CliContext } from '../cli';
import { loadSettings } from '../config';
import { AthenaCatalog } from './athena';
import { crawl } from './crawl';

function athenaFor(ctx: CliContext): AthenaCatalog {
  return new AthenaCatalog(loadSettings(ctx.env, ctx.cwd).athena, ctx.env);
}

function rowsArgument(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1_000_000) {
    throw new InvalidArgumentError('expected a whole number from 1 to 1000000');
  }
  return Number(value);
}

function cell(value: ResultValue): string {
  return value === null ? 'NULL' : String(value).replace(/[\r\n\t]/g, ' ');
}

/** A plain text table, columns padded to their widest value (up to 60 characters). */
export function textTable(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) =>
    Math.min(60, Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)))
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const width = widths[i] ?? 0;
        return (v.length > width ? `${v.slice(0, width - 1)}…` : v).padEnd(
          width
        );
      })
      .join('  ')
      .trimEnd();
  return [
    line(headers),
    line(widths.map(w => '-'.repeat(w))),
    ...rows.map(line)
  ];
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function statisticsLine(result: QueryResult): string {
  const s = result.status.statistics;
  return (
    `${result.rows.length} row(s)${result.truncated ? ' (more not fetched: --max-rows)' : ''} · ` +
    `${formatBytes(s.dataScannedBytes)} scanned · engine ${s.engineMs} ms, queue ${s.queueMs} ms, total ${s.totalMs} ms · ` +
    `est. $${s.costUsd.toFixed(6)}${s.reusedResult ? ' · reused result' : ''} · query ${result.status.id}`
  );
}

export function catalogCommand(ctx: CliContext): Command {
  const catalog = new Command('catalog').description(
    'the data catalog through Athena (Glue Data Catalog; locally, the dev endpoint)'
  );

  catalog
    .command('ls')
    .description('list databases, or the tables of DATABASE')
    .argument('[database]', 'list the tables of this database')
    .option(
      '--filter <expression>',
      "table name filter, Athena's expression (* is a wildcard)"
    )
    .option('--json', 'print JSON')
    .action(
      async (
        database: string | undefined,
        flags: { filter?: string; json?: boolean }
      ) => {
        const athena = athenaFor(ctx);
        const all: {
          name: string;
          format?: string;
          location?: string | null;
          description?: string;
        }[] = [];
        let token: string | undefined;
        do {
          if (database === undefined) {
            const page = await athena.listDatabases(undefined, token);
            all.push(...page.items);
            token = page.nextToken ?? undefined;
          } else {
            const page = await athena.listTables(database, {
              nextToken: token,
              ...(flags.filter === undefined
                ? {}
                : { expression: flags.filter })
            });
            all.push(...page.items);
            token = page.nextToken ?? undefined;
          }
        } while (token !== undefined);
        if (flags.json === true) {
          ctx.output.line(JSON.stringify(all, null, 2));
          return;
        }
        if (database === undefined) {
          all.forEach(db => {
            ctx.output.line(db.name);
          });
          return;
        }
        textTable(
          ['TABLE', 'FORMAT', 'LOCATION'],
          all.map(t => [t.name, t.format ?? '', t.location ?? ''])
        ).forEach(line => {
          ctx.output.line(line);
        });
      }
    );

  catalog
    .command('describe')
    .description('columns, partition keys, location and format of a table')
    .argument('<table>', 'DATABASE.TABLE (quote names with dots: "my.db"."t")')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const parts = splitTableName(name);
      if (parts === null) {
        throw new ArcadeError('usage', `"${name}" is not DATABASE.TABLE`, {
          hint: 'write it as database.table; quote names that hold dots: "my.db"."my table"'
        });
      }
      const table = await athenaFor(ctx).describeTable(
        parts.database,
        parts.table
      );
      if (flags.json === true) {
        ctx.output.line(JSON.stringify(table, null, 2));
        return;
      }
      ctx.output.line(
        `${table.database}.${table.name} (${table.format}, ${table.tableType})`
      );
      ctx.output.line(`location: ${table.location ?? '(none)'}`);
      textTable(
        ['COLUMN', 'TYPE', 'COMMENT'],
        [
          ...table.columns.map(c => [c.name, c.type, c.comment ?? '']),
          ...table.partitionKeys.map(c => [
            c.name,
            c.type,
            `partition key${c.comment === undefined ? '' : `: ${c.comment}`}`
          ])
        ]
      ).forEach(line => {
        ctx.output.line(line);
      });
    });

  catalog
    .command('crawl')
    .description(
      'register the Delta tables under the lake prefixes of ARCADE_CATALOG_CRAWL (database=uri,…)'
    )
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const settings = loadSettings(ctx.env, ctx.cwd);
      if (settings.crawl.length === 0) {
        throw new ArcadeError('refused', 'no lake prefixes to crawl', {
          hint: 'set ARCADE_CATALOG_CRAWL=database=s3://bucket/prefix (arcade dev env sets it locally)'
        });
      }
      const results = await crawl(
        new AthenaCatalog(settings.athena, ctx.env),
        settings,
        ctx.env,
        line => {
          if (flags.json !== true) {
            ctx.output.line(line);
          }
        }
      );
      if (flags.json === true) {
        ctx.output.line(JSON.stringify(results, null, 2));
      } else {
        const count = (o: string) =>
          results.filter(r => r.outcome === o).length;
        ctx.output.line(
          `${count('registered')} registered, ${count('already registered')} already registered, ${count('failed')} failed`
        );
        results
          .filter(r => r.outcome === 'failed')
          .forEach(r => {
            ctx.output.error(
              `arcade: ${r.database}.${r.table} (${r.location}): ${r.message ?? ''}`
            );
          });
      }
      if (results.some(r => r.outcome === 'failed')) {
        throw new ArcadeError(
          'upstream',
          'some tables could not be registered (listed above)'
        );
      }
    });
  return catalog;
}

export function queryCommand(ctx: CliContext): Command {
  return new Command('query')
    .description(
      'run SQL on Athena (DDL too) and print its rows and statistics'
    )
    .argument('<sql>', 'the statement')
    .option('--database <name>', 'the database unqualified names refer to')
    .option(
      '--max-rows <n>',
      'rows to fetch at most (default 1000)',
      rowsArgument
    )
    .option('--json', 'print {status, columns, rows, truncated} as JSON')
    .action(
      async (
        sql: string,
        flags: { database?: string; maxRows?: number; json?: boolean }
      ) => {
        const athena = athenaFor(ctx);
        const controller = new AbortController();
        const interrupt = () => {
          controller.abort();
        };
        process.once('SIGINT', interrupt);
        try {
          const result = await athena.query(sql, flags.maxRows ?? 1000, {
            signal: controller.signal,
            ...(flags.database === undefined
              ? {}
              : { database: flags.database })
          });
          if (flags.json === true) {
            ctx.output.line(JSON.stringify(result, null, 2));
            return;
          }
          if (result.columns.length > 0) {
            textTable(
              result.columns.map(c => `${c.name} (${c.type})`),
              result.rows.map(row => row.map(cell))
            ).forEach(line => {
              ctx.output.line(line);
            });
          }
          ctx.output.line(statisticsLine(result));
        } finally {
          process.removeListener('SIGINT', interrupt);
        }
      }
    );
}
