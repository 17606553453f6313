import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '../config';
import {
  compileNotebook,
  compileNotebookJson,
  type CompileOptions
} from './compile';
import { buildLineage } from './lineage';
import {
  lintNotebook,
  lintNotebookJson as lintJson,
  type LintOptions
} from './lint';
import { MAX_NOTEBOOK_LENGTH, NotebookError } from './notebook';
import { MAX_SQL_FILE_BYTES, sqlFileUris } from './sqlFiles';
import type {
  CompileResponse,
  LineageGraph,
  LintDiagnostic,
  SqlFile
} from './types';

/** Reads a notebook file, refusing oversized files before reading them. */
export async function readNotebookFile(
  file: string,
  label = file
): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new NotebookError(label, `cannot read the notebook (${reason})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new NotebookError(label, 'cannot read the notebook (not a file)');
    }
    if (stat.size > MAX_NOTEBOOK_LENGTH) {
      throw new NotebookError(
        label,
        `notebook is larger than ${MAX_NOTEBOOK_LENGTH / (1024 * 1024)} MiB`
      );
    }
    const bytes = await handle.readFile();
    return new TextDecoder('utf-8').decode(bytes);
  } catch (error) {
    if (error instanceof NotebookError) {
      throw error;
    }
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new NotebookError(label, `cannot read the notebook (${reason})`);
  } finally {
    await handle.close();
  }
}

/** Compiles a notebook file. */
export async function compileNotebookFile(
  file: string,
  options: CompileOptions = {}
): Promise<CompileResponse> {
  const label = options.file ?? file;
  const text = await readNotebookFile(file, label);
  return compileNotebook(text, { ...options, file: label });
}

export { compileNotebook, compileNotebookJson };

/**
 * How the bridge reads the SQL files stages name in `inputURI`: only files
 * inside `workspace`, with `${NAME}` taken from `vars`.
 */
export interface SqlFileAccess {
  workspace: string;
  /** Values for `${NAME}` in a file's URI. */
  vars: Readonly<Record<string, string>>;
  /** `vars` hold only the ETL_CONF_* variables (so no other name is worth asking for). */
  etlConfOnly: boolean;
}

/** Variables a SQL file's URI may use over HTTP: Arc's ETL_CONF_ convention, nothing else. */
const ETL_CONF_VARIABLE = /^ETL_CONF_[A-Z0-9_]+$/;

/**
 * Reading SQL files for a browser: the ETL_CONF_* variables of `env` only,
 * so a request cannot make the bridge use any other part of its environment.
 */
export function browserSqlFileAccess(
  workspace: string,
  env: Env
): SqlFileAccess {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (ETL_CONF_VARIABLE.test(name) && value !== undefined) {
      vars[name] = value;
    }
  }
  return { workspace, vars, etlConfOnly: true };
}

/**
 * Reading SQL files as Arc would for `arcade lint`: `--var` values first,
 * then the environment, as Arc takes `--NAME=value` before the environment.
 */
export function cliSqlFileAccess(
  workspace: string,
  env: Env,
  vars: Readonly<Record<string, string>>
): SqlFileAccess {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined) {
      values[name] = value;
    }
  }
  return {
    workspace,
    vars: { ...values, ...vars },
    etlConfOnly: false
  };
}

type Unread = Omit<Extract<SqlFile, { text: null }>, 'uri'>;

function unread(reason: string, missing = false): Unread {
  return { text: null, reason, missing };
}

const SUBSTITUTION = /\$\{(\?)?([^}]*)\}/g;

/** The key with its `${NAME}` parts filled in, or why it cannot be. */
function resolveKey(key: string, access: SqlFileAccess): string | Unread {
  const unset: string[] = [];
  const resolved = key.replace(
    SUBSTITUTION,
    (_match, optional: string | undefined, name: string) => {
      const value = Object.hasOwn(access.vars, name)
        ? access.vars[name]
        : undefined;
      if (value === undefined && optional === undefined) {
        unset.push(name);
      }
      return value ?? '';
    }
  );
  const [name] = unset;
  if (name === undefined) {
    return resolved;
  }
  return unread(
    !access.etlConfOnly || ETL_CONF_VARIABLE.test(name)
      ? `unset variable ${name}`
      : `\${${name}} is not an ETL_CONF_* variable, the only ones Arcade resolves`
  );
}

/**
 * The local path a resolved URI names, as Hadoop reads it (`file:///p`,
 * `file:/p` or a plain absolute path, not percent-decoded), or why the file
 * is not read here.
 */
function localPath(uri: string): string | Unread {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri);
  let file = uri;
  if (scheme !== null) {
    const name = (scheme[1] ?? '').toLowerCase();
    if (name !== 'file') {
      return unread(`${name}:// is read at run time`);
    }
    file = uri.slice(scheme[0].length);
    if (file.startsWith('//')) {
      const slash = file.indexOf('/', 2);
      const host = file.slice(2, slash === -1 ? file.length : slash);
      if (host !== '') {
        return unread('a file:// URI with a host names no local file');
      }
      file = file.slice(2 + host.length);
    }
  }
  if (!file.startsWith('/')) {
    return unread('a relative path is read from wherever Arc runs');
  }
  if (file.includes('\0')) {
    return unread('not a valid path');
  }
  return file;
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'unreadable';
}

/** Reads one SQL file; every refusal is a reason, never an exception. */
async function readSqlFileText(
  key: string,
  access: SqlFileAccess
): Promise<string | Unread> {
  const resolved = resolveKey(key, access);
  if (typeof resolved !== 'string') {
    return resolved;
  }
  const file = localPath(resolved);
  if (typeof file !== 'string') {
    return file;
  }
  let root: string;
  try {
    root = await realpath(access.workspace);
  } catch (error) {
    return unread(`the workspace cannot be read (${errorCode(error)})`);
  }
  // Decided on the path as written first, so nothing outside the workspace is even looked at.
  const lexical = path.resolve(file);
  if (
    !isInside(path.resolve(access.workspace), lexical) &&
    !isInside(root, lexical)
  ) {
    return unread('outside the workspace');
  }
  let real: string;
  try {
    // The OS resolves `..` after symlinks, so the path as written is resolved, not `lexical`.
    real = await realpath(file);
  } catch (error) {
    const code = errorCode(error);
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? unread('not found', true)
      : unread(`cannot be read (${code})`);
  }
  if (!isInside(root, real)) {
    return unread('outside the workspace');
  }
  let handle;
  try {
    handle = await open(real, 'r');
  } catch (error) {
    return unread(`cannot be read (${errorCode(error)})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      return unread(
        stat.isDirectory() ? 'a folder, not a file' : 'not a regular file'
      );
    }
    if (stat.size > MAX_SQL_FILE_BYTES) {
      return unread(`larger than ${MAX_SQL_FILE_BYTES / (1024 * 1024)} MiB`);
    }
    const bytes = await handle.readFile();
    // Spark keeps a byte order mark, and its SQL parser then fails on it.
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  } catch (error) {
    return unread(`cannot be read (${errorCode(error)})`);
  } finally {
    await handle.close();
  }
}

/**
 * Reads the SQL files stages name in `inputURI` (keys from `sqlFileKey`),
 * one answer per key, in order: the text, or why it was not read.
 */
export async function readSqlFiles(
  keys: readonly string[],
  access: SqlFileAccess
): Promise<SqlFile[]> {
  return Promise.all(
    keys.map(async (uri): Promise<SqlFile> => {
      const text = await readSqlFileText(uri, access);
      return typeof text === 'string' ? { uri, text } : { uri, ...text };
    })
  );
}

/** The lint options plus, when given, how to read the SQL files stages name. */
export interface ServiceLintOptions extends LintOptions {
  sqlFileAccess?: SqlFileAccess;
}

/** `options` with the SQL files the compiled notebook reads. */
async function withSqlFiles(
  compile: () => CompileResponse,
  options: ServiceLintOptions
): Promise<LintOptions> {
  const { sqlFileAccess, ...lintOptions } = options;
  if (sqlFileAccess === undefined) {
    return lintOptions;
  }
  let compiled: CompileResponse;
  try {
    compiled = compile();
  } catch (error) {
    if (error instanceof NotebookError) {
      return lintOptions;
    }
    throw error;
  }
  const files = await readSqlFiles(sqlFileUris(compiled), sqlFileAccess);
  return { ...lintOptions, sqlFiles: new Map(files.map(f => [f.uri, f])) };
}

/** Lints a notebook file; compile errors come back as diagnostics. */
export async function lintNotebookFile(
  file: string,
  options: ServiceLintOptions
): Promise<LintDiagnostic[]> {
  const label = options.file ?? file;
  const text = await readNotebookFile(file, label);
  return lintNotebookText(text, { ...options, file: label });
}

async function lintNotebookText(
  text: string,
  options: ServiceLintOptions
): Promise<LintDiagnostic[]> {
  const file = options.file ?? 'notebook';
  return lintNotebook(
    text,
    await withSqlFiles(() => compileNotebook(text, { file }), options)
  );
}

/** Lints a notebook given as JSON; compile errors come back as diagnostics. */
export async function lintNotebookJson(
  notebook: unknown,
  options: ServiceLintOptions
): Promise<LintDiagnostic[]> {
  const file = options.file ?? 'notebook';
  return lintJson(
    notebook,
    await withSqlFiles(() => compileNotebookJson(notebook, { file }), options)
  );
}

/** The lineage graph of a notebook file, its nodes counting lint findings. */
export async function lineageOfFile(
  file: string,
  options: ServiceLintOptions
): Promise<LineageGraph> {
  const label = options.file ?? file;
  const text = await readNotebookFile(file, label);
  const compile = (): CompileResponse => compileNotebook(text, { file: label });
  const lintOptions = await withSqlFiles(compile, { ...options, file: label });
  return buildLineage(
    compile(),
    lintNotebook(text, lintOptions),
    lintOptions.sqlFiles
  );
}

/** The lineage graph of a notebook given as JSON. */
export async function lineageOfJson(
  notebook: unknown,
  options: ServiceLintOptions
): Promise<LineageGraph> {
  const file = options.file ?? 'notebook';
  const compile = (): CompileResponse =>
    compileNotebookJson(notebook, { file });
  const lintOptions = await withSqlFiles(compile, options);
  return buildLineage(
    compile(),
    lintJson(notebook, lintOptions),
    lintOptions.sqlFiles
  );
}
