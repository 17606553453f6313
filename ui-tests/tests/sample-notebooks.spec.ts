/**
 * The walkthrough a new user does after `make demo`, on the real sample
 * notebooks: open each one and read its stage headers, make a lint mistake
 * and fix it, complete column and view names, and follow the lineage graph
 * back to a stage. Running cells and "Run as job" have their own specs.
 */
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { readdirSync } from 'fs';
import * as path from 'path';
import { BRIDGE_START_TIMEOUT, SAMPLE_NOTEBOOKS } from './helpers';

interface IStage {
  type: string;
  environments: string[];
}

const ALL = ['dev', 'test', 'prod'];

/** What the header of each code cell shows, by cell index; null for a cell that is no stage. */
const SAMPLES: Record<string, Record<number, IStage | null>> = {
  '00_quickstart.ipynb': {
    1: { type: 'SQLTransform', environments: ['dev', 'test'] },
    2: { type: 'SQLTransform', environments: ['dev', 'test'] },
    3: { type: 'SQLTransform', environments: ['dev', 'test'] }
  },
  '01_customers_initial_load.ipynb': {
    1: null, // %conf numRows=10
    2: { type: 'DelimitedExtract', environments: ALL },
    3: { type: 'TypingTransform', environments: ALL },
    4: { type: 'SQLValidate', environments: ALL },
    5: { type: 'SQLTransform', environments: ALL },
    6: { type: 'DeltaLakeLoad', environments: ALL }
  },
  '02_customers_daily_changes.ipynb': {
    1: { type: 'DelimitedExtract', environments: ALL },
    2: { type: 'TypingTransform', environments: ALL },
    3: { type: 'SQLValidate', environments: ALL },
    4: { type: 'SQLTransform', environments: ALL },
    5: { type: 'DeltaLakeLoad', environments: ALL }
  },
  '03_customers_scd2_merge.ipynb': {
    1: { type: 'DeltaLakeExtract', environments: ALL },
    2: { type: 'DeltaLakeExtract', environments: ALL },
    4: { type: 'SQLTransform', environments: ALL },
    5: { type: 'SQLTransform', environments: ALL },
    6: { type: 'SQLTransform', environments: ['dev', 'test'] }
  }
};

/** Starting the Arc kernel's JVM, on two busy cores. */
const KERNEL_TIMEOUT = 30_000;

function currentPanel(page: IJupyterLabPageFixture): Locator {
  return page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
}

/** Upload sample notebooks into the test's folder, as `make demo`'s workspace holds them. */
async function uploadSamples(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  names: string[]
): Promise<void> {
  for (const name of names) {
    await page.contents.uploadFile(
      path.join(SAMPLE_NOTEBOOKS, name),
      `${tmpPath}/${name}`
    );
  }
  // As in `make demo`, ${ETL_CONF_SQL} is the sql/ folder (jupyter_server_test_config.py),
  // so the linter reads the SQL the stages name by inputURI.
  const sqlDir = path.resolve(SAMPLE_NOTEBOOKS, '..', 'sql');
  for (const file of readdirSync(sqlDir)) {
    await page.contents.uploadFile(path.join(sqlDir, file), `sql/${file}`);
  }
  // Else the file browser lists them only on its next poll, seconds later.
  await page.filebrowser.refresh();
}

/** Open an uploaded sample from the file browser and wait for its stage headers. */
async function openSample(
  page: IJupyterLabPageFixture,
  name: string
): Promise<Locator> {
  expect(await page.filebrowser.open(name)).toBe(true);
  const panel = currentPanel(page);
  await expect(page.getByRole('tab', { name, selected: true })).toBeVisible();
  // The samples ask for the Arc kernel, which `make demo` installs; the status bar names it.
  await expect(page.getByRole('button', { name: /^Arc \|/ })).toBeVisible({
    timeout: KERNEL_TIMEOUT
  });
  // The headers come from the first compile, once the bridge has started.
  await expect(panel.locator('.jp-Arcade-StageHeader-type')).toHaveCount(
    Object.values(SAMPLES[name]).filter(stage => stage !== null).length,
    { timeout: BRIDGE_START_TIMEOUT }
  );
  return panel;
}

/** The source of a cell of the current notebook, from its model. */
async function cellSource(
  page: IJupyterLabPageFixture,
  index: number
): Promise<string> {
  return page.evaluate(
    i =>
      (
        window.jupyterapp.shell.currentWidget as unknown as {
          content: {
            widgets: { model: { sharedModel: { getSource(): string } } }[];
          };
        }
      ).content.widgets[i].model.sharedModel.getSource(),
    index
  );
}

test.describe('the sample notebooks, as a new user tries them', () => {
  // A laptop screen: the notebook toolbar keeps its items (kernel, "Run as job") out of the overflow menu.
  test.use({ viewport: { width: 1600, height: 900 } });

  test('every stage cell has a header with its type and environments, and lints clean', async ({
    page,
    tmpPath
  }) => {
    // Four notebooks, each starting an Arc kernel (a JVM with Spark): more than the default minute.
    test.setTimeout(4 * KERNEL_TIMEOUT + 60_000);
    await uploadSamples(page, tmpPath, Object.keys(SAMPLES));
    const problems = page.locator('#jp-Arcade-Problems');
    for (const [name, stages] of Object.entries(SAMPLES)) {
      const panel = await openSample(page, name);
      await expect(
        panel
          .locator('.jp-Toolbar-item[data-jp-item-name="arcade-run-as-job"]')
          .getByRole('button')
      ).toBeVisible();
      const cells = panel.locator('.jp-Cell');
      for (const [index, stage] of Object.entries(stages)) {
        const where = `${name}, cell ${index}`;
        const header = cells
          .nth(Number(index))
          .locator('.jp-Arcade-StageHeader');
        if (stage === null) {
          await expect(header, where).toBeHidden();
          continue;
        }
        await expect(header, where).toBeVisible();
        await expect(
          header.locator('.jp-Arcade-StageHeader-type'),
          where
        ).toHaveText(stage.type);
        await expect(
          header.locator('.jp-Arcade-StageHeader-environment'),
          where
        ).toHaveText(stage.environments);
        const lint = header.locator('.jp-Arcade-StageHeader-lint');
        await expect(lint, where).toHaveText('✓ lint');
        await expect(lint, where).not.toHaveClass(/jp-mod-error/);
      }
      await expect(
        panel.locator('.cm-editor .cm-lintRange-error'),
        name
      ).toHaveCount(0);
      // Opening a sample on the Arc kernel changes nothing: its metadata matches the kernel's.
      await expect(
        page.getByRole('button', { name: 'Arc | Idle' })
      ).toBeVisible({ timeout: KERNEL_TIMEOUT });
      expect(
        await page.evaluate(
          () =>
            (
              window.jupyterapp.shell.currentWidget as unknown as {
                context: { model: { dirty: boolean } };
              }
            ).context.model.dirty
        ),
        name
      ).toBe(false);

      // A header's lint button opens the Problems panel, which then follows the current notebook.
      if (name === '00_quickstart.ipynb') {
        await expect(problems).toBeHidden();
        await panel.locator('.jp-Arcade-StageHeader-lint').first().click();
      }
      await expect(problems).toBeVisible();
      await expect(problems).toContainText(
        `No problems in ${tmpPath}/${name}.`
      );
    }
  });

  test('lints a mistyped view name as it is typed, and suggests the right one', async ({
    page,
    tmpPath
  }) => {
    await uploadSamples(page, tmpPath, ['00_quickstart.ipynb']);
    const panel = await openSample(page, '00_quickstart.ipynb');
    const cell = panel.locator('.jp-Cell').nth(3);
    const lint = cell.locator('.jp-Arcade-StageHeader-lint');
    await expect(lint).toHaveText('✓ lint');

    // The cell ends with "FROM numbers": make it "FROM numbrs".
    await cell.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    for (let i = 0; i < 'ers'.length; i++) {
      await page.keyboard.press('Backspace');
    }
    await page.keyboard.type('rs');
    expect(await cellSource(page, 3)).toMatch(/ FROM numbrs$/);

    const underline = cell.locator('.cm-editor .cm-lintRange-error');
    await expect(underline).toHaveText('numbrs');
    await expect(lint).toHaveClass(/jp-mod-error/);
    await expect(lint).toHaveText(/^✕ 1(\s|$)/);

    await lint.click();
    const problems = page.locator('#jp-Arcade-Problems');
    await expect(problems).toBeVisible();
    const items = problems.locator('.jp-Arcade-Problems-item');
    const undefinedView = items.filter({
      has: page.locator('.jp-Arcade-Problems-code', {
        hasText: /^undefined-view$/
      })
    });
    await expect(items).toHaveCount(1);
    await expect(undefinedView).toHaveCount(1);
    await expect(undefinedView).toContainText(
      '00_quickstart.ipynb · cell 4 · line 2'
    );
    const message = undefinedView.locator('.jp-Arcade-Problems-message');
    await expect(message).toContainText('"numbrs"');
    await expect(message).toContainText('Did you mean "numbers"?');

    // Fix it by typing again: the underline and the problem go away.
    await cell.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    for (let i = 0; i < 'rs'.length; i++) {
      await page.keyboard.press('Backspace');
    }
    await page.keyboard.type('ers');
    expect(await cellSource(page, 3)).toMatch(/ FROM numbers$/);
    await expect(underline).toHaveCount(0);
    await expect(lint).toHaveText('✓ lint');
    await expect(items).toHaveCount(0);
    await expect(problems).toContainText('No problems in');
  });

  test('Tab completes column and view names from the earlier stages', async ({
    page,
    tmpPath
  }) => {
    await uploadSamples(page, tmpPath, ['00_quickstart.ipynb']);
    const panel = await openSample(page, '00_quickstart.ipynb');
    const cell = panel.locator('.jp-Cell').nth(3);
    const completer = page.locator('.jp-Completer');
    const option = (label: string, type: string): Locator =>
      completer.locator(`.jp-Completer-item[data-value="${label}"]`).filter({
        has: page.locator('.jp-Completer-typeExtended', {
          hasText: new RegExp(`^${type}$`)
        })
      });

    // "square" is a column of the view "numbers", known from the SQL of the stage creating it.
    await cell.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' WHERE sq');
    await page.keyboard.press('Tab');
    await expect(completer).toBeVisible();
    await expect(option('square', 'column')).toHaveCount(1);
    await option('square', 'column').click();
    await expect(completer).toBeHidden();
    await expect
      .poll(() => cellSource(page, 3))
      .toMatch(/ FROM numbers WHERE square$/);

    // "numbers" is a view an earlier stage creates.
    await page.keyboard.type(' > 1 AND id IN (SELECT id FROM num');
    await page.keyboard.press('Tab');
    await expect(completer).toBeVisible();
    await expect(option('numbers', 'view')).toHaveCount(1);
    await page.keyboard.press('Enter');
    await expect(completer).toBeHidden();
    await expect.poll(() => cellSource(page, 3)).toMatch(/ FROM numbers$/);
    await page.keyboard.type(')');
    expect(await cellSource(page, 3)).toBe(
      '%sql name="sum of squares" outputView=sum_of_squares environments=dev,test\n' +
        'SELECT SUM(square) AS total FROM numbers WHERE square > 1 AND id IN (SELECT id FROM numbers)'
    );

    // What the completer wrote is valid: the stage still lints clean.
    await expect(cell.locator('.jp-Arcade-StageHeader-lint')).toHaveText(
      '✓ lint'
    );
    await expect(cell.locator('.cm-editor .cm-lintRange-error')).toHaveCount(0);
  });

  test('"Show lineage" of the SCD2 merge draws its views and goes to their stages', async ({
    page,
    tmpPath
  }) => {
    await uploadSamples(page, tmpPath, ['03_customers_scd2_merge.ipynb']);
    const panel = await openSample(page, '03_customers_scd2_merge.ipynb');
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('arcade:show-lineage')
    );

    const graph = page.locator(
      '.jp-Arcade-Lineage svg.jp-Arcade-Lineage-graph'
    );
    await expect(graph).toBeVisible();
    const nodes = graph.locator('g.jp-Arcade-Lineage-node');
    const node = (label: string): Locator =>
      nodes.filter({
        has: page.locator(':scope > text', {
          hasText: new RegExp(`^${label}$`)
        })
      });
    // The output views of the notebook's five stages.
    for (const label of [
      'snapshot',
      'changes',
      'merge_source',
      'merge_result',
      'customers_by_state'
    ]) {
      await expect(node(label), label).toHaveCount(1);
      await expect(node(label), label).toHaveClass(/\bjp-mod-view\b/);
    }
    // The Delta tables it reads, and the one the MERGE writes.
    await expect(nodes.and(page.locator('.jp-mod-source'))).toHaveCount(2);
    await expect(nodes.and(page.locator('.jp-mod-sink'))).toHaveText([
      /\/delta\/customers$/
    ]);
    await expect(graph.locator('.jp-Arcade-Lineage-edge')).not.toHaveCount(0);
    // The sample is clean, so no node carries an error badge.
    await expect(graph.locator('.jp-Arcade-Lineage-badge')).toHaveCount(0);

    const cells = panel.locator('.jp-Cell');
    await node('merge_source').click();
    await expect(cells.nth(4)).toHaveClass(/jp-mod-active/);
    await expect(cells.nth(2)).not.toHaveClass(/jp-mod-active/);
    await node('changes').click();
    await expect(cells.nth(2)).toHaveClass(/jp-mod-active/);
    await expect(cells.nth(4)).not.toHaveClass(/jp-mod-active/);
  });
});
