import type {
  DatabaseSummary,
  Paged,
  TableDetail,
  TableSummary
} from 'arcade-engine';
import { nullTranslator } from '@jupyterlab/translation';
import { statusLine, formatBytes, formatCost } from '../catalog/format';
import {
  CatalogTree,
  containsExpression,
  databaseKey,
  tableKey,
  type ICatalogSource
} from '../catalog/tree';
import { columnWidth, ResultGrid, ResultModel } from '../catalog/grid';

const trans = nullTranslator.load('jupyterlab_arcade');

/** A catalog in memory: `pages` databases of 2 per page, tables 3 per page. */
class FakeCatalog implements ICatalogSource {
  calls: string[] = [];
  constructor(
    private readonly _databases: string[],
    private readonly _tables: Record<string, string[]>
  ) {}

  databases(nextToken?: string): Promise<Paged<DatabaseSummary>> {
    this.calls.push(`databases ${nextToken ?? ''}`);
    const start = Number(nextToken ?? 0);
    const items = this._databases
      .slice(start, start + 2)
      .map(name => ({ name }));
    return Promise.resolve({
      items,
      nextToken: start + 2 < this._databases.length ? String(start + 2) : null
    });
  }

  tables(
    database: string,
    options: { filter?: string; nextToken?: string } = {}
  ): Promise<Paged<TableSummary>> {
    this.calls.push(
      `tables ${database} ${options.filter ?? ''} ${options.nextToken ?? ''}`
    );
    const all = this._tables[database];
    if (all === undefined) {
      return Promise.reject(new Error(`Database ${database} not found.`));
    }
    const needle = (options.filter ?? '').replace(/\*/g, '');
    const matching = all.filter(t => t.includes(needle));
    const start = Number(options.nextToken ?? 0);
    const size = options.filter === undefined ? 3 : 50;
    return Promise.resolve({
      items: matching.slice(start, start + size).map(name => ({
        name,
        format: 'DELTA',
        location: `s3://lake/${name}`
      })),
      nextToken: start + size < matching.length ? String(start + size) : null
    });
  }

  table(database: string, table: string): Promise<TableDetail> {
    return Promise.resolve({
      name: table,
      format: 'DELTA',
      location: null,
      catalog: 'AwsDataCatalog',
      database,
      tableType: 'EXTERNAL_TABLE',
      columns: [{ name: 'id', type: 'bigint' }],
      partitionKeys: [{ name: 'dt', type: 'string' }],
      parameters: {},
      createTime: null
    });
  }
}

const labels = (tree: CatalogTree) =>
  tree
    .rows()
    .map(
      r =>
        `${'  '.repeat(r.depth)}${r.kind}:${r.label}${r.detail === '' ? '' : `(${r.detail})`}`
    );
const settle = () => new Promise(resolve => setTimeout(resolve, 5));

describe('the Data sidebar tree', () => {
  const source = () =>
    new FakeCatalog(['lake', 'raw', 'zeta'], {
      lake: ['customers', 'orders', 'order_lines', 'payments', 'refunds'],
      raw: [],
      zeta: ['z1']
    });

  it('loads databases and tables a page at a time', async () => {
    const tree = new CatalogTree(source(), 0);
    await tree.refresh();
    expect(labels(tree)).toEqual(['database:lake', 'database:raw', 'more:']);
    await tree.loadMoreDatabases();
    expect(labels(tree)).toEqual([
      'database:lake',
      'database:raw',
      'database:zeta'
    ]);
    await tree.toggle(databaseKey('lake'));
    expect(labels(tree)).toEqual([
      'database:lake',
      '  table:customers(DELTA)',
      '  table:orders(DELTA)',
      '  table:order_lines(DELTA)',
      '  more:',
      'database:raw',
      'database:zeta'
    ]);
    await tree.loadMoreTables('lake');
    expect(tree.loadedTables).toBe(5);
    await tree.toggle(databaseKey('raw'));
    expect(labels(tree)).toContain('  empty:');
    await tree.toggle(tableKey('lake', 'orders'));
    expect(labels(tree)).toContain('    column:dt(string (partition))');
    await tree.toggle(databaseKey('lake'));
    expect(labels(tree)).toEqual([
      'database:lake',
      'database:raw',
      '  empty:',
      'database:zeta'
    ]);
  });

  it('filters what is loaded at once, then asks the server for the rest', async () => {
    const catalog = source();
    const tree = new CatalogTree(catalog, 0);
    await tree.refresh();
    await tree.toggle(databaseKey('lake'));
    tree.setFilter('ref');
    expect(tree.rows().filter(r => r.kind === 'table')).toEqual([]);
    await new Promise(resolve => setTimeout(resolve, 10));
    await settle();
    expect(catalog.calls).toContain(
      `tables lake ${containsExpression('ref')} `
    );
    expect(
      tree
        .rows()
        .filter(r => r.kind === 'table')
        .map(r => r.label)
    ).toEqual(['refunds']);
    tree.setFilter('ORD');
    expect(
      tree
        .rows()
        .filter(r => r.kind === 'table')
        .map(r => r.label)
    ).toEqual(['orders', 'order_lines']);
    tree.setFilter('');
    expect(tree.rows().filter(r => r.kind === 'table')).toHaveLength(3);
  });

  it('comes back after a reload with what was open and the filter', async () => {
    const first = new CatalogTree(source(), 0);
    await first.refresh();
    await first.toggle(databaseKey('lake'));
    await first.toggle(tableKey('lake', 'customers'));
    first.setFilter('cust');
    const saved = JSON.parse(JSON.stringify(first.toJSON())) as ReturnType<
      CatalogTree['toJSON']
    >;
    const second = new CatalogTree(source(), 0);
    await second.restore(saved);
    expect(second.filter).toBe('cust');
    expect(labels(second)).toContain('  table:customers(DELTA)');
    expect(labels(second)).toContain('    column:id(bigint)');
  });

  it('shows an unreadable database as an error row', async () => {
    const tree = new CatalogTree(new FakeCatalog(['gone'], {}), 0);
    await tree.refresh();
    await tree.toggle(databaseKey('gone'));
    expect(labels(tree)).toEqual([
      'database:gone',
      '  error:Database gone not found.'
    ]);
  });

  it('asks Athena for names containing the filter, its wildcards dropped', () => {
    expect(containsExpression('ord')).toBe('*ord*');
    expect(containsExpression('a*b|c')).toBe('*abc*');
  });
});

describe('previews', () => {
  it('adds pages of rows and asks for more near the end', () => {
    const model = new ResultModel();
    let asked = 0;
    model.onNearEnd = () => {
      asked++;
    };
    model.reset(
      [
        { name: 'id', type: 'bigint' },
        { name: 'name', type: 'varchar' }
      ],
      [
        [1, 'a'],
        [2, null]
      ]
    );
    const grid = new ResultGrid(model, 'rows');
    model.reset(model.columns, model.rows);
    const node = grid.node;
    expect(
      Array.from(node.querySelectorAll('[role="columnheader"]')).map(
        h => h.textContent
      )
    ).toEqual(['id : bigint', 'name : varchar']);
    const cells = (): string[][] =>
      Array.from(node.querySelectorAll('.jp-Arcade-Grid-row')).map(row =>
        Array.from(row.children).map(c => c.textContent ?? '')
      );
    expect(cells()).toEqual([
      ['1', '1', 'a'],
      ['2', '2', 'NULL']
    ]);
    expect(node.querySelector('.jp-mod-null')?.textContent).toBe('NULL');
    expect(
      node
        .querySelector('.jp-Arcade-Grid-cell')
        ?.classList.contains('jp-mod-number')
    ).toBe(true);
    // Showing rows near the last one loaded asks for the next page.
    expect(asked).toBeGreaterThan(0);
    model.append([[3, 'c']]);
    expect(cells()).toHaveLength(3);
    expect(node.getAttribute('aria-rowcount')).toBe('4');
    grid.dispose();
  });

  it('keeps only the rows in view in the DOM', () => {
    const model = new ResultModel();
    const grid = new ResultGrid(model, 'rows');
    let asked = 0;
    model.onNearEnd = () => {
      asked++;
    };
    model.reset(
      [{ name: 'n', type: 'integer' }],
      Array.from({ length: 10_000 }, (_, i) => [i])
    );
    const rows = grid.node.querySelectorAll('.jp-Arcade-Grid-row');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    expect(asked).toBe(0);
    expect(
      (grid.node.querySelector('.jp-Arcade-Grid-body') as HTMLElement).style
        .height
    ).toBe(`${10_000 * 22}px`);
    grid.dispose();
  });

  it('sizes columns from their header and first values, within bounds', () => {
    expect(columnWidth('id : bigint', ['1', '2'])).toBe(97);
    expect(columnWidth('x', [])).toBe(64);
    expect(columnWidth('long', ['x'.repeat(500)])).toBe(360);
  });

  it('says state, time, rows, bytes scanned and estimated cost', () => {
    const statistics = {
      dataScannedBytes: 3 * 1024 * 1024,
      engineMs: 800,
      queueMs: 20,
      totalMs: 1234,
      reusedResult: false,
      costUsd: 0.0000477
    };
    expect(statusLine(trans, null, 120, 0, false)).toBe('Starting · 120 ms');
    expect(
      statusLine(
        trans,
        {
          id: 'q',
          state: 'RUNNING',
          statementType: 'DML',
          reason: null,
          errorKind: null,
          statistics
        },
        2500,
        0,
        false
      )
    ).toBe('Running · 2.5 s');
    expect(
      statusLine(
        trans,
        {
          id: 'q',
          state: 'SUCCEEDED',
          statementType: 'DML',
          reason: null,
          errorKind: null,
          statistics
        },
        0,
        100,
        true
      )
    ).toBe('Succeeded · 1.2 s · 100+ rows · 3.0 MB scanned · est. $0.00005');
    expect(
      statusLine(
        trans,
        {
          id: 'q',
          state: 'FAILED',
          statementType: 'DML',
          reason: 'TABLE_NOT_FOUND',
          errorKind: 'not-found',
          statistics
        },
        0,
        0,
        false
      )
    ).toBe('Failed · TABLE_NOT_FOUND');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(1.5)).toBe('$1.50');
  });
});
