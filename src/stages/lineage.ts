import {
  Graph,
  layout,
  type EdgeLabel,
  type GraphLabel,
  type NodeLabel
} from '@dagrejs/dagre';
import type { LineageEdge, LineageNode, LineageGraph } from 'arcade-engine';

export const NODE_HEIGHT = 36;
const CHAR_WIDTH = 7;
const NODE_PADDING = 24;
const MIN_NODE_WIDTH = 80;
const MAX_NODE_WIDTH = 260;

/** A node of the drawn graph: the bridge's node with its box. */
export interface IPlacedNode extends LineageNode {
  /** Centre of the box. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface IPlacedEdge extends LineageEdge {
  points: { x: number; y: number }[];
}

/** `LR`: sources on the left; `TB`: sources at the top. */
export type LineageDirection = 'LR' | 'TB';

/**
 * The most columns a graph is drawn left to right with; a longer chain is
 * drawn top to bottom, where the panel scrolls instead of squeezing it.
 */
export const MAX_LR_RANKS = 5;

export interface ILineageLayout {
  direction: LineageDirection;
  nodes: IPlacedNode[];
  edges: IPlacedEdge[];
  width: number;
  height: number;
}

/**
 * The box a node needs for its label, within fixed bounds.
 */
export function nodeWidth(label: string): number {
  return Math.min(
    MAX_NODE_WIDTH,
    Math.max(MIN_NODE_WIDTH, label.length * CHAR_WIDTH + NODE_PADDING)
  );
}

/**
 * The label as it fits in a box of `width`, shortened in the middle so both
 * the scheme and the file name of a long URI stay readable.
 */
export function fitLabel(label: string, width: number): string {
  const room = Math.floor((width - NODE_PADDING) / CHAR_WIDTH);
  if (label.length <= room) {
    return label;
  }
  const keep = Math.max(1, room - 1);
  const head = Math.ceil(keep / 2);
  return `${label.slice(0, head)}…${label.slice(label.length - (keep - head))}`;
}

/**
 * What goes into the layout: the nodes, and the edges between known nodes,
 * once per pair (a view read by two stages is one arrow).
 */
export function lineageInput(response: LineageGraph): {
  nodes: LineageNode[];
  edges: LineageEdge[];
} {
  const ids = new Set(response.nodes.map(node => node.id));
  const pairs = new Set<string>();
  const edges = response.edges.filter(edge => {
    const key = JSON.stringify([edge.from, edge.to]);
    if (!ids.has(edge.from) || !ids.has(edge.to) || pairs.has(key)) {
      return false;
    }
    pairs.add(key);
    return true;
  });
  return { nodes: response.nodes, edges };
}

/**
 * Place the lineage graph: left to right while it has at most
 * `MAX_LR_RANKS` columns, else top to bottom (unless `direction` is given).
 */
export function layoutLineage(
  response: LineageGraph,
  direction?: LineageDirection
): ILineageLayout {
  const input = lineageInput(response);
  if (direction !== undefined) {
    return place(input, direction);
  }
  const wide = place(input, 'LR');
  const ranks = new Set(wide.nodes.map(node => Math.round(node.x))).size;
  return ranks <= MAX_LR_RANKS ? wide : place(input, 'TB');
}

function place(
  input: ReturnType<typeof lineageInput>,
  direction: LineageDirection
): ILineageLayout {
  const graph = new Graph<GraphLabel, NodeLabel, EdgeLabel>({
    multigraph: false
  });
  graph.setGraph({
    rankdir: direction,
    nodesep: 24,
    ranksep: direction === 'LR' ? 64 : 40,
    marginx: 16,
    marginy: 16
  });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of input.nodes) {
    graph.setNode(node.id, {
      width: nodeWidth(node.label),
      height: NODE_HEIGHT
    });
  }
  for (const edge of input.edges) {
    graph.setEdge(edge.from, edge.to, {});
  }
  layout(graph);
  const label = graph.graph();
  return {
    direction,
    nodes: input.nodes.map(node => {
      const placed = graph.node(node.id);
      return {
        ...node,
        x: placed.x ?? 0,
        y: placed.y ?? 0,
        width: placed.width,
        height: placed.height
      };
    }),
    edges: input.edges.map(edge => ({
      ...edge,
      points: graph.edge(edge.from, edge.to)?.points ?? []
    })),
    width: label.width ?? 0,
    height: label.height ?? 0
  };
}
