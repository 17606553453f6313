/**
 * The Data sidebar's tree — catalog databases, their tables, a table's
 * columns — as plain data: loaded lazily page by page, filtered instantly
 * over what is loaded while the server is asked (Athena's name expression)
 * for the rest, and flattened into the rows the windowed list draws.
 */
import type {
  CatalogColumn,
  DatabaseSummary,
  Paged,
  TableDetail,
  TableSummary
} from 'arcade-engine';
import { Signal } from '@lumino/signaling';

/** What the tree needs from the bridge (CatalogApi). */
export interface ICatalogSource {
  databases(nextToken?: string): Promise<Paged<DatabaseSummary>>;
  tables(
    database: string,
    options?: { filter?: string; nextToken?: string }
  ): Promise<Paged<TableSummary>>;
  table(database: string, table: string): Promise<TableDetail>;
}

export type RowKind =
  'database' | 'table' | 'column' | 'more' | 'loading' | 'error' | 'empty';

export interface ITreeRow {
  key: string;
  kind: RowKind;
  depth: number;
  label: string;
  /** A column's type, a table's format, an error's message. */
  detail: string;
  database: string;
  table: TableSummary | null;
  expanded: boolean;
}

/** Saved across reloads: what was open and the filter. */
export interface ITreeState {
  expanded: string[];
  filter: string;
}

interface IDatabaseNode {
  summary: DatabaseSummary;
  tables: TableSummary[];
  nextToken: string | null;
  loaded: boolean;
  loading: boolean;
  error: string | null;
  /** The server's answer for the current filter (tables not loaded yet). */
  search: { filter: string; tables: TableSummary[]; loading: boolean } | null;
  /** Rows of `tables` (closed) and their lower-case names, built once per load: a keystroke allocates nothing per table. */
  cache: { rows: ITreeRow[]; lower: string[] } | null;
}

export const databaseKey = (name: string): string => `d:${name}`;
export const tableKey = (database: string, table: string): string =>
  `t:${database}\u0000${table}`;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Athena's expression for "name contains": `*text*`, its own wildcards dropped. */
export function containsExpression(filter: string): string {
  return `*${filter.replace(/[*|]/g, '')}*`;
}

export class CatalogTree {
  constructor(
    private readonly _source: ICatalogSource,
    private readonly _searchDelay = 250
  ) {}

  /** Emitted after anything the rows show changed. */
  readonly changed = new Signal<this, void>(this);

  get filter(): string {
    return this._filter;
  }

  get loading(): boolean {
    return this._loadingDatabases;
  }

  get error(): string | null {
    return this._error;
  }

  /** Reloads everything from the first page, keeping what was open. */
  async refresh(): Promise<void> {
    this._databases = [];
    this._databaseToken = null;
    this._details.clear();
    this._error = null;
    this._generation++;
    await this.loadMoreDatabases(true);
    await Promise.all(
      this._databases
        .filter(db => this._expanded.has(databaseKey(db.summary.name)))
        .map(db => this._loadTables(db))
    );
    await Promise.all(
      [...this._expanded]
        .filter(key => key.startsWith('t:'))
        .map(key => {
          const [database, table] = key.slice(2).split('\u0000');
          return this._loadColumns(database ?? '', table ?? '');
        })
    );
  }

  /** The next page of databases (the first with `first`). */
  async loadMoreDatabases(first = false): Promise<void> {
    if (this._loadingDatabases || (!first && this._databaseToken === null)) {
      return;
    }
    const generation = this._generation;
    this._loadingDatabases = true;
    this._emit();
    try {
      const page = await this._source.databases(
        first ? undefined : (this._databaseToken ?? undefined)
      );
      if (generation !== this._generation) {
        return;
      }
      this._databases.push(
        ...page.items.map(summary => ({
          summary,
          tables: [],
          nextToken: null,
          loaded: false,
          loading: false,
          error: null,
          search: null,
          cache: null
        }))
      );
      this._databaseToken = page.nextToken;
      this._error = null;
    } catch (error) {
      this._error = message(error);
    } finally {
      this._loadingDatabases = false;
      this._emit();
    }
  }

  /** Opens or closes a database or a table. */
  async toggle(key: string): Promise<void> {
    if (this._expanded.has(key)) {
      this._expanded.delete(key);
      this._emit();
      return;
    }
    this._expanded.add(key);
    this._emit();
    if (key.startsWith('d:')) {
      const db = this._database(key.slice(2));
      if (db !== null && !db.loaded) {
        await this._loadTables(db);
      }
      this._scheduleSearch();
    } else if (key.startsWith('t:')) {
      const [database, table] = key.slice(2).split('\u0000');
      await this._loadColumns(database ?? '', table ?? '');
    }
  }

  isExpanded(key: string): boolean {
    return this._expanded.has(key);
  }

  /** The next page of a database's tables. */
  async loadMoreTables(database: string): Promise<void> {
    const db = this._database(database);
    if (db !== null && !db.loading && db.nextToken !== null) {
      await this._loadTables(db, db.nextToken);
    }
  }

  /** Filters the loaded tables now; asks the server for the rest shortly after. */
  setFilter(text: string): void {
    this._filter = text.trim();
    for (const db of this._databases) {
      if (db.search !== null && db.search.filter !== this._filter) {
        db.search = null;
      }
    }
    this._rows = null;
    this.changed.emit();
    this._scheduleSearch();
  }

  /** A table's details once its columns were loaded (for the details view). */
  detail(database: string, table: string): TableDetail | null {
    const entry = this._details.get(tableKey(database, table));
    return entry === undefined || typeof entry === 'string' ? null : entry;
  }

  /** The rows to draw, in order. */
  rows(): readonly ITreeRow[] {
    if (this._rows === null) {
      this._rows = this._flatten();
    }
    return this._rows;
  }

  /** Loaded tables in all databases (for the memory figure of the benchmark). */
  get loadedTables(): number {
    return this._databases.reduce((n, db) => n + db.tables.length, 0);
  }

  toJSON(): ITreeState {
    return { expanded: [...this._expanded], filter: this._filter };
  }

  /** Reopens what was open before a reload, then loads it. */
  async restore(state: ITreeState | null): Promise<void> {
    if (state !== null) {
      this._expanded = new Set(
        state.expanded.filter(key => /^[dt]:/.test(key))
      );
      this._filter = state.filter;
    }
    await this.refresh();
    this._scheduleSearch();
  }

  dispose(): void {
    clearTimeout(this._searchTimer);
    Signal.clearData(this);
  }

  private _emit(): void {
    this._rows = null;
    this.changed.emit();
  }

  private _database(name: string): IDatabaseNode | null {
    return this._databases.find(db => db.summary.name === name) ?? null;
  }

  private async _loadTables(db: IDatabaseNode, token?: string): Promise<void> {
    const generation = this._generation;
    db.loading = true;
    this._emit();
    try {
      const page = await this._source.tables(db.summary.name, {
        nextToken: token
      });
      if (generation !== this._generation) {
        return;
      }
      db.tables =
        token === undefined ? page.items : [...db.tables, ...page.items];
      db.cache = null;
      db.nextToken = page.nextToken;
      db.loaded = true;
      db.error = null;
    } catch (error) {
      db.error = message(error);
    } finally {
      db.loading = false;
      this._emit();
    }
  }

  private async _loadColumns(database: string, table: string): Promise<void> {
    const key = tableKey(database, table);
    if (this._details.has(key) && typeof this._details.get(key) !== 'string') {
      return;
    }
    this._details.set(key, 'loading');
    this._emit();
    try {
      this._details.set(key, await this._source.table(database, table));
    } catch (error) {
      this._details.set(key, `!${message(error)}`);
    }
    this._emit();
  }

  /** With a filter, asks the server about open databases not fully loaded. */
  private _scheduleSearch(): void {
    clearTimeout(this._searchTimer);
    if (this._filter === '') {
      return;
    }
    this._searchTimer = setTimeout(() => {
      const filter = this._filter;
      for (const db of this._databases) {
        const open = this._expanded.has(databaseKey(db.summary.name));
        if (!open || db.nextToken === null || db.search?.filter === filter) {
          continue;
        }
        db.search = { filter, tables: [], loading: true };
        this._emit();
        void this._source
          .tables(db.summary.name, { filter: containsExpression(filter) })
          .then(
            page => {
              if (db.search?.filter === filter) {
                db.search = { filter, tables: page.items, loading: false };
              }
            },
            () => {
              if (db.search?.filter === filter) {
                db.search = { filter, tables: [], loading: false };
              }
            }
          )
          .finally(() => {
            this._emit();
          });
      }
    }, this._searchDelay);
  }

  /** Closed rows of a database's loaded tables, built once per page loaded. */
  private _tableCache(db: IDatabaseNode): {
    rows: ITreeRow[];
    lower: string[];
  } {
    if (db.cache === null) {
      const name = db.summary.name;
      db.cache = {
        rows: db.tables.map(table => ({
          key: tableKey(name, table.name),
          kind: 'table',
          depth: 1,
          label: table.name,
          detail: table.format,
          database: name,
          table,
          expanded: false
        })),
        lower: db.tables.map(table => table.name.toLowerCase())
      };
    }
    return db.cache;
  }

  /** An open table's columns (or its loading or error row). */
  private _columnRows(
    rows: ITreeRow[],
    database: string,
    table: TableSummary,
    tKey: string
  ): void {
    const push = (
      kind: RowKind,
      key: string,
      label: string,
      detail = ''
    ): void => {
      rows.push({
        key,
        kind,
        depth: 2,
        label,
        detail,
        database,
        table: kind === 'column' ? table : null,
        expanded: false
      });
    };
    const detail = this._details.get(tKey);
    if (detail === undefined || detail === 'loading') {
      push('loading', `${tKey}\u0000loading`, '');
    } else if (typeof detail === 'string') {
      push('error', `${tKey}\u0000error`, detail.slice(1));
    } else {
      const columns: (CatalogColumn & { partition?: boolean })[] = [
        ...detail.columns,
        ...detail.partitionKeys.map(c => ({ ...c, partition: true }))
      ];
      for (const column of columns) {
        push(
          'column',
          `${tKey}\u0000${column.name}`,
          column.name,
          column.partition === true ? `${column.type} (partition)` : column.type
        );
      }
    }
  }

  private _flatten(): ITreeRow[] {
    const rows: ITreeRow[] = [];
    const needle = this._filter.toLowerCase();
    const row = (
      kind: RowKind,
      key: string,
      depth: number,
      label: string,
      database: string,
      detail = '',
      table: TableSummary | null = null
    ): void => {
      rows.push({
        key,
        kind,
        depth,
        label,
        detail,
        database,
        table,
        expanded: this._expanded.has(key)
      });
    };
    for (const db of this._databases) {
      const name = db.summary.name;
      const key = databaseKey(name);
      row('database', key, 0, name, name, db.summary.description ?? '');
      if (!this._expanded.has(key)) {
        continue;
      }
      let shown = 0;
      const addTable = (table: TableSummary, closed: ITreeRow | null): void => {
        shown++;
        const tKey = closed?.key ?? tableKey(name, table.name);
        if (!this._expanded.has(tKey)) {
          if (closed !== null) {
            rows.push(closed);
          } else {
            row('table', tKey, 1, table.name, name, table.format, table);
          }
          return;
        }
        row('table', tKey, 1, table.name, name, table.format, table);
        this._columnRows(rows, name, table, tKey);
      };
      if (db.search === null || db.search.tables.length === 0) {
        const cache = this._tableCache(db);
        for (let i = 0; i < cache.rows.length; i++) {
          const closed = cache.rows[i];
          if (
            closed?.table &&
            (needle === '' || (cache.lower[i] ?? '').includes(needle))
          ) {
            addTable(closed.table, closed);
          }
        }
      } else {
        // The server found tables not loaded yet: both lists, by name.
        const seen = new Set<string>();
        const tables = [...db.tables, ...db.search.tables].filter(t => {
          if (seen.has(t.name)) {
            return false;
          }
          seen.add(t.name);
          return needle === '' || t.name.toLowerCase().includes(needle);
        });
        tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const table of tables) {
          addTable(table, null);
        }
      }
      if (db.error !== null) {
        row('error', `${key}\u0000error`, 1, db.error, name);
      } else if (db.loading || db.search?.loading === true) {
        row('loading', `${key}\u0000loading`, 1, '', name);
      } else if (db.nextToken !== null && needle === '') {
        row('more', `m:${name}`, 1, '', name);
      } else if (shown === 0) {
        row('empty', `${key}\u0000empty`, 1, '', name);
      }
    }
    if (this._loadingDatabases) {
      row('loading', 'loading', 0, '', '');
    } else if (this._databaseToken !== null) {
      row('more', 'm:', 0, '', '');
    }
    return rows;
  }

  private _databases: IDatabaseNode[] = [];
  private _databaseToken: string | null = null;
  private _loadingDatabases = false;
  private _error: string | null = null;
  private _expanded = new Set<string>();
  private _filter = '';
  private _rows: ITreeRow[] | null = null;
  private _details = new Map<string, TableDetail | string>();
  private _generation = 0;
  private _searchTimer: ReturnType<typeof setTimeout> | undefined = undefined;
}
