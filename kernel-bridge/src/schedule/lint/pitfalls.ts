/**
 * YAML that parses but does not mean what it says. The classic one in Argo
 * manifests: `value: {{inputs.parameters.x}}` unquoted is a map inside a map
 * (a flow mapping), not the template string.
 */
import { visit } from 'yaml';
import type { ScheduleDiagnostic } from 'arcade-engine';
import type { ManifestDocument } from './documents';

export function yamlPitfalls(document: ManifestDocument): ScheduleDiagnostic[] {
  const out: ScheduleDiagnostic[] = [];
  visit(document.doc, {
    Map(_key, node) {
      if (!node.flow || node.range === undefined || node.range === null) {
        return undefined;
      }
      const text = document.source.slice(node.range[0], node.range[1]);
      if (!text.startsWith('{{')) {
        return undefined;
      }
      const pos = document.lines.linePos(node.range[0]);
      const expression = text.replace(/\s+/g, '');
      out.push({
        file: document.file,
        line: pos.line,
        column: pos.col,
        code: 'yaml/unquoted-template',
        severity: 'error',
        message: `${expression} is read by YAML as a map, not as the template string`,
        fix: `quote it: "${expression}"`
      });
      return visit.SKIP;
    }
  });
  return out;
}
