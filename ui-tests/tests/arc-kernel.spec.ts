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

    // The kernel completes from the live Spark session: a view made by a SQL
    // statement (not an outputView) is known only there.
    const cells = panel.locator('.jp-CodeCell');
    const count = await cells.count();
    await page.notebook.selectCells(count);
    await page.keyboard.press('Escape');
    await page.keyboard.press('b');
    await expect(cells).toHaveCount(count + 1);
    await page.keyboard.press('Enter');
    await page.keyboard.type(
      '%sql name=define outputView=define_done environments=dev\nCREATE OR REPLACE TEMP VIEW secret_numbers AS SELECT 1 AS n'
    );
    await page.keyboard.press('Shift+Enter');
    await expect(cells.nth(count).locator('.jp-InputPrompt')).toHaveText(
      /\[\d+\]/,
      { timeout: 60_000 }
    );

    // Running the last cell added an empty one below and selected it.
    await expect(cells).toHaveCount(count + 2);
    await page.keyboard.press('Enter');
    await page.keyboard.type(
      '%sql name=use outputView=use_it environments=dev\nSELECT * FROM secret_'
    );
    await page.keyboard.press('Tab');
    await expect(
      page.locator('.jp-Completer-item[data-value="secret_numbers"]')
    ).toBeVisible({ timeout: 30_000 });
  });
});
