/**
 * Arcade's own checks of the Arc command line inside Argo templates: the
 * `--etl.config.*` flags Arc 3.7 knows, booleans spelt `true`/`false`, an
 * environment the notebook has stages for, a configuration URI that pins a
 * published version, job parameters as JSON — and no parameter spliced into
 * a shell script, where a value such as `x; rm -rf /` would run.
 */
import { argumentValueProblem, didYouMean, isRecord } from 'arcade-engine';
import type { ScheduleDiagnostic } from 'arcade-engine';
import { LAUNCHER_CLASS, VARS_FLAG } from '../manifests';
import {
  locate,
  locateText,
  type ManifestDocument,
  type Position
} from './documents';

/** `--etl.config.*` options of Arc 3.7 (its ARC.scala and documentation). */
const ARC_FLAGS: Record<string, 'string' | 'boolean'> = {
  uri: 'string',
  environment: 'string',
  'job.id': 'string',
  'job.name': 'string',
  tags: 'string',
  storageLevel: 'string',
  enableStackTrace: 'boolean',
  ignoreEnvironments: 'boolean',
  streaming: 'boolean',
  lintOnly: 'boolean',
  disableDependencyValidation: 'boolean'
};
/** Credentials Arc accepts as flags: readable by anyone who can list pods. */
const CREDENTIAL_FLAG = /^fs\./;

const SHELLS = /(^|\/)(sh|bash|dash|ash|zsh)$/;
const PARAMETER_REFERENCE = /\{\{\s*(inputs|workflow)\.parameters\.[^}]*\}\}/;
const ONLY_INPUT = /^\{\{\s*inputs\.parameters\.([A-Za-z0-9_-]+)\s*\}\}$/;
const PINNED_URI =
  /^s3a:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/(.+\/)?versions\/[0-9a-f]{40}\/[^{}]+\.ipynb$/;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** What the other checks need from the project. */
export interface ArcLintContext {
  /** The project's environments (settings); empty when unknown. */
  environments: readonly string[];
  /**
   * The environments a notebook's stages run in, for a path in the
   * repository; null when the notebook is not at hand.
   */
  notebookEnvironments?: (notebook: string) => string[] | null;
}

type Path = Array<string | number>;

interface TemplateRef {
  document: ManifestDocument;
  path: Path;
  template: Record<string, unknown>;
}

/** The templates of a manifest, wherever its kind keeps them. */
export function templatesOf(document: ManifestDocument): TemplateRef[] {
  const value = document.value;
  if (!isRecord(value) || !isRecord(value.spec)) {
    return [];
  }
  const specPath: Path =
    value.kind === 'CronWorkflow' ? ['spec', 'workflowSpec'] : ['spec'];
  const spec =
    value.kind === 'CronWorkflow' ? value.spec.workflowSpec : value.spec;
  if (!isRecord(spec) || !Array.isArray(spec.templates)) {
    return [];
  }
  return spec.templates.flatMap((template: unknown, i: number) =>
    isRecord(template)
      ? [{ document, path: [...specPath, 'templates', i], template }]
      : []
  );
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.map(item => (typeof item === 'string' ? item : String(item)))
    : [];
}

function diagnostic(
  document: ManifestDocument,
  position: Position,
  code: string,
  severity: 'error' | 'warning',
  message: string,
  fix: string
): ScheduleDiagnostic {
  return { file: document.file, ...position, code, severity, message, fix };
}

/** The flags of an Arc command: `key` → value text and where it is. */
interface ArcFlag {
  key: string;
  value: string;
  position: Position;
}

/** A YAML scalar as text: strings as they are, anything else as JSON. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function templated(value: string): boolean {
  return value.includes('{{');
}

export function checkUri(value: string): string | null {
  if (templated(value)) {
    return null;
  }
  if (value.startsWith('s3://')) {
    return `"${value}" uses s3://; Spark reads S3 through s3a://`;
  }
  if (!PINNED_URI.test(value)) {
    return `"${value}" is not a published version (…/versions/<commit>/<notebook>.ipynb)`;
  }
  return null;
}

function checkVarsJson(value: string): string | null {
  if (templated(value)) {
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return `job parameters must be a JSON object, got ${JSON.stringify(value.slice(0, 40))}`;
  }
  if (!isRecord(parsed)) {
    return 'job parameters must be a JSON object of names to strings';
  }
  for (const [name, item] of Object.entries(parsed)) {
    if (!VAR_NAME.test(name) || name.startsWith('etl.')) {
      return `job parameter name "${name}" is not allowed (letters, digits, _ and dots; not etl.*)`;
    }
    if (typeof item !== 'string') {
      return `job parameter "${name}" must be a string`;
    }
    const problem = parameterValueProblem(name, item);
    if (problem !== null) {
      return problem;
    }
  }
  return null;
}

/** Why Arc cannot take a job parameter's value (the engine's rule), or null. */
export function parameterValueProblem(
  name: string,
  value: string
): string | null {
  return argumentValueProblem(`job parameter "${name}"`, value);
}

/** Checks of an `--etl.config.environment` value against the project and notebook. */
function environmentProblem(
  value: string,
  uri: string | null,
  context: ArcLintContext
): string | null {
  if (templated(value)) {
    return null;
  }
  if (
    context.environments.length > 0 &&
    !context.environments.includes(value)
  ) {
    return `environment "${value}" is not one of the project's (${context.environments.join(', ')})`;
  }
  const notebook =
    uri === null ? null : /\/versions\/[0-9a-f]{40}\/(.+)$/.exec(uri)?.[1];
  if (
    notebook !== undefined &&
    notebook !== null &&
    context.notebookEnvironments
  ) {
    const used = context.notebookEnvironments(notebook);
    if (used !== null && !used.includes(value)) {
      return `no stage of ${notebook} runs in environment "${value}" (its stages run in: ${used.join(', ') || 'none'})`;
    }
  }
  return null;
}

/** Parameter names bound to Arc flags: `{configUri: 'uri', …}` per template. */
export type FlagBindings = Map<string, string>;

export function checkArcTemplates(
  documents: ManifestDocument[],
  context: ArcLintContext
): { diagnostics: ScheduleDiagnostic[]; bindings: FlagBindings } {
  const out: ScheduleDiagnostic[] = [];
  const bindings: FlagBindings = new Map();
  for (const document of documents) {
    for (const { path, template } of templatesOf(document)) {
      const body = isRecord(template.container)
        ? { key: 'container', value: template.container }
        : isRecord(template.script)
          ? { key: 'script', value: template.script }
          : null;
      if (body === null) {
        continue;
      }
      const command = strings(body.value.command);
      const args = strings(body.value.args);
      const bodyPath = [...path, body.key];
      const source =
        typeof body.value.source === 'string' ? body.value.source : '';
      // Shell scripts with parameters spliced in.
      const shell =
        command.some(part => SHELLS.test(part)) || body.key === 'script';
      const scriptParts =
        body.key === 'script'
          ? [{ text: source, path: [...bodyPath, 'source'] }]
          : shell
            ? args.map((text, i) => ({ text, path: [...bodyPath, 'args', i] }))
            : [];
      for (const part of scriptParts) {
        const reference = PARAMETER_REFERENCE.exec(part.text);
        if (reference !== null) {
          out.push(
            diagnostic(
              document,
              locateText(document, part.path, reference[0]),
              'arc/shell-interpolation',
              'error',
              'a parameter is spliced into a shell script: a value with ";", "$(…)" or a quote runs as a command',
              'run the program directly (command: [spark-submit, …]) and pass each parameter as its own container argument'
            )
          );
        }
      }
      const all = [...command, ...args, source].join('\n');
      const isArc =
        all.includes('ai.tripl.arc.ARC') ||
        all.includes(LAUNCHER_CLASS) ||
        all.includes('--etl.config.');
      if (!isArc) {
        continue;
      }
      const flags: ArcFlag[] = [];
      const addFlag = (text: string, at: Path) => {
        for (const match of text.matchAll(
          /--etl\.config\.([A-Za-z0-9_.]+)=("[^"]*"|'[^']*'|\S*)/g
        )) {
          flags.push({
            key: match[1] ?? '',
            value: (match[2] ?? '').replace(/^["']|["']$/g, ''),
            position: locateText(document, at, match[0])
          });
        }
      };
      args.forEach((arg, i) => {
        addFlag(arg, [...bodyPath, 'args', i]);
      });
      command.forEach((arg, i) => {
        addFlag(arg, [...bodyPath, 'command', i]);
      });
      if (source !== '') {
        addFlag(source, [...bodyPath, 'source']);
      }
      const seen = new Set(flags.map(flag => flag.key));
      for (const required of ['uri', 'environment']) {
        if (!seen.has(required)) {
          out.push(
            diagnostic(
              document,
              locate(document, path, body.key),
              'arc/missing-flag',
              'error',
              `the Arc command has no --etl.config.${required}`,
              `add the argument --etl.config.${required}=${required === 'uri' ? '{{inputs.parameters.configUri}}' : '{{inputs.parameters.environment}}'}`
            )
          );
        }
      }
      const uriFlag = flags.find(flag => flag.key === 'uri');
      for (const flag of flags) {
        const bound = ONLY_INPUT.exec(flag.value)?.[1];
        if (bound !== undefined) {
          bindings.set(bound, flag.key);
        }
        const kind = ARC_FLAGS[flag.key];
        if (kind === undefined) {
          if (CREDENTIAL_FLAG.test(flag.key)) {
            out.push(
              diagnostic(
                document,
                flag.position,
                'arc/credential-flag',
                'error',
                `--etl.config.${flag.key} puts a credential on the command line, where anyone who can list pods reads it`,
                "remove it; the job's service account (IRSA) gives S3 access"
              )
            );
            continue;
          }
          const guess = didYouMean(flag.key, Object.keys(ARC_FLAGS));
          out.push(
            diagnostic(
              document,
              flag.position,
              'arc/unknown-flag',
              'error',
              `Arc has no option --etl.config.${flag.key}${guess === null ? '' : ` — did you mean --etl.config.${guess}?`}`,
              guess === null
                ? `remove it; Arc's options are ${Object.keys(ARC_FLAGS).join(', ')}`
                : `rename it to --etl.config.${guess}`
            )
          );
          continue;
        }
        if (
          kind === 'boolean' &&
          !templated(flag.value) &&
          !['true', 'false'].includes(flag.value)
        ) {
          out.push(
            diagnostic(
              document,
              flag.position,
              'arc/boolean',
              'error',
              `--etl.config.${flag.key} must be true or false, not "${flag.value}"`,
              `write --etl.config.${flag.key}=${/^(1|yes|on|y)$/i.test(flag.value) ? 'true' : 'false'}`
            )
          );
        }
        if (flag.key === 'uri') {
          const problem = checkUri(flag.value);
          if (problem !== null) {
            out.push(
              diagnostic(
                document,
                flag.position,
                'arc/unpinned-uri',
                'error',
                problem,
                URI_FIX
              )
            );
          }
        }
        if (flag.key === 'environment') {
          const problem = environmentProblem(
            flag.value,
            uriFlag?.value ?? null,
            context
          );
          if (problem !== null) {
            out.push(
              diagnostic(
                document,
                flag.position,
                'arc/environment',
                'error',
                problem,
                ENVIRONMENT_FIX
              )
            );
          }
        }
      }
      args.forEach((arg, i) => {
        if (arg.startsWith(`${VARS_FLAG}=`)) {
          const value = arg.slice(VARS_FLAG.length + 1);
          const bound = ONLY_INPUT.exec(value)?.[1];
          if (bound !== undefined) {
            bindings.set(bound, 'vars');
          }
          const problem = checkVarsJson(value);
          if (problem !== null) {
            out.push(
              diagnostic(
                document,
                locate(document, [...bodyPath, 'args', i]),
                'arc/vars',
                'error',
                problem,
                VARS_FIX
              )
            );
          }
        }
      });
    }
  }
  return { diagnostics: out, bindings };
}

const URI_FIX =
  'point at a published version: s3a://<bucket>/<prefix>/<project>/versions/<commit>/<notebook>.ipynb (arcade publish prints it)';
const ENVIRONMENT_FIX =
  "use an environment the notebook's stages list in their environments option";
const VARS_FIX = 'pass a JSON object such as {"ETL_CONF_LAKE": "s3a://lake"}';

/** Where arguments are passed to templates: Workflow/CronWorkflow arguments and DAG/steps tasks. */
function argumentLists(
  document: ManifestDocument
): Array<{ path: Path; list: unknown[] }> {
  const out: Array<{ path: Path; list: unknown[] }> = [];
  const visit = (value: unknown, path: Path): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        visit(item, [...path, i]);
      });
      return;
    }
    if (!isRecord(value)) {
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      if (
        key === 'arguments' &&
        isRecord(item) &&
        Array.isArray(item.parameters)
      ) {
        out.push({ path: [...path, key, 'parameters'], list: item.parameters });
      } else if (
        key === 'inputs' &&
        isRecord(item) &&
        Array.isArray(item.parameters)
      ) {
        out.push({ path: [...path, key, 'parameters'], list: item.parameters });
      } else {
        visit(item, [...path, key]);
      }
    }
  };
  visit(document.value, []);
  return out;
}

/**
 * Values passed to parameters that the Arc templates bind to flags: a
 * `configUri` argument must pin a version, an `environment` one must be
 * known, `vars` must be JSON.
 */
export function checkArguments(
  documents: ManifestDocument[],
  bindings: FlagBindings,
  context: ArcLintContext
): ScheduleDiagnostic[] {
  const out: ScheduleDiagnostic[] = [];
  for (const document of documents) {
    for (const { path, list } of argumentLists(document)) {
      const values = new Map<string, { value: string; index: number }>();
      list.forEach((item, index) => {
        if (
          isRecord(item) &&
          typeof item.name === 'string' &&
          item.value !== undefined
        ) {
          values.set(item.name, { value: textOf(item.value), index });
        }
      });
      const uriParameter = [...bindings].find(
        ([, flag]) => flag === 'uri'
      )?.[0];
      const uri =
        uriParameter === undefined
          ? null
          : (values.get(uriParameter)?.value ?? null);
      for (const [name, { value, index }] of values) {
        const flag = bindings.get(name);
        const at = locate(document, [...path, index, 'value']);
        const problem =
          flag === 'uri'
            ? checkUri(value)
            : flag === 'environment'
              ? environmentProblem(value, uri, context)
              : flag === 'vars'
                ? checkVarsJson(value)
                : null;
        if (problem !== null) {
          const code =
            flag === 'uri'
              ? 'arc/unpinned-uri'
              : flag === 'environment'
                ? 'arc/environment'
                : 'arc/vars';
          const fix =
            flag === 'uri'
              ? URI_FIX
              : flag === 'environment'
                ? ENVIRONMENT_FIX
                : VARS_FIX;
          out.push(
            diagnostic(
              document,
              at,
              code,
              'error',
              `parameter "${name}": ${problem}`,
              fix
            )
          );
        }
      }
    }
  }
  return out;
}
