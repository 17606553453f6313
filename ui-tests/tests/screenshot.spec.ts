/**
 * Produces docs/screenshot.png for the README; run with `npm run screenshot`.
 * Kept out of the regular suite so a test run leaves the working tree clean.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { BRIDGE_START_TIMEOUT, openArcNotebook, statusItem } from './helpers';

test.use({ viewport: { width: 1280, height: 800 } });

test('screenshot of JupyterLab with Arcade connected', async ({
  page,
  tmpPath
}) => {
  await openArcNotebook(page, tmpPath);
  const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
  await expect(panel.locator('.jp-Cell')).toHaveCount(3);
  await expect(panel.locator('.jp-MarkdownCell')).toContainText('Daily orders');
  await expect(statusItem(page)).toHaveText('Arcade: connected', {
    timeout: BRIDGE_START_TIMEOUT
  });
  await page.screenshot({
    path: path.resolve(__dirname, '..', '..', 'docs', 'screenshot.png')
  });
});
