import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { expect } from '@jupyterlab/galata';
import * as path from 'path';

export const NOTEBOOK = 'daily_orders.ipynb';

/**
 * The first check starts the bridge process behind jupyter-server-proxy,
 * which may take a few seconds on a cold machine.
 */
export const BRIDGE_START_TIMEOUT = 45_000;

export function statusItem(page: IJupyterLabPageFixture) {
  return page.locator('.jp-Arcade-StatusItem');
}

/** The sample workspace's notebooks, as `make demo` clones them. */
export const SAMPLE_NOTEBOOKS = path.resolve(
  __dirname,
  '..',
  '..',
  'sample-workspace',
  'notebooks'
);

/**
 * Upload a local notebook into the test's folder and open it.
 *
 * Without an installed `arc` kernelspec JupyterLab asks which kernel to
 * use; then the test answers "No Kernel", since it only needs the document.
 */
export async function uploadAndOpen(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  localFile: string
): Promise<void> {
  const name = path.basename(localFile);
  await page.contents.uploadFile(localFile, `${tmpPath}/${name}`);
  // Else the file browser lists the file only on its next poll, seconds later.
  await page.filebrowser.refresh();
  expect(await page.filebrowser.open(name)).toBe(true);
  const noKernel = page
    .locator('.jp-Dialog')
    .getByRole('button', { name: 'No Kernel' });
  const notebook = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
  await expect(noKernel.or(notebook.locator('.jp-Cell').first())).toBeVisible();
  if (await noKernel.isVisible()) {
    await noKernel.click();
  }
}

/** Put the Arc notebook fixture in the test's folder and open it. */
export async function openArcNotebook(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<void> {
  await uploadAndOpen(
    page,
    tmpPath,
    path.resolve(__dirname, 'notebooks', NOTEBOOK)
  );
}
