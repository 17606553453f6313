import type { LineageGraph, LineageNode } from 'arcade-engine';
import { nullTranslator } from '@jupyterlab/translation';
import {
  fitLabel,
  layoutLineage,
  lineageInput,
  MAX_LR_RANKS,
  nodeWidth
} from '../stages/lineage';
import { LineageView, MAX_ZOOM } from '../stages/lineageView';

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
    expect(graph.direction).toBe('LR');
    expect(graph.edges).toHaveLength(2);
    expect(graph.edges[0]?.points.length).toBeGreaterThanOrEqual(2);
    expect(graph.nodes[2]?.diagnostics.errors).toBe(2);
  });

  it('draws a long chain top to bottom, one stage under the other', () => {
    const graph = layoutLineage(chain(16));
    expect(graph.direction).toBe('TB');
    const ys = graph.nodes.map(n => n.y);
    for (let i = 1; i < ys.length; i++) {
      expect(ys[i]).toBeGreaterThan(ys[i - 1] ?? Infinity);
    }
    // As wide as one box, not as wide as sixteen.
    expect(graph.width).toBeLessThan(
      2 * Math.max(...graph.nodes.map(n => n.width))
    );
    expect(layoutLineage(chain(MAX_LR_RANKS)).direction).toBe('LR');
  });
});

/** A chain of `n` views, each read by the next stage. */
function chain(n: number): LineageGraph {
  const nodes: LineageNode[] = Array.from({ length: n }, (_, i) => ({
    id: `view:step_${i}`,
    kind: 'view',
    label: `step_${i}_of_the_chain`,
    cell: i,
    stage: i,
    diagnostics: { errors: 0, warnings: 0 }
  }));
  return {
    nodes,
    edges: nodes.slice(1).map((node, i) => ({
      from: `view:step_${i}`,
      to: node.id,
      stage: i + 1,
      cell: i + 1
    }))
  };
}

describe('lineage view', () => {
  const trans = nullTranslator.load('jupyterlab_arcade');

  it('draws the graph at its natural size and zooms it', () => {
    const view = new LineageView({ trans, onSelect: jest.fn() });
    const graph = layoutLineage(chain(16));
    view.render(graph);
    const svg = view.node.querySelector('svg.jp-Arcade-Lineage-graph');
    expect(svg?.classList.contains('jp-mod-TB')).toBe(true);
    expect(Number(svg?.getAttribute('height'))).toBe(graph.height);
    view.node
      .querySelector<HTMLButtonElement>('.jp-Arcade-Lineage-zoomIn')
      ?.click();
    expect(view.zoom).toBe(1.25);
    expect(Number(svg?.getAttribute('height'))).toBe(graph.height * 1.25);
    expect(
      view.node.querySelector('.jp-Arcade-Lineage-zoomReset')?.textContent
    ).toBe('125%');
    // A redraw after an edit keeps the zoom.
    view.render(graph);
    const redrawn = view.node.querySelector('svg.jp-Arcade-Lineage-graph');
    expect(Number(redrawn?.getAttribute('width'))).toBe(graph.width * 1.25);
    view.setZoom(100);
    expect(view.zoom).toBe(MAX_ZOOM);
    view.dispose();
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
