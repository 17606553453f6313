/**
 * The local endpoint's Glue-like catalog: databases and their tables in
 * Athena's own shapes, persisted as one JSON file per database under
 * `<state>/athena/catalog/` (written atomically, so a crash leaves the last
 * good copy). Names may hold any character: files are named by the name's hex.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writePrivateFile } from '../../privateFile';
import { likePattern } from './ddl';

export const DATA_CATALOG = 'AwsDataCatalog';

export interface GlueColumn {
  Name: string;
  Type: string;
  Comment?: string;
}

/** Athena's `TableMetadata`, as GetTableMetadata returns it. */
export interface GlueTable {
  Name: string;
  /** Epoch seconds, as the JSON protocol sends timestamps. */
  CreateTime: number;
  LastAccessTime?: number;
  TableType: 'EXTERNAL_TABLE';
  Columns: GlueColumn[];
  PartitionKeys: GlueColumn[];
  /** `location`, `table_type` (DELTA), `classification`, `comment`, … */
  Parameters: Record<string, string>;
}

export interface GlueDatabase {
  Name: string;
  Description?: string;
  Parameters: Record<string, string>;
}

interface DatabaseFile {
  database: GlueDatabase;
  tables: GlueTable[];
}

export class CatalogError extends Error {
  constructor(
    readonly reason: 'not-found' | 'exists' | 'not-empty',
    message: string
  ) {
    super(message);
  }
}

/** A page of a sorted list and the token for the next one. */
export interface Page<T> {
  items: T[];
  nextToken: string | null;
}

/** Tokens are opaque to clients: the last name served, base64url-encoded. */
function pageOf<T>(
  sorted: T[],
  nameOf: (item: T) => string,
  token: string | undefined,
  max: number
): Page<T> {
  let start = 0;
  if (token !== undefined && token !== '') {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    start = sorted.findIndex(item => nameOf(item) > after);
    if (start < 0) {
      start = sorted.length;
    }
  }
  const items = sorted.slice(start, start + max);
  const last = items[items.length - 1];
  return {
    items,
    nextToken:
      start + max < sorted.length && last !== undefined
        ? Buffer.from(nameOf(last), 'utf8').toString('base64url')
        : null
  };
}

/** Throws for a token this catalog never issued. */
export function checkToken(token: string | undefined): void {
  if (token === undefined || token === '') {
    return;
  }
  if (!/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new RangeError('NextToken is not a token this endpoint issued');
  }
}

function byName<T extends { Name: string }>(a: T, b: T): number {
  return a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0;
}

export class GlueCatalog {
  readonly #dir: string;
  readonly #databases = new Map<string, DatabaseFile>();
  /** Sorted views, rebuilt after a change. */
  #sortedDatabases: GlueDatabase[] | null = null;
  readonly #sortedTables = new Map<string, GlueTable[]>();

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** Opens (and reads) the catalog under `dir`; a `default` database always exists. */
  static async open(dir: string): Promise<GlueCatalog> {
    const catalog = new GlueCatalog(dir);
    let names: string[] = [];
    try {
      names = await readdir(dir);
    } catch {
      // A new catalog.
    }
    for (const file of names.filter(name => name.endsWith('.json'))) {
      const data = JSON.parse(
        await readFile(path.join(dir, file), 'utf8')
      ) as DatabaseFile;
      catalog.#databases.set(data.database.Name, data);
    }
    if (!catalog.#databases.has('default')) {
      await catalog.createDatabase({ Name: 'default', Parameters: {} });
    }
    return catalog;
  }

  #file(name: string): string {
    return path.join(
      this.#dir,
      `${Buffer.from(name, 'utf8').toString('hex')}.json`
    );
  }

  async #save(name: string): Promise<void> {
    const data = this.#databases.get(name);
    this.#sortedDatabases = null;
    this.#sortedTables.delete(name);
    if (data === undefined) {
      await rm(this.#file(name), { force: true });
      return;
    }
    await writePrivateFile(this.#file(name), JSON.stringify(data));
  }

  #require(name: string): DatabaseFile {
    const data = this.#databases.get(name);
    if (data === undefined) {
      throw new CatalogError('not-found', `Database ${name} not found.`);
    }
    return data;
  }

  hasDatabase(name: string): boolean {
    return this.#databases.has(name);
  }

  async createDatabase(database: GlueDatabase): Promise<boolean> {
    if (this.#databases.has(database.Name)) {
      return false;
    }
    this.#databases.set(database.Name, { database, tables: [] });
    await this.#save(database.Name);
    return true;
  }

  async dropDatabase(name: string, cascade: boolean): Promise<boolean> {
    const data = this.#databases.get(name);
    if (data === undefined) {
      return false;
    }
    if (data.tables.length > 0 && !cascade) {
      throw new CatalogError(
        'not-empty',
        `Database ${name} is not empty. One or more tables exist.`
      );
    }
    this.#databases.delete(name);
    await this.#save(name);
    return true;
  }

  getDatabase(name: string): GlueDatabase {
    return this.#require(name).database;
  }

  listDatabases(token?: string, max = 50, like?: string): Page<GlueDatabase> {
    if (this.#sortedDatabases === null) {
      this.#sortedDatabases = [...this.#databases.values()]
        .map(data => data.database)
        .sort(byName);
    }
    const pattern = like === undefined ? null : likePattern(like);
    const list =
      pattern === null
        ? this.#sortedDatabases
        : this.#sortedDatabases.filter(db => pattern.test(db.Name));
    return pageOf(list, db => db.Name, token, max);
  }

  #tables(database: string): GlueTable[] {
    let sorted = this.#sortedTables.get(database);
    if (sorted === undefined) {
      sorted = [...this.#require(database).tables].sort(byName);
      this.#sortedTables.set(database, sorted);
    }
    return sorted;
  }

  listTables(
    database: string,
    token?: string,
    max = 50,
    expression?: string
  ): Page<GlueTable> {
    const all = this.#tables(database);
    const pattern =
      expression === undefined || expression === ''
        ? null
        : likePattern(expression);
    const list = pattern === null ? all : all.filter(t => pattern.test(t.Name));
    return pageOf(list, t => t.Name, token, max);
  }

  getTable(database: string, name: string): GlueTable {
    const table = this.#require(database).tables.find(t => t.Name === name);
    if (table === undefined) {
      throw new CatalogError(
        'not-found',
        `Table ${name} not found in database ${database}.`
      );
    }
    return table;
  }

  findTable(database: string, name: string): GlueTable | null {
    return (
      this.#databases.get(database)?.tables.find(t => t.Name === name) ?? null
    );
  }

  /** Adds or replaces tables of one database in one write. */
  async putTables(
    database: string,
    tables: GlueTable[],
    replace: boolean
  ): Promise<void> {
    const data = this.#require(database);
    for (const table of tables) {
      const at = data.tables.findIndex(t => t.Name === table.Name);
      if (at >= 0 && !replace) {
        throw new CatalogError(
          'exists',
          `Table ${database}.${table.Name} already exists.`
        );
      }
      if (at >= 0) {
        data.tables[at] = table;
      } else {
        data.tables.push(table);
      }
    }
    await this.#save(database);
  }

  async dropTable(database: string, name: string): Promise<boolean> {
    const data = this.#require(database);
    const before = data.tables.length;
    data.tables = data.tables.filter(t => t.Name !== name);
    if (data.tables.length === before) {
      return false;
    }
    await this.#save(database);
    return true;
  }
}
