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

/**
 * Put the Arc notebook fixture in the test's folder and open it.
 *
 * Without an installed `arc` kernelspec JupyterLab asks which kernel to
 * use; the test only needs the document, so it answers "No Kernel".
 */
export async function openArcNotebook(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<void> {
  await page.contents.uploadFile(
    path.resolve(__dirname, 'notebooks', NOTEBOOK),
    `${tmpPath}/${NOTEBOOK}`
  );
  expect(await page.filebrowser.open(NOTEBOOK)).toBe(true);
  const noKernel = page
    .locator('.jp-Dialog')
    .getByRole('button', { name: 'No Kernel' });
  const notebook = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
  await expect(noKernel.or(notebook.locator('.jp-Cell').first())).toBeVisible();
  if (await noKernel.isVisible()) {
    await noKernel.click();
  }
}
