/**
 * Credentials written into the notebook (code inline-secret): in a stage's
 * `authentication`, `password` and `jdbcURL`, in the credential-looking
 * entries of its `headers`, `params`, `options` and `sqlParams` maps, and
 * in `%env` cells that set a secret-looking variable to a literal.
 */
import { javaTrimBounds, parseArgs } from '../arcText';
import type {
  CompiledStageInfo,
  CompileResponse,
  JsonObject,
  JsonValue,
  SourceLocation
} from '../types';
import { advance, fieldAt, type Linter } from './linter';

const SECRET_KEYS = new Set([
  'secretAccessKey',
  'accessKeyID',
  'accountKey',
  'signature',
  'clientSecret',
  'password',
  'token'
]);

/** A name (variable, header, map key) that holds a credential, in any case, with or without `_`, `-`, `.`. */
const SECRET_NAME =
  /password|passwd|secret|token|apikey|accesskey|privatekey|accountkey|sessionkey|credential|signature/;

function normalName(name: string): string {
  return name.toLowerCase().replace(/[-_.\s]/g, '');
}

function isSecretName(name: string): boolean {
  return SECRET_NAME.test(normalName(name));
}

/** HTTP headers that carry credentials: Authorization, Cookie, and any *key*, *token*, *secret*, *password*. */
function isSecretHeader(name: string): boolean {
  const normal = normalName(name);
  return (
    normal === 'authorization' ||
    normal === 'proxyauthorization' ||
    normal === 'cookie' ||
    normal.includes('key') ||
    isSecretName(name)
  );
}

/**
 * A value written out in the notebook: non-empty text without a
 * substitution. `${VAR}` and `"Bearer "${VAR}` (a $subst or $concat here)
 * are set at run time, so they are not flagged.
 */
function isLiteral(value: JsonValue | undefined): value is string {
  return (
    typeof value === 'string' &&
    value.trim() !== '' &&
    !/\$\{[^}]*\}/.test(value)
  );
}

/** Stage maps whose entries Arc hands on: HTTP headers, JDBC/Delta `params` and `options`, SQL `sqlParams`. */
const SECRET_MAPS: readonly {
  key: string;
  isSecret: (name: string) => boolean;
  what: string;
}[] = [
  {
    key: 'headers',
    isSecret: isSecretHeader,
    what: 'every request sends it'
  },
  {
    key: 'params',
    isSecret: isSecretName,
    what: 'Arc passes it to the driver'
  },
  {
    key: 'options',
    isSecret: isSecretName,
    what: 'Arc passes it to Spark'
  },
  {
    key: 'sqlParams',
    isSecret: isSecretName,
    what: 'Arc pastes it into the SQL'
  }
];

/** Where a map entry is written: its key's line, else the map's. */
function entryAt(
  stage: CompiledStageInfo,
  map: string,
  key: string
): SourceLocation {
  return stage.fields[`${map}.${key}`] ?? fieldAt(stage, map);
}

function checkSecretMaps(
  linter: Linter,
  stage: CompiledStageInfo,
  json: JsonObject
): void {
  for (const { key: map, isSecret, what } of SECRET_MAPS) {
    const entries = json[map];
    if (
      typeof entries !== 'object' ||
      entries === null ||
      Array.isArray(entries)
    ) {
      continue;
    }
    for (const [key, value] of Object.entries(entries)) {
      if (isSecret(key) && isLiteral(value)) {
        linter.add(
          entryAt(stage, map, key),
          'error',
          'inline-secret',
          `${map}.${key} is written into the notebook: ${what}, and the value would land in git and in Arc's logs. Use a \${VARIABLE} substitution set at run time${map === 'headers' ? ' (e.g. "Bearer "${TOKEN})' : ''}.`
        );
      }
    }
  }
}

/**
 * `%env` cells that set a secret-looking variable to a literal. The kernel
 * reads the whole cell as Arc's parseArgs of its trimmed lines joined by
 * spaces, so each `KEY=value` is found where parseArgs finds it.
 */
export function checkEnvSecrets(
  linter: Linter,
  compiled: CompileResponse,
  sources: readonly (string | null)[] | undefined
): void {
  for (const ignored of compiled.ignored) {
    const source = sources?.[ignored.cell];
    if (ignored.reason !== 'interactive-magic' || typeof source !== 'string') {
      continue;
    }
    const [start, end] = javaTrimBounds(source);
    const text = source.slice(start, end);
    if (!text.startsWith('%env')) {
      continue;
    }
    const at = { cell: ignored.cell, line: 1, column: 1 };
    for (const [key, arg] of parseArgs(text.replace(/\n/g, ' '))) {
      const value = arg.value.replace(/^"(.*)"$/s, '$1');
      if (isSecretName(key) && isLiteral(value)) {
        linter.add(
          advance(at, source, start + arg.offset),
          'error',
          'inline-secret',
          `${key} is set to a literal in a %env cell: the secret would land in git, and a job never reads %env (it takes variables from --${key}=… or the environment). Use %secret ${key} in the notebook, or pass it when the job is started.`
        );
      }
    }
  }
}

export function checkSecrets(
  linter: Linter,
  stage: CompiledStageInfo,
  json: JsonObject
): void {
  const auth = json.authentication;
  if (typeof auth === 'object' && auth !== null && !Array.isArray(auth)) {
    for (const [key, value] of Object.entries(auth)) {
      if (SECRET_KEYS.has(key) && typeof value === 'string') {
        linter.add(
          fieldAt(stage, `authentication.${key}`),
          'error',
          'inline-secret',
          `authentication.${key} is written into the notebook: Arc refuses inline credentials, and the value would land in git and in Arc's logs. Use "method": "AmazonIAM" (or the environment's credentials) or a \${VARIABLE} substitution.`
        );
      }
    }
  }
  if (typeof json.password === 'string') {
    linter.add(
      fieldAt(stage, 'password'),
      'error',
      'inline-secret',
      "the password is written into the notebook: Arc refuses inline credentials, and it would land in git and in Arc's logs. Use a ${VARIABLE} substitution set at run time."
    );
  }
  const url = json.jdbcURL;
  if (
    typeof url === 'string' &&
    (/[?;&:]password=[^;&${}]/i.test(url) || /\/\/[^/@:]+:[^/@]+@/.test(url))
  ) {
    linter.add(
      fieldAt(stage, 'jdbcURL'),
      'error',
      'inline-secret',
      'jdbcURL carries a password: Arc refuses inline credentials, and the URL would land in git and in Arc\'s logs. Move the password into a ${VARIABLE} substitution or the "password" key set from the environment.'
    );
  }
  checkSecretMaps(linter, stage, json);
}
