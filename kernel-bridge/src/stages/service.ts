import { open } from 'node:fs/promises';
import {
  compileNotebook,
  compileNotebookJson,
  type CompileOptions
} from './compile';
import { MAX_NOTEBOOK_LENGTH, NotebookError } from './notebook';
import type { CompileResponse } from './types';

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
