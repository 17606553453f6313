import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { BRIDGE_START_TIMEOUT, uploadAndOpen } from './helpers';

const NOTEBOOK = 'lint_demo.ipynb';

test.describe('lint problems and lineage of an Arc notebook', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await uploadAndOpen(
      page,
      tmpPath,
      path.resolve(__dirname, 'notebooks', NOTEBOOK)
    );
    const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
    // The headers come from the first compile, once the bridge has started.
    await expect(panel.locator('.jp-Arcade-StageHeader-type')).not.toHaveCount(
      0,
      { timeout: BRIDGE_START_TIMEOUT }
    );
  });

  test('"Lint notebook" lists the problems and goes to their cell', async ({
    page
  }) => {
    const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('arcade:lint-notebook')
    );

    const problems = page.locator('#jp-Arcade-Problems');
    await expect(problems).toBeVisible();
    const items = problems.locator('.jp-Arcade-Problems-item');
    const unknownMagic = items.filter({
      has: page.locator('.jp-Arcade-Problems-code', {
        hasText: /^unknown-magic$/
      })
    });
    const undefinedView = items.filter({
      has: page.locator('.jp-Arcade-Problems-code', {
        hasText: /^undefined-view$/
      })
    });
    await expect(unknownMagic).toHaveCount(1);
    await expect(unknownMagic).toContainText('SQLTransform');
    await expect(undefinedView).toHaveCount(1);
    await expect(undefinedView).toContainText('missing_view');
    await expect(undefinedView).toContainText(`${NOTEBOOK} · cell 3`);

    await undefinedView.click();
    const third = panel.locator('.jp-Cell').nth(2);
    await expect(third).toHaveClass(/jp-mod-active/);
    expect(
      await page.evaluate(
        () =>
          (
            window.jupyterapp.shell.currentWidget as unknown as {
              content: { activeCellIndex: number };
            }
          ).content.activeCellIndex
      )
    ).toBe(2);
    await expect(
      third.locator('.cm-editor .cm-lintRange-error', {
        hasText: 'missing_view'
      })
    ).toBeVisible();
  });

  test('lints as the user types, in the browser', async ({ page }) => {
    const stageRequests: string[] = [];
    page.on('request', request => {
      if (/\/arcade\/api\/stages\//.test(request.url())) {
        stageRequests.push(request.url());
      }
    });
    const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const third = panel.locator('.jp-Cell').nth(2);
    const error = third.locator('.cm-editor .cm-lintRange-error');
    // The first lint of a session waits for the engine's chunk (and the SQL grammar) to load.
    await expect(error).toHaveText('missing_view', { timeout: 20_000 });

    // Fix the view name by typing: the underline and the problem go away.
    await third.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    for (let i = 0; i < 'missing_view'.length; i++) {
      await page.keyboard.press('Backspace');
    }
    await page.keyboard.type('a');
    await expect(error).toHaveCount(0);
    await expect(third.locator('.jp-Arcade-StageHeader-lint')).toHaveText(
      '✓ lint'
    );

    // A new mistake is underlined where it is typed.
    await page.keyboard.type(' WHERE nope(');
    await expect(
      third.locator('.cm-editor .cm-lintRange-error').first()
    ).toBeVisible();
    expect(stageRequests).toEqual([]);
  });

  test('"Show lineage" draws the views and goes to a stage', async ({
    page
  }) => {
    const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('arcade:show-lineage')
    );

    const graph = page.locator(
      '.jp-Arcade-Lineage svg.jp-Arcade-Lineage-graph'
    );
    await expect(graph).toBeVisible();
    const nodes = graph.locator('g.jp-Arcade-Lineage-node');
    const node = (label: string) =>
      nodes.filter({
        has: page.locator(':scope > text', {
          hasText: new RegExp(`^${label}$`)
        })
      });
    for (const label of ['a', 'b', 'missing_view']) {
      await expect(node(label)).toHaveCount(1);
    }
    await expect(
      nodes.filter({ has: page.locator('.jp-Arcade-Lineage-badge') }).first()
    ).toBeVisible();
    await expect(node('b').locator('.jp-Arcade-Lineage-badge')).toBeVisible();

    await node('b').click();
    await expect(panel.locator('.jp-Cell').nth(2)).toHaveClass(/jp-mod-active/);
  });
});
