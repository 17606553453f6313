import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileNotebook } from '../src/compile';
import { buildLineage, lineageToDot } from '../src/lineage';
import { lintNotebook } from '../src/lint';
import { defect, notebook } from './helpers';

const SAMPLE = path.resolve(
  __dirname,
  '../../../sample-workspace/notebooks/01_customers_initial_load.ipynb'
);

describe('lineage', () => {
  const text = readFileSync(SAMPLE, 'utf8');
  const graph = buildLineage(
    compileNotebook(text),
    lintNotebook(text, { environments: ['dev', 'test', 'prod'] })
  );

  it('connects sources, views and sinks of the sample notebook', () => {
    const kinds = new Set(graph.nodes.map(n => n.kind));
    expect(kinds).toEqual(new Set(['source', 'view', 'sink']));
    const ids = new Set(graph.nodes.map(n => n.id));
    for (const edge of graph.edges) {
      expect(ids.has(edge.from)).toBe(true);
      expect(ids.has(edge.to)).toBe(true);
    }
    const source = graph.nodes.find(n => n.kind === 'source');
    expect(source?.label).toMatch(/^\$\{ETL_CONF_DATA\}\//);
    expect(graph.edges.some(e => e.from === source?.id)).toBe(true);
    const sink = graph.nodes.find(n => n.kind === 'sink');
    expect(sink?.cell).not.toBeNull();
    expect(graph.edges.some(e => e.to === sink?.id)).toBe(true);
  });

  it('marks views read but never created as tables and counts diagnostics', () => {
    const notebookText = JSON.stringify({
      metadata: { kernelspec: { name: 'arc' } },
      cells: [
        {
          cell_type: 'code',
          source: [
            '%sql outputView=out environments=dev\n',
            'SELECT now() AS t FROM lake.orders JOIN stg USING (id)'
          ]
        }
      ]
    });
    const g = buildLineage(
      compileNotebook(notebookText),
      lintNotebook(notebookText, { environments: ['dev'] })
    );
    expect(g.nodes).toEqual([
      {
        id: 'table:lake.orders',
        kind: 'table',
        label: 'lake.orders',
        cell: null,
        stage: null,
        diagnostics: { errors: 0, warnings: 0 }
      },
      {
        id: 'table:stg',
        kind: 'table',
        label: 'stg',
        cell: null,
        stage: null,
        diagnostics: { errors: 0, warnings: 0 }
      },
      {
        id: 'view:out',
        kind: 'view',
        label: 'out',
        cell: 0,
        stage: 0,
        diagnostics: { errors: 1, warnings: 1 }
      }
    ]);
    expect(g.edges).toEqual([
      { from: 'table:lake.orders', to: 'view:out', stage: 0, cell: 0 },
      { from: 'table:stg', to: 'view:out', stage: 0, cell: 0 }
    ]);
    expect(lineageToDot(g)).toBe(
      [
        'digraph lineage {',
        '  rankdir=LR;',
        '  "table:lake.orders" [label="lake.orders", shape=cylinder];',
        '  "table:stg" [label="stg", shape=cylinder];',
        '  "view:out" [label="out", shape=box, color=red];',
        '  "table:lake.orders" -> "view:out" [label="stage 1"];',
        '  "table:stg" -> "view:out" [label="stage 1"];',
        '}'
      ].join('\n')
    );
  });

  it('draws a MERGE from its USING source into the Delta path it writes (SCD2 sample)', () => {
    const merge = buildLineage(
      compileNotebook(
        readFileSync(
          path.join(path.dirname(SAMPLE), '03_customers_scd2_merge.ipynb'),
          'utf8'
        )
      )
    );
    const lake = '${ETL_CONF_LAKE}/delta/customers';
    expect(merge.nodes.map(n => n.id)).toEqual([
      `source:${lake}`,
      'view:snapshot',
      'source:${ETL_CONF_LAKE}/delta/customers_changes',
      'view:changes',
      'view:merge_source',
      `sink:${lake}`,
      'view:merge_result',
      'view:customers_by_state'
    ]);
    expect(
      merge.edges.filter(e => e.cell === 5).map(e => [e.from, e.to])
    ).toEqual([
      ['view:merge_source', `sink:${lake}`],
      ['view:merge_source', 'view:merge_result']
    ]);
    expect(merge.nodes.find(n => n.kind === 'sink')).toMatchObject({
      cell: 5,
      stage: 3
    });
  });

  it('draws a MERGE into a view as a write to that view, and INSERT into a table as a write to it', () => {
    const g = buildLineage(
      compileNotebook(
        notebook([
          '%sql outputView=staged environments=dev\nSELECT id, name FROM parquet.`s3a://lake/raw/customers`',
          '%sql outputView=merged environments=dev\nMERGE INTO staged t USING updates u ON t.id = u.id WHEN MATCHED THEN UPDATE SET *',
          '%sql outputView=inserted environments=dev\nINSERT INTO lake.customers SELECT * FROM staged'
        ])
      )
    );
    expect(g.edges.map(e => [e.from, e.to, e.cell])).toEqual([
      ['source:s3a://lake/raw/customers', 'view:staged', 0],
      ['table:updates', 'view:staged', 1],
      ['table:updates', 'view:merged', 1],
      ['view:staged', 'table:lake.customers', 2],
      ['view:staged', 'view:inserted', 2]
    ]);
  });

  it('draws the SCD2 merge into the history view it reads', () => {
    const g = buildLineage(compileNotebook(defect('price_scd2_merge.ipynb')));
    expect(g.edges.filter(e => e.cell === 7).map(e => [e.from, e.to])).toEqual([
      ['view:price_staged', 'view:price_history'],
      ['view:price_staged', 'view:price_merged']
    ]);
    expect(g.edges.filter(e => e.cell === 4).map(e => [e.from, e.to])).toEqual([
      ['view:price_history', 'view:price_staged'],
      ['view:price_changes', 'view:price_staged']
    ]);
  });
});
