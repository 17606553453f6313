/**
 * The Data sidebar over the real local Athena endpoint (DuckDB reading Delta
 * tables): crawl → the tree with format icons → filter → preview with status
 * and statistics → Cancel stops a running preview → details with the Delta
 * history → "Query in notebook" adds a %sql stage that runs in the Arc kernel
 * → its header offers Preview in Athena, opened below the notebook → a table
 * dragged into a cell becomes its qualified name → what was open comes back
 * after a reload.
 */
import { expect, test } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';
import * as path from 'path';
import {
  ARCADE,
  NOTEBOOK,
  REPO_ROOT,
  command,
  stack,
  uploadAndOpen
} from './helpers';

const FIXTURE = path.join(
  REPO_ROOT,
  'kernel-bridge',
  'lib',
  'bench',
  'catalog',
  'deltaFixture.cjs'
);
// Spark starts inside the kernel on the first cell: tens of seconds on two busy cores.
const FIRST_CELL_TIMEOUT = 180_000;

/** Writes a Delta table with the bridge's test tool (Parquet by DuckDB, a Delta log commit). */
function writeDeltaTable(dir: string): void {
  const script =
    `require(${JSON.stringify(FIXTURE)}).writeDeltaTable(${JSON.stringify(dir)}, ` +
    `[{name: 'order_id', type: 'long'}, {name: 'customer', type: 'string'}, {name: 'amount', type: 'double'}], ` +
    `"SELECT range, 'customer ' || (range % 7), range * 1.25 FROM range(2500)")` +
    `.catch(e => { console.error(e); process.exit(1); })`;
  execFileSync(process.execPath, ['-e', script]);
}

test.describe('Data sidebar', () => {
  test.setTimeout(FIRST_CELL_TIMEOUT + 240_000);

  test('browse, filter, preview, cancel, details, query in notebook, restore', async ({
    page,
    tmpPath
  }) => {
    const { env } = stack();
    const lake = (env.ARCADE_CATALOG_CRAWL ?? '').replace(
      /^lake=file:\/\//,
      ''
    );
    expect(lake).toMatch(/lake\/delta$/);
    writeDeltaTable(path.join(lake, 'ui_orders'));
    const crawled = execFileSync(ARCADE, ['catalog', 'crawl'], {
      env,
      encoding: 'utf8'
    });
    expect(crawled).toMatch(/Registered lake\.ui_orders|already registered/);

    // An Arc notebook to query in (opened first: the file browser must be showing).
    await uploadAndOpen(
      page,
      tmpPath,
      path.join(__dirname, 'notebooks', NOTEBOOK)
    );
    const notebook = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
    await expect(page.getByRole('button', { name: /^Arc \|/ })).toBeVisible({
      timeout: 60_000
    });
    await command(page, 'arcade:show-data');
    const sidebar = page.locator('#jp-Arcade-data');
    await expect(sidebar).toBeVisible();
    const database = sidebar.locator('.jp-Arcade-Data-row.jp-mod-database', {
      hasText: /^▸?⛁lake$/
    });
    await expect(database).toBeVisible({ timeout: 30_000 });
    await database.click();
    const table = sidebar.locator('.jp-Arcade-Data-row.jp-mod-table', {
      hasText: 'ui_orders'
    });
    await expect(table).toBeVisible();
    await expect(table.locator('.jp-Arcade-Data-icon')).toHaveAttribute(
      'title',
      'DELTA'
    );

    // The filter narrows what is loaded at once; the keyboard opens a table's columns.
    await sidebar.locator('.jp-Arcade-Data-filter').fill('zz_nothing');
    await expect(table).toBeHidden();
    await expect(
      sidebar.locator('.jp-Arcade-Data-row.jp-mod-empty')
    ).toContainText('No table matches');
    await sidebar.locator('.jp-Arcade-Data-filter').fill('ui_ord');
    await expect(table).toBeVisible();
    await table.click({ position: { x: 5, y: 5 } });
    await expect(
      sidebar.locator('.jp-Arcade-Data-row.jp-mod-column', {
        hasText: 'customer'
      })
    ).toContainText('string');

    // Cancel stops a running preview (every local query takes 1.5 s here).
    await table.hover();
    await table.locator('[data-action="preview"]').click();
    const preview = page.locator('.jp-Arcade-Preview').last();
    await expect(preview).toHaveAttribute(
      'data-state',
      /STARTING|QUEUED|RUNNING/
    );
    await preview.getByRole('button', { name: 'Cancel' }).click();
    await expect(preview).toHaveAttribute('data-state', 'CANCELLED');
    await expect(preview.locator('.jp-Arcade-Preview-status')).toContainText(
      'Cancelled'
    );

    // A preview runs to the end: rows in the grid, state, rows, bytes scanned and cost.
    await preview.locator('.jp-Arcade-Preview-rerun').click();
    await expect(preview).toHaveAttribute('data-state', 'SUCCEEDED', {
      timeout: 30_000
    });
    await expect(preview).toHaveAttribute('data-rows', '100');
    await expect(preview.locator('.jp-Arcade-Preview-status')).toContainText(
      /Succeeded · .* · 100 rows · [\d.]+ KB scanned · est\. \$[\d.]+/
    );
    await expect(
      preview.locator('.jp-Arcade-Grid-columnHeader').first()
    ).toHaveText('order_id : bigint');
    await expect(
      preview
        .locator('.jp-Arcade-Grid-row')
        .first()
        .locator('[role="gridcell"]')
    ).toHaveText(['0', 'customer 0', '0']);

    // Details: schema, location, and the Delta history read from _delta_log.
    await table.hover();
    await table.locator('[data-action="details"]').click();
    const details = page.locator('.jp-Arcade-Details').last();
    await expect(details.locator('h2')).toHaveText('lake.ui_orders');
    await expect(details.locator('table').first()).toContainText('amount');
    await expect(details.locator('.jp-Arcade-Details-history')).toContainText(
      'WRITE'
    );
    await expect(details.locator('.jp-Arcade-Details-history')).toContainText(
      'numOutputRows=2500'
    );

    // Query in notebook: a %sql stage reading the table, run in the Arc kernel.
    await page.activity.activateTab(NOTEBOOK);
    const before = await notebook.locator('.jp-CodeCell').count();
    expect(before).toBeGreaterThan(0);
    await command(page, 'arcade:query-in-notebook', {
      database: 'lake',
      table: 'ui_orders'
    });
    const cells = notebook.locator('.jp-CodeCell');
    await expect(cells).toHaveCount(before + 1);
    // Pinned by its text: running it moves the active cell on.
    const added = cells.filter({ hasText: 'outputView=ui_orders_sample' });
    await expect(added).toContainText('outputView=ui_orders_sample');
    await expect(added).toContainText('FROM delta.`file://');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Enter');
    const output = added.locator('.jp-OutputArea-output table');
    await expect(output).toBeVisible({ timeout: FIRST_CELL_TIMEOUT });
    await expect(output.locator('th')).toContainText([
      'order_id',
      'customer',
      'amount'
    ]);

    // The stage reads a registered table: its header offers Preview in Athena,
    // which opens below the notebook.
    const headerPreview = added.locator('.jp-Arcade-StageHeader-preview');
    await expect(headerPreview).toHaveText('Preview in Athena', {
      timeout: 30_000
    });
    await expect(headerPreview).toHaveAttribute('data-table', 'lake.ui_orders');
    const previews = page.locator('.jp-Arcade-Preview');
    const previewsBefore = await previews.count();
    await headerPreview.click();
    await expect(previews).toHaveCount(previewsBefore + 1);
    const attached = previews.last();
    await expect(attached).toHaveAttribute('data-state', 'SUCCEEDED', {
      timeout: 30_000
    });
    await expect(attached).toHaveAttribute('data-rows', '100');
    const notebookBox = await notebook.boundingBox();
    const previewBox = await attached.boundingBox();
    expect(notebookBox).not.toBeNull();
    expect(previewBox).not.toBeNull();
    // split-bottom: the preview sits under the notebook, which stays visible.
    expect(previewBox!.y).toBeGreaterThan(
      notebookBox!.y + notebookBox!.height - 5
    );

    // Dragging a table from the sidebar into a cell inserts its qualified name.
    await command(page, 'notebook:insert-cell-below');
    const fresh = notebook.locator('.jp-Cell.jp-mod-active .cm-content');
    await expect(fresh).toHaveText('');
    await table.dragTo(fresh);
    await expect(fresh).toHaveText('lake.ui_orders');

    // After a reload the sidebar shows the same open database and filter.
    // The restored layout has no Launcher, which Galata's reload would wait for.
    await Promise.all([
      page.waitForEvent('load'),
      page.evaluate(() => {
        window.location.reload();
      })
    ]);
    await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
    await page.waitForFunction(() =>
      window.jupyterapp?.commands.hasCommand('arcade:show-data')
    );
    await command(page, 'arcade:show-data');
    await expect(
      page.locator('#jp-Arcade-data .jp-Arcade-Data-row.jp-mod-table', {
        hasText: 'ui_orders'
      })
    ).toBeVisible({
      timeout: 30_000
    });
    await expect(
      page.locator('#jp-Arcade-data .jp-Arcade-Data-filter')
    ).toHaveValue('ui_ord');
  });
});
