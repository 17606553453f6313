import { open } from 'node:fs/promises';
import {
  compileNotebook,
  compileNotebookJson,
  type CompileOptions
} from './compile';
import { buildLineage } from './lineage';
import { lintNotebook, lintNotebookJson, type LintOptions } from './lint';
import { MAX_NOTEBOOK_LENGTH, NotebookError } from './notebook';
import type { CompileResponse, LineageGraph, LintDiagnostic } from './types';

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

/** Lints a notebook file; compile errors come back as diagnostics. */
export async function lintNotebookFile(
  file: string,
  options: LintOptions
): Promise<LintDiagnostic[]> {
  const label = options.file ?? file;
  const text = await readNotebookFile(file, label);
  return lintNotebook(text, { ...options, file: label });
}

/** The lineage graph of a notebook file, its nodes counting lint findings. */
export async function lineageOfFile(
  file: string,
  options: LintOptions
): Promise<LineageGraph> {
  const label = options.file ?? file;
  const text = await readNotebookFile(file, label);
  return lineageOfText(text, { ...options, file: label });
}

export function lineageOfText(
  text: string,
  options: LintOptions
): LineageGraph {
  return buildLineage(
    compileNotebook(text, { file: options.file ?? 'notebook' }),
    lintNotebook(text, options)
  );
}

export function lineageOfJson(
  notebook: unknown,
  options: LintOptions
): LineageGraph {
  return buildLineage(
    compileNotebookJson(notebook, { file: options.file ?? 'notebook' }),
    lintNotebookJson(notebook, options)
  );
}

export { lintNotebookJson };
