/**
 * Checks manifests against Argo's JSON schema (`api/jsonschema/schema.json`
 * of the pinned argo-workflows module). The schema leaves objects open; here
 * every object with declared properties is closed, so a misspelt field is an
 * error with a did-you-mean instead of being dropped by Kubernetes.
 */
import { readFileSync } from 'node:fs';
import Ajv2020, {
  type ErrorObject,
  type ValidateFunction
} from 'ajv/dist/2020';
import { ArcadeError, didYouMean, isRecord } from 'arcade-engine';
import type { ScheduleDiagnostic } from 'arcade-engine';
import { locate, scalarStyle, type ManifestDocument } from './documents';

const DEFINITION_PREFIX = 'io.argoproj.workflow.v1alpha1.';
/** Kinds `schedule lint` knows, each checked against its own definition. */
export const KINDS = [
  'Workflow',
  'WorkflowTemplate',
  'ClusterWorkflowTemplate',
  'CronWorkflow'
] as const;

/**
 * Kubernetes decodes these from a number as well as a string (`limit: 3`,
 * `cpu: 2`); the schema says string only.
 */
const NUMBER_OR_STRING = [
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  'io.k8s.apimachinery.pkg.api.resource.Quantity'
];

type Schema = Record<string, unknown>;

export function closeObjects(definitions: Record<string, unknown>): void {
  for (const [name, definition] of Object.entries(definitions)) {
    if (!isRecord(definition)) {
      continue;
    }
    if (NUMBER_OR_STRING.includes(name)) {
      definition.type = ['string', 'number'];
    }
    if (
      isRecord(definition.properties) &&
      definition.additionalProperties === undefined
    ) {
      definition.additionalProperties = false;
    }
  }
}

export class ArgoSchema {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(schema: Schema) {
    const definitions = schema.definitions;
    if (!isRecord(definitions)) {
      throw new ArcadeError('bad_request', 'not an Argo JSON schema', {
        hint: 'pass api/jsonschema/schema.json of argo-workflows'
      });
    }
    const copy = structuredClone(schema);
    closeObjects(copy.definitions as Record<string, unknown>);
    delete copy.oneOf;
    copy.$id = 'argo';
    const ajv = new Ajv2020({
      strict: false,
      allErrors: true,
      // parentSchema in errors: the fields a misspelt one is compared with.
      verbose: true,
      validateFormats: false
    });
    ajv.addSchema(copy);
    for (const kind of KINDS) {
      this.validators.set(
        kind,
        ajv.compile({ $ref: `argo#/definitions/${DEFINITION_PREFIX}${kind}` })
      );
    }
  }

  static load(file: string): ArgoSchema {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new ArcadeError(
        'missing_dependency',
        `Argo's JSON schema is missing: ${file}`,
        { hint: 'run "make argo-tools", or set ARCADE_ARGO_DIR' }
      );
    }
    return new ArgoSchema(JSON.parse(text) as Schema);
  }

  /** Diagnostics of one document (its kind already known to be one of KINDS). */
  check(document: ManifestDocument, kind: string): ScheduleDiagnostic[] {
    const validate = this.validators.get(kind);
    if (validate === undefined || validate(document.value)) {
      return [];
    }
    const seen = new Set<string>();
    const out: ScheduleDiagnostic[] = [];
    for (const error of validate.errors ?? []) {
      const diagnostic = toDiagnostic(document, error);
      const key = `${diagnostic.line}:${diagnostic.column}:${diagnostic.code}:${diagnostic.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(diagnostic);
      }
    }
    return out;
  }
}

function pointerPath(pointer: string): Array<string | number> {
  if (pointer === '') {
    return [];
  }
  return pointer
    .slice(1)
    .split('/')
    .map(part => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map(part => (/^\d+$/.test(part) ? Number(part) : part));
}

function dotted(path: ReadonlyArray<string | number>): string {
  return path.length === 0
    ? 'the document'
    : path
        .map((part, i) =>
          typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`
        )
        .join('');
}

function toDiagnostic(
  document: ManifestDocument,
  error: ErrorObject
): ScheduleDiagnostic {
  const path = pointerPath(error.instancePath);
  const where = dotted(path);
  const base = { file: document.file, severity: 'error' as const };
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const parent = error.parentSchema;
      const known = isRecord(parent?.properties)
        ? Object.keys(parent.properties)
        : [];
      const guess = didYouMean(field, known);
      const pos = locate(document, path, field);
      return {
        ...base,
        ...pos,
        code: 'schema/unknown-field',
        message: `unknown field "${field}" in ${where}${guess === null ? '' : ` — did you mean "${guess}"?`}`,
        fix:
          guess === null
            ? `remove "${field}"; fields allowed here: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}`
            : `rename "${field}" to "${guess}"`
      };
    }
    case 'required': {
      const field = String(params.missingProperty);
      return {
        ...base,
        ...locate(document, path),
        code: 'schema/missing-field',
        message: `${where} needs "${field}"`,
        fix: `add "${field}"`
      };
    }
    case 'type': {
      const expected = String(params.type);
      const style = scalarStyle(document, path);
      const actual = Array.isArray(
        path.reduce<unknown>(
          (value, key) =>
            isRecord(value) || Array.isArray(value)
              ? (value as Record<string | number, unknown>)[key]
              : undefined,
          document.value
        )
      )
        ? 'a list'
        : null;
      return {
        ...base,
        ...locate(document, path),
        code: 'schema/type',
        message: `${where} must be ${expected === 'object' ? 'a map' : expected === 'array' ? 'a list' : `a ${expected}`}${actual === null ? '' : `, not ${actual}`}`,
        fix:
          expected === 'string' && style === 'PLAIN'
            ? 'quote the value: YAML reads it as a number or a boolean (yes, no, on, off, 1.10)'
            : `write ${where} as ${expected === 'object' ? 'a map' : expected === 'array' ? 'a list' : `a ${expected}`}`
      };
    }
    case 'const':
    case 'enum': {
      const allowed =
        error.keyword === 'const'
          ? [params.allowedValue]
          : (params.allowedValues as unknown[]);
      return {
        ...base,
        ...locate(document, path),
        code: 'schema/value',
        message: `${where} must be ${allowed.map(v => JSON.stringify(v)).join(' or ')}`,
        fix: `use ${allowed.map(v => JSON.stringify(v)).join(' or ')}`
      };
    }
    default:
      return {
        ...base,
        ...locate(document, path),
        code: 'schema/invalid',
        message: `${where} ${error.message ?? 'is invalid'}`,
        fix: ''
      };
  }
}
