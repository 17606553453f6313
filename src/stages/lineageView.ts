import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { LineageNode } from 'arcade-kernel-bridge';
import { fitLabel, type ILineageLayout } from './lineage';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  return element;
}

/**
 * The lineage graph of one notebook as SVG: boxes coloured by kind, a red
 * badge with the error count, arrows from reader to writer order.
 */
export class LineageView extends Widget {
  constructor(options: LineageView.IOptions) {
    super();
    this._trans = options.trans;
    this._onSelect = options.onSelect;
    this.addClass('jp-Arcade-Lineage');
  }

  showMessage(message: string): void {
    const p = document.createElement('p');
    p.className = 'jp-Arcade-Lineage-notice';
    p.textContent = message;
    this.node.replaceChildren(p);
  }

  render(graph: ILineageLayout): void {
    const trans = this._trans;
    if (graph.nodes.length === 0) {
      this.showMessage(trans.__('This notebook reads and writes no views.'));
      return;
    }
    const root = svg('svg', {
      class: 'jp-Arcade-Lineage-graph',
      width: graph.width,
      height: graph.height,
      viewBox: `0 0 ${graph.width} ${graph.height}`,
      role: 'img',
      'aria-label': trans.__('Lineage graph')
    });
    const defs = svg('defs', {});
    const marker = svg('marker', {
      id: `${this.id || 'jp-Arcade-Lineage'}-arrow`,
      viewBox: '0 0 10 10',
      refX: 10,
      refY: 5,
      markerWidth: 8,
      markerHeight: 8,
      orient: 'auto-start-reverse'
    });
    marker.appendChild(
      svg('path', {
        d: 'M 0 0 L 10 5 L 0 10 z',
        class: 'jp-Arcade-Lineage-arrow'
      })
    );
    defs.appendChild(marker);
    root.appendChild(defs);
    for (const edge of graph.edges) {
      if (edge.points.length < 2) {
        continue;
      }
      const d = edge.points
        .map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`)
        .join(' ');
      root.appendChild(
        svg('path', {
          d,
          class: 'jp-Arcade-Lineage-edge',
          'marker-end': `url(#${marker.id})`
        })
      );
    }
    for (const node of graph.nodes) {
      const group = svg('g', {
        class: `jp-Arcade-Lineage-node jp-mod-${node.kind}`,
        transform: `translate(${node.x - node.width / 2}, ${node.y - node.height / 2})`,
        'data-id': node.id
      });
      const title = svg('title', {});
      title.textContent = trans.__('%1 (%2)', node.label, node.kind);
      group.appendChild(title);
      group.appendChild(
        svg('rect', { width: node.width, height: node.height, rx: 6, ry: 6 })
      );
      const label = svg('text', { x: node.width / 2, y: node.height / 2 + 4 });
      label.textContent = fitLabel(node.label, node.width);
      group.appendChild(label);
      if (node.diagnostics.errors > 0) {
        const badge = svg('g', {
          class: 'jp-Arcade-Lineage-badge',
          transform: `translate(${node.width - 4}, 4)`
        });
        badge.appendChild(svg('circle', { r: 9 }));
        const count = svg('text', { y: 4 });
        count.textContent = String(node.diagnostics.errors);
        badge.appendChild(count);
        group.appendChild(badge);
      }
      if (node.cell !== null) {
        group.setAttribute('tabindex', '0');
        group.setAttribute('role', 'button');
        group.addEventListener('click', () => this._onSelect(node));
        group.addEventListener('keydown', event => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            this._onSelect(node);
          }
        });
      }
      root.appendChild(group);
    }
    this.node.replaceChildren(root);
  }

  private readonly _trans: TranslationBundle;
  private readonly _onSelect: (node: LineageNode) => void;
}

export namespace LineageView {
  export interface IOptions {
    trans: TranslationBundle;
    onSelect: (node: LineageNode) => void;
  }
}
