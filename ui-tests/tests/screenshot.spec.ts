/**
 * Produces docs/screenshot.png for the README; run with `npm run screenshot`.
 * Kept out of the regular suite so a test run leaves the working tree clean.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import {
  BRIDGE_START_TIMEOUT,
  SAMPLE_NOTEBOOKS,
  statusItem,
  uploadAndOpen
} from './helpers';

const QUICKSTART = path.join(SAMPLE_NOTEBOOKS, '00_quickstart.ipynb');

test.use({ viewport: { width: 1280, height: 800 } });
test.setTimeout(300_000);

test('screenshot of JupyterLab with Arcade connected and an Arc cell run', async ({
  page,
  tmpPath
}) => {
  await uploadAndOpen(page, tmpPath, QUICKSTART);
  const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
  await expect(page.getByRole('button', { name: /^Arc \|/ })).toBeVisible({
    timeout: 60_000
  });
  await page.notebook.selectCells(1);
  await page.keyboard.press('Shift+Enter');
  await expect(
    panel.locator('.jp-CodeCell').first().locator('.jp-OutputArea-output table')
  ).toBeVisible({ timeout: 180_000 });
  await expect(statusItem(page)).toHaveText('Arcade: connected', {
    timeout: BRIDGE_START_TIMEOUT
  });
  await page.notebook.selectCells(0);
  await page.screenshot({
    path: path.resolve(__dirname, '..', '..', 'docs', 'screenshot.png')
  });
});
