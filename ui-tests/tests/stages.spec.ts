import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import {
  BRIDGE_START_TIMEOUT,
  SAMPLE_NOTEBOOKS,
  uploadAndOpen
} from './helpers';

const SAMPLE = path.join(SAMPLE_NOTEBOOKS, '01_customers_initial_load.ipynb');

test.describe('stage cells of an Arc notebook', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await uploadAndOpen(page, tmpPath, SAMPLE);
  });

  test('show a header with each stage type, and "Add SQL stage" inserts a stage', async ({
    page
  }) => {
    const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const types = panel.locator('.jp-Arcade-StageHeader-type');
    await expect(types).toHaveText(
      [
        'DelimitedExtract',
        'TypingTransform',
        'SQLValidate',
        'SQLTransform',
        'DeltaLakeLoad'
      ],
      { timeout: BRIDGE_START_TIMEOUT }
    );
    const sqlHeader = panel
      .locator('.jp-Cell')
      .nth(5)
      .locator('.jp-Arcade-StageHeader');
    await expect(sqlHeader).toContainText('add SCD type 2 columns');
    await expect(sqlHeader).toContainText('customers_snapshot');
    await expect(
      sqlHeader.locator('.jp-Arcade-StageHeader-environment')
    ).toHaveText(['dev', 'test', 'prod']);

    const cells = panel.locator('.jp-Cell');
    const before = await cells.count();
    await page.notebook.selectCells(5);
    // As from the palette; the cell toolbar's buttons are exercised by the next test.
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('arcade:add-sql-stage')
    );

    await expect(cells).toHaveCount(before + 1);
    const inserted = cells.nth(6);
    await expect(inserted.locator('.jp-InputArea-editor')).toContainText(
      '%sql name=transform outputView=transform environments=dev,test,prod'
    );
    await expect(inserted.locator('.jp-InputArea-editor')).toContainText(
      'FROM customers_snapshot'
    );
    await expect(inserted.locator('.jp-Arcade-StageHeader-type')).toHaveText(
      'SQLTransform'
    );
    await expect(types).toHaveCount(6);

    // The insert went through the shared model, so the notebook's undo removes it.
    await page.keyboard.press('Escape');
    await page.keyboard.press('z');
    await expect(cells).toHaveCount(before);
  });

  test('"Add stage…" inserts a template, and the options form edits the magic line and HOCON', async ({
    page
  }) => {
    const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const types = panel.locator('.jp-Arcade-StageHeader-type');
    await expect(types).toHaveCount(5, { timeout: BRIDGE_START_TIMEOUT });

    await page.notebook.selectCells(3);
    const cell = panel.locator('.jp-Cell').nth(3);
    // The cell toolbar shows on the active cell when the pointer is over it.
    await cell.hover();
    await cell
      .locator('.jp-cell-toolbar jp-button[data-command="arcade:add-stage"]')
      .click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.locator('select').selectOption({
      label: 'DeltaLakeLoad — Write a view to a Delta Lake table'
    });
    await dialog.getByRole('button', { name: 'Insert' }).click();

    const inserted = panel.locator('.jp-Cell').nth(4);
    await expect(inserted.locator('.jp-Arcade-StageHeader-type')).toHaveText(
      'DeltaLakeLoad'
    );
    await expect(inserted.locator('.jp-InputArea-editor')).toContainText(
      '"inputView": "customers_typed"'
    );

    // The %sqlvalidate stage moved down to cell 5; change its name through the form.
    await page.notebook.selectCells(5);
    await page.evaluate(() => {
      void window.jupyterapp.commands.execute('arcade:edit-stage-options');
    });
    const name = dialog.locator('input[name="name"]');
    await expect(name).toHaveValue('typing errors under threshold');
    await name.fill('typing gate');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    const validate = panel.locator('.jp-Cell').nth(5);
    await expect(validate.locator('.jp-InputArea-editor')).toContainText(
      '%sqlvalidate name="typing gate" environments=dev,test,prod'
    );
    await expect(validate.locator('.jp-Arcade-StageHeader-name')).toHaveText(
      'typing gate'
    );

    // The same form edits the inserted HOCON stage in place.
    await page.notebook.selectCells(4);
    await page.evaluate(() => {
      void window.jupyterapp.commands.execute('arcade:edit-stage-options');
    });
    await expect(dialog).toContainText('DeltaLakeLoad stage (HOCON)');
    await dialog.locator('input[name="inputView"]').fill('orders_raw');
    await dialog.locator('input[name="saveMode"]').fill('Append');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    const editor = inserted.locator('.jp-InputArea-editor');
    await expect(editor).toContainText('"inputView": "orders_raw"');
    await expect(editor).toContainText('"saveMode": "Append"');
    await expect(editor).toContainText('"outputURI": ${LAKE}"/delta/table"');
    await expect(inserted.locator('.jp-Arcade-StageHeader-type')).toHaveText(
      'DeltaLakeLoad'
    );
  });

  test('"Show compiled job" opens the Arc job the notebook compiles to', async ({
    page
  }) => {
    const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
    await expect(panel.locator('.jp-Arcade-StageHeader-type')).toHaveCount(5, {
      timeout: BRIDGE_START_TIMEOUT
    });
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('arcade:show-compiled-job')
    );
    const job = page.locator('.jp-Arcade-CompiledJob pre');
    await expect(job).toContainText('"type": "DelimitedExtract"');
    await expect(job).toContainText('"outputView": "customers_snapshot"');
  });
});
