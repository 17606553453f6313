import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { SAMPLE_NOTEBOOKS, uploadAndOpen } from './helpers';

const QUICKSTART = path.join(SAMPLE_NOTEBOOKS, '00_quickstart.ipynb');
// A batch run starts its own Spark: tens of seconds on two busy cores.
const RUN_TIMEOUT = 180_000;

test.describe('Run as job', () => {
  test.setTimeout(RUN_TIMEOUT + 60_000);

  test('runs the quickstart notebook and shows every stage finished', async ({
    page,
    tmpPath
  }) => {
    await uploadAndOpen(page, tmpPath, QUICKSTART);
    const notebook = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
    await expect(notebook.locator('.jp-CodeCell').first()).toContainText(
      'outputView=hello'
    );

    await notebook
      .locator('.jp-Toolbar-item[data-jp-item-name="arcade-run-as-job"]')
      .getByRole('button')
      .click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('select')).toHaveValue('dev');
    await dialog.getByRole('button', { name: 'Run' }).click();

    const run = page.locator('.jp-Arcade-Run');
    await expect(run.locator('.jp-Arcade-Run-summary')).toHaveText(
      /^Succeeded: 3 stages in /,
      { timeout: RUN_TIMEOUT }
    );
    const stages = run.locator('.jp-Arcade-Run-stage');
    await expect(stages.locator('.jp-Arcade-Run-stageName')).toHaveText([
      'hello',
      'numbers',
      'sum of squares'
    ]);
    await expect(stages.locator('.jp-Arcade-Run-stageType')).toHaveText([
      'SQLTransform',
      'SQLTransform',
      'SQLTransform'
    ]);
    for (const stage of await stages.all()) {
      await expect(stage).toHaveAttribute('data-stage-status', 'finished');
      await expect(stage.locator('.jp-Arcade-Run-stageDuration')).toHaveText(
        /\d+(\.\d)? (ms|s)/
      );
    }
    await expect(run.locator('.jp-Arcade-Run-cancel')).toBeHidden();
  });
});
