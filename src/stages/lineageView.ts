import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { LineageNode } from 'arcade-engine';
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

/** Zoom steps of the zoom buttons and keys; the wheel zooms smoothly between them. */
export const ZOOM_STEP = 1.25;
export const MIN_ZOOM = 0.2;
export const MAX_ZOOM = 4;

/**
 * The lineage graph of one notebook as SVG: boxes coloured by kind, a red
 * badge with the error count, arrows from reader to writer order.
 *
 * The graph is drawn at its natural size, so labels keep their font size;
 * the viewport scrolls, pans by dragging, and zooms with the buttons, `+`,
 * `-`, `0` or Ctrl + wheel.
 */
export class LineageView extends Widget {
  constructor(options: LineageView.IOptions) {
    super();
    this._trans = options.trans;
    this._onSelect = options.onSelect;
    this.addClass('jp-Arcade-Lineage');
    const trans = this._trans;

    const toolbar = document.createElement('div');
    toolbar.className = 'jp-Arcade-Lineage-toolbar';
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', trans.__('Lineage zoom'));
    const button = (
      part: string,
      text: string,
      label: string,
      action: () => void
    ): HTMLButtonElement => {
      const node = document.createElement('button');
      node.type = 'button';
      node.className = `jp-Arcade-Lineage-${part}`;
      node.textContent = text;
      node.title = label;
      node.setAttribute('aria-label', label);
      node.addEventListener('click', action);
      toolbar.appendChild(node);
      return node;
    };
    button('zoomOut', '−', trans.__('Zoom out'), () =>
      this.zoomBy(1 / ZOOM_STEP)
    );
    this._zoomLabel = button('zoomReset', '100%', trans.__('Actual size'), () =>
      this.setZoom(1)
    );
    button('zoomIn', '+', trans.__('Zoom in'), () => this.zoomBy(ZOOM_STEP));
    button(
      'zoomFit',
      trans.__('Fit'),
      trans.__('Fit the graph in the panel'),
      () => this.zoomToFit()
    );
    this.node.appendChild(toolbar);

    this._viewport = document.createElement('div');
    this._viewport.className = 'jp-Arcade-Lineage-viewport';
    this._viewport.tabIndex = 0;
    this._viewport.setAttribute(
      'aria-label',
      trans.__('Lineage graph: drag to pan, + and - to zoom')
    );
    this._viewport.addEventListener('wheel', this._onWheel, { passive: false });
    this._viewport.addEventListener('pointerdown', this._onPointerDown);
    this._viewport.addEventListener('keydown', this._onKeyDown);
    this.node.appendChild(this._viewport);
  }

  /** The scale the graph is drawn at; 1 is its natural size. */
  get zoom(): number {
    return this._zoom;
  }

  /**
   * Draw at `zoom`, keeping the point at (`x`, `y`) of the viewport (its
   * centre by default) where it is.
   */
  setZoom(zoom: number, x?: number, y?: number): void {
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
    const viewport = this._viewport;
    const px = x ?? viewport.clientWidth / 2;
    const py = y ?? viewport.clientHeight / 2;
    const ratio = next / this._zoom;
    const left = (viewport.scrollLeft + px) * ratio - px;
    const top = (viewport.scrollTop + py) * ratio - py;
    this._zoom = next;
    this._applyZoom();
    viewport.scrollLeft = Math.max(0, left);
    viewport.scrollTop = Math.max(0, top);
  }

  zoomBy(factor: number): void {
    this.setZoom(this._zoom * factor);
  }

  /** Zoom so the whole graph shows in the panel, never above natural size. */
  zoomToFit(): void {
    const graph = this._graph;
    if (graph === null || graph.width <= 0 || graph.height <= 0) {
      return;
    }
    this.setZoom(
      Math.min(
        1,
        this._viewport.clientWidth / graph.width,
        this._viewport.clientHeight / graph.height
      )
    );
  }

  showMessage(message: string): void {
    const p = document.createElement('p');
    p.className = 'jp-Arcade-Lineage-notice';
    p.textContent = message;
    this._graph = null;
    this._svg = null;
    this._viewport.replaceChildren(p);
  }

  render(graph: ILineageLayout): void {
    const trans = this._trans;
    if (graph.nodes.length === 0) {
      this.showMessage(trans.__('This notebook reads and writes no views.'));
      return;
    }
    const root = svg('svg', {
      class: `jp-Arcade-Lineage-graph jp-mod-${graph.direction}`,
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
    this._graph = graph;
    this._svg = root;
    this._applyZoom();
    // Replacing the drawing keeps the zoom and, as far as it goes, the scroll position.
    const { scrollLeft, scrollTop } = this._viewport;
    this._viewport.replaceChildren(root);
    this._viewport.scrollLeft = scrollLeft;
    this._viewport.scrollTop = scrollTop;
  }

  private _applyZoom(): void {
    this._zoomLabel.textContent = `${Math.round(this._zoom * 100)}%`;
    if (this._svg !== null && this._graph !== null) {
      this._svg.setAttribute('width', String(this._graph.width * this._zoom));
      this._svg.setAttribute('height', String(this._graph.height * this._zoom));
    }
  }

  private readonly _onWheel = (event: WheelEvent): void => {
    if (!event.ctrlKey && !event.metaKey) {
      return;
    }
    event.preventDefault();
    const box = this._viewport.getBoundingClientRect();
    this.setZoom(
      this._zoom * Math.exp(-event.deltaY / 500),
      event.clientX - box.left,
      event.clientY - box.top
    );
  };

  private readonly _onPointerDown = (event: PointerEvent): void => {
    const target = event.target;
    if (
      event.button !== 0 ||
      (target instanceof Element &&
        target.closest('.jp-Arcade-Lineage-node[role="button"]') !== null)
    ) {
      return;
    }
    const viewport = this._viewport;
    const start = {
      x: event.clientX,
      y: event.clientY,
      left: viewport.scrollLeft,
      top: viewport.scrollTop
    };
    viewport.setPointerCapture(event.pointerId);
    viewport.classList.add('jp-mod-panning');
    const move = (e: PointerEvent): void => {
      viewport.scrollLeft = start.left - (e.clientX - start.x);
      viewport.scrollTop = start.top - (e.clientY - start.y);
    };
    const end = (): void => {
      viewport.classList.remove('jp-mod-panning');
      viewport.removeEventListener('pointermove', move);
      viewport.removeEventListener('pointerup', end);
      viewport.removeEventListener('pointercancel', end);
    };
    viewport.addEventListener('pointermove', move);
    viewport.addEventListener('pointerup', end);
    viewport.addEventListener('pointercancel', end);
  };

  private readonly _onKeyDown = (event: KeyboardEvent): void => {
    if (event.target !== this._viewport) {
      return;
    }
    const zoom =
      event.key === '+' || event.key === '='
        ? this._zoom * ZOOM_STEP
        : event.key === '-'
          ? this._zoom / ZOOM_STEP
          : event.key === '0'
            ? 1
            : null;
    if (zoom !== null) {
      event.preventDefault();
      this.setZoom(zoom);
    }
  };

  private readonly _trans: TranslationBundle;
  private readonly _onSelect: (node: LineageNode) => void;
  private readonly _viewport: HTMLDivElement;
  private readonly _zoomLabel: HTMLButtonElement;
  private _graph: ILineageLayout | null = null;
  private _svg: SVGSVGElement | null = null;
  private _zoom = 1;
}

export namespace LineageView {
  export interface IOptions {
    trans: TranslationBundle;
    onSelect: (node: LineageNode) => void;
  }
}
