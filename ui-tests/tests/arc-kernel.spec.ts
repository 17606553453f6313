import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { SAMPLE_NOTEBOOKS, uploadAndOpen } from './helpers';

const QUICKSTART = path.join(SAMPLE_NOTEBOOKS, '00_quickstart.ipynb');
// Spark starts inside the kernel on the first cell: tens of seconds on two busy cores.
const FIRST_CELL_TIMEOUT = 180_000;

test.describe('the Arc kernel', () => {
  test.setTimeout(FIRST_CELL_TIMEOUT + 60_000);

  test('runs a %sql cell of a sample notebook and shows its table', async ({
    page,
    tmpPath
  }) => {
    await uploadAndOpen(page, tmpPath, QUICKSTART);

    const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
    await expect(panel.locator('.jp-CodeCell').first()).toContainText(
      'outputView=hello'
    );
    await expect(page.getByRole('button', { name: /^Arc \|/ })).toBeVisible({
      timeout: 60_000
    });

    await page.notebook.selectCells(1);
    await page.keyboard.press('Shift+Enter');

    const output = panel
      .locator('.jp-CodeCell')
      .first()
      .locator('.jp-OutputArea-output');
    const table = output.locator('table');
    await expect(table).toBeVisible({ timeout: FIRST_CELL_TIMEOUT });
    await expect(table.locator('th')).toHaveText(['x', 'tool']);
    await expect(table.locator('td')).toHaveText(['1', 'arcade']);
  });
});
