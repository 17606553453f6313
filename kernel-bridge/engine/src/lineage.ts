/**
 * Lineage: how data flows through a notebook's stages, from sources
 * (inputURI) and tables through views to sinks (outputURI). Pure, so the
 * frontend can bundle it.
 */
import { INPUT_VIEW_KEYS, OUTPUT_VIEW_KEYS } from './stageKeys';
import { sqlParamValues, uriText } from './dataRefs';
import { analyzeSql, fillParams } from './sql';
import { stageSqlSource, stageSqlText } from './sqlFiles';
import type {
  CompileResponse,
  LineageEdge,
  LineageGraph,
  LineageNode,
  LineageNodeKind,
  LintDiagnostic,
  SqlFile
} from './types';

/**
 * Builds the lineage graph; `diagnostics` are counted on the nodes their
 * stage creates. A stage whose SQL comes from a file in `sqlFiles` reads
 * the tables that SQL names; without the file's text, the file stands for
 * its inputs.
 */
export function buildLineage(
  compiled: CompileResponse,
  diagnostics: readonly LintDiagnostic[] = [],
  sqlFiles?: ReadonlyMap<string, SqlFile>
): LineageGraph {
  const nodes = new Map<string, LineageNode>();
  const edges: LineageEdge[] = [];
  const created = new Set<string>();
  const node = (
    kind: LineageNodeKind,
    label: string,
    cell: number | null,
    stage: number | null
  ): string => {
    const id = `${kind}:${kind === 'view' ? label.toLowerCase() : label}`;
    const existing = nodes.get(id);
    if (existing === undefined) {
      nodes.set(id, {
        id,
        kind,
        label,
        cell,
        stage,
        diagnostics: { errors: 0, warnings: 0 }
      });
    } else if (existing.cell === null && cell !== null) {
      existing.cell = cell;
      existing.stage = stage;
    }
    return id;
  };

  compiled.stages.forEach((info, index) => {
    const json = compiled.job.stages[index] ?? {};
    const inputs: string[] = [];
    const sql = stageSqlText(json, sqlFiles);
    // The file holds the stage's SQL, not its data: the tables it names are the inputs.
    const readsFile =
      sql?.spark === true && stageSqlSource(json)?.kind === 'file';
    const source = uriText(json.inputURI);
    if (source !== null && !readsFile) {
      inputs.push(node('source', source, null, null));
    }
    for (const key of INPUT_VIEW_KEYS) {
      const name = json[key];
      if (typeof name === 'string') {
        const kind = created.has(name.toLowerCase()) ? 'view' : 'table';
        inputs.push(node(kind, name, null, null));
      }
    }
    const outputs: string[] = [];
    if (sql?.spark === true) {
      const analysis = analyzeSql(sql.text, sqlParamValues(json.sqlParams));
      const sqlParams = json.sqlParams;
      const paramText = (name: string): string | null =>
        typeof sqlParams === 'object' &&
        sqlParams !== null &&
        !Array.isArray(sqlParams)
          ? uriText(sqlParams[name])
          : null;
      for (const table of analysis.tables) {
        if (table.path !== null) {
          inputs.push(
            node('source', fillParams(table.path, paramText), null, null)
          );
        } else {
          const kind = created.has(table.name.toLowerCase()) ? 'view' : 'table';
          inputs.push(node(kind, table.name, null, null));
        }
      }
      // A MERGE, INSERT, UPDATE or DELETE target is an output, not an input.
      // Delta can MERGE into a view over a Delta table, so a view an earlier
      // stage created stands for the table behind it.
      for (const table of analysis.writes) {
        if (table.path !== null) {
          outputs.push(
            node('sink', fillParams(table.path, paramText), info.cell, index)
          );
        } else if (created.has(table.name.toLowerCase())) {
          outputs.push(node('view', table.name, null, null));
        } else {
          outputs.push(node('table', table.name, null, null));
        }
      }
    }
    for (const key of OUTPUT_VIEW_KEYS) {
      const name = json[key];
      if (typeof name === 'string') {
        created.add(name.toLowerCase());
        outputs.push(node('view', name, info.cell, index));
      }
    }
    const sink = uriText(json.outputURI);
    if (sink !== null) {
      outputs.push(node('sink', sink, info.cell, index));
    }
    for (const from of new Set(inputs)) {
      for (const to of new Set(outputs)) {
        // `INSERT INTO t SELECT … FROM t` reads and writes one table.
        if (from !== to) {
          edges.push({ from, to, stage: index, cell: info.cell });
        }
      }
    }
  });

  for (const diagnostic of diagnostics) {
    for (const n of nodes.values()) {
      if (n.cell !== null && n.cell === diagnostic.cell) {
        if (diagnostic.severity === 'error') {
          n.diagnostics.errors++;
        } else if (diagnostic.severity === 'warning') {
          n.diagnostics.warnings++;
        }
      }
    }
  }
  return { nodes: [...nodes.values()], edges };
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const SHAPES: Record<LineageNodeKind, string> = {
  source: 'cylinder',
  table: 'cylinder',
  view: 'box',
  sink: 'folder'
};

/** The graph in Graphviz dot. */
export function lineageToDot(graph: LineageGraph): string {
  const lines = ['digraph lineage {', '  rankdir=LR;'];
  for (const n of graph.nodes) {
    const color =
      n.diagnostics.errors > 0
        ? ', color=red'
        : n.diagnostics.warnings > 0
          ? ', color=orange'
          : '';
    lines.push(
      `  ${dotString(n.id)} [label=${dotString(n.label)}, shape=${SHAPES[n.kind]}${color}];`
    );
  }
  for (const e of graph.edges) {
    lines.push(
      `  ${dotString(e.from)} -> ${dotString(e.to)} [label=${dotString(`stage ${e.stage + 1}`)}];`
    );
  }
  lines.push('}');
  return lines.join('\n');
}
