import type { LineageGraph } from 'arcade-kernel-bridge';
import {
  fitLabel,
  layoutLineage,
  lineageInput,
  nodeWidth
} from '../stages/lineage';

// dagre clones its plain layout data with structuredClone, which browsers
// have and Jest's jsdom does not.
if (typeof globalThis.structuredClone !== 'function') {
  globalThis.structuredClone = <T>(value: T): T =>
    JSON.parse(JSON.stringify(value)) as T;
}

describe('lineage layout', () => {
  const response: LineageGraph = {
    nodes: [
      {
        id: 'file:raw',
        kind: 'source',
        label: 's3a://lake/raw/customers.csv',
        cell: null,
        stage: null,
        diagnostics: { errors: 0, warnings: 0 }
      },
      {
        id: 'view:customers_raw',
        kind: 'view',
        label: 'customers_raw',
        cell: 1,
        stage: 0,
        diagnostics: { errors: 0, warnings: 0 }
      },
      {
        id: 'table:customers',
        kind: 'table',
        label: 'customers',
        cell: 3,
        stage: 2,
        diagnostics: { errors: 2, warnings: 0 }
      }
    ],
    edges: [
      { from: 'file:raw', to: 'view:customers_raw', stage: 0, cell: 1 },
      { from: 'view:customers_raw', to: 'table:customers', stage: 2, cell: 3 },
      { from: 'view:customers_raw', to: 'table:customers', stage: 3, cell: 4 },
      { from: 'view:unknown', to: 'table:customers', stage: 4, cell: 5 }
    ]
  };

  it('drops duplicate edges and edges to nodes the bridge did not list', () => {
    expect(lineageInput(response).edges).toEqual(response.edges.slice(0, 2));
  });

  it('places sources left of views left of tables, inside the drawing', () => {
    const graph = layoutLineage(response);
    const x = new Map(graph.nodes.map(n => [n.id, n.x]));
    expect(x.get('file:raw')!).toBeLessThan(x.get('view:customers_raw')!);
    expect(x.get('view:customers_raw')!).toBeLessThan(
      x.get('table:customers')!
    );
    for (const node of graph.nodes) {
      expect(node.x - node.width / 2).toBeGreaterThanOrEqual(0);
      expect(node.x + node.width / 2).toBeLessThanOrEqual(graph.width);
    }
    expect(graph.edges).toHaveLength(2);
    expect(graph.edges[0].points.length).toBeGreaterThanOrEqual(2);
    expect(graph.nodes[2].diagnostics.errors).toBe(2);
  });
});

describe('lineage node boxes', () => {
  it('grow with the label within bounds', () => {
    expect(nodeWidth('v')).toBe(80);
    expect(nodeWidth('customers_clean')).toBeGreaterThan(
      nodeWidth('customers')
    );
    expect(nodeWidth('x'.repeat(200))).toBe(260);
  });

  it('shorten long labels in the middle to fit the box', () => {
    const uri = 's3a://lake/raw/' + 'x'.repeat(60) + '/customers_initial.csv';
    const fitted = fitLabel(uri, nodeWidth(uri));
    expect(fitted.length).toBeLessThan(uri.length);
    expect(fitted.startsWith('s3a://')).toBe(true);
    expect(fitted.endsWith('.csv')).toBe(true);
    expect(fitted).toContain('…');
    expect(fitLabel('customers', nodeWidth('customers'))).toBe('customers');
  });
});
