import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '../config';
import {
  buildLineage,
  compileNotebook,
  compileNotebookJson,
  lintNotebook,
  lintNotebookJson as lintJson,
  MAX_NOTEBOOK_LENGTH,
  MAX_SQL_FILE_BYTES,
  MAX_SQL_FILES,
  NotebookError,
  sqlFileUris,
  type CompileOptions,
  type CompileResponse,
  type LineageGraph,
  type LintDiagnostic,
  type LintOptions,
  type SqlFile
} from 'arcade-engine';

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

/** Most bytes of SQL one request reads, over all its files. */
export const MAX_SQL_TOTAL_BYTES = 8 * 1024 * 1024;

/**
 * True when the path below `root` has a component starting with `.`: such
 * files (`.git/`, `.env`, `.aws/`) are never read, even inside the workspace.
 */
function isHiddenUnder(root: string, file: string): boolean {
  return (
    isInside(root, file) &&
    path
      .relative(root, file)
      .split(path.sep)
      .some(part => part.startsWith('.'))
  );
}

/** The real path of the regular workspace file a key names, or why it is not read. */
async function locateSqlFile(
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
  const workspace = path.resolve(access.workspace);
  if (!isInside(workspace, lexical) && !isInside(root, lexical)) {
    return unread('outside the workspace');
  }
  if (isHiddenUnder(workspace, lexical) || isHiddenUnder(root, lexical)) {
    return unread('a hidden file or folder (its name starts with ".")');
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
  if (isHiddenUnder(root, real)) {
    return unread('a hidden file or folder (its name starts with ".")');
  }
  let info;
  try {
    // Before opening: opening a FIFO waits for a writer, a device may never end.
    info = await stat(real);
  } catch (error) {
    return unread(`cannot be read (${errorCode(error)})`);
  }
  if (!info.isFile()) {
    return unread(
      info.isDirectory() ? 'a folder, not a file' : 'not a regular file'
    );
  }
  if (info.size > MAX_SQL_FILE_BYTES) {
    return unread(`larger than ${MAX_SQL_FILE_BYTES / (1024 * 1024)} MiB`);
  }
  return real;
}

/** What one request may still read. */
interface ReadBudget {
  files: number;
  bytes: number;
}

/** Reads a file `locateSqlFile` accepted, within the request's budget. */
async function readLocatedFile(
  real: string,
  budget: ReadBudget
): Promise<string | Unread> {
  if (budget.files <= 0) {
    return unread(`not read: one request reads at most ${MAX_SQL_FILES} files`);
  }
  let handle;
  try {
    // Non-blocking and not following a link, should the file have been swapped since it was checked.
    handle = await open(
      real,
      constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW
    );
  } catch (error) {
    return unread(`cannot be read (${errorCode(error)})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size > MAX_SQL_FILE_BYTES) {
      return unread('changed while it was read');
    }
    if (info.size > budget.bytes) {
      return unread(
        `not read: one request reads at most ${MAX_SQL_TOTAL_BYTES / (1024 * 1024)} MiB of SQL`
      );
    }
    budget.files--;
    budget.bytes -= info.size;
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
 * one answer per key, in order: the text, or why it was not read. A file
 * named twice (by two URIs or through a link) is read once; the files and
 * bytes one call reads are capped.
 */
export async function readSqlFiles(
  keys: readonly string[],
  access: SqlFileAccess
): Promise<SqlFile[]> {
  const budget: ReadBudget = {
    files: MAX_SQL_FILES,
    bytes: MAX_SQL_TOTAL_BYTES
  };
  const byRealPath = new Map<string, string | Unread>();
  const files: SqlFile[] = [];
  // One at a time, so that the caps fall on the files named last.
  for (const uri of keys) {
    const located = await locateSqlFile(uri, access);
    let text: string | Unread;
    if (typeof located !== 'string') {
      text = located;
    } else {
      text =
        byRealPath.get(located) ?? (await readLocatedFile(located, budget));
      byRealPath.set(located, text);
    }
    files.push(typeof text === 'string' ? { uri, text } : { uri, ...text });
  }
  return files;
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
