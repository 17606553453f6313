import { expect, test } from '@jupyterlab/galata';
import { BRIDGE_START_TIMEOUT, openArcNotebook, statusItem } from './helpers';

test.describe('jupyterlab-arcade', () => {
  test('activates its plugins', async ({ page }) => {
    const plugins = await page.evaluate(() => {
      const app = window.jupyterapp;
      return app
        .listPlugins()
        .filter(id => id.startsWith('jupyterlab-arcade:'))
        .map(id => ({ id, active: app.isPluginActivated(id) }));
    });
    expect(plugins).toEqual([
      { id: 'jupyterlab-arcade:bridge', active: true },
      { id: 'jupyterlab-arcade:status', active: true },
      { id: 'jupyterlab-arcade:runs', active: true },
      { id: 'jupyterlab-arcade:stages', active: true },
      { id: 'jupyterlab-arcade:git', active: true },
      { id: 'jupyterlab-arcade:publish', active: true },
      { id: 'jupyterlab-arcade:schedule', active: true },
      { id: 'jupyterlab-arcade:catalog', active: true }
    ]);
  });

  test('shows "Arcade: connected" in the status bar', async ({ page }) => {
    const item = statusItem(page);
    await expect(item).toHaveText('Arcade: connected', {
      timeout: BRIDGE_START_TIMEOUT
    });
    await expect(item).toHaveClass(/jp-mod-connected/);
    await expect(item).not.toHaveClass(/jp-mod-error/);
    await expect(item).toHaveAttribute(
      'title',
      /^Arcade bridge \d+\.\d+\.\d+\S* connected\nArc kernel: /
    );
  });

  test('checks the bridge again when the status item is clicked', async ({
    page
  }) => {
    const item = statusItem(page);
    await expect(item).toHaveText('Arcade: connected', {
      timeout: BRIDGE_START_TIMEOUT
    });
    const check = page.waitForResponse(
      response =>
        response.url().includes('/arcade/api/health') &&
        response.status() === 200
    );
    await item.click();
    await check;
    await expect(item).toHaveText('Arcade: connected');
  });

  test('opens an Arc notebook from the workspace', async ({
    page,
    tmpPath
  }) => {
    await openArcNotebook(page, tmpPath);
    const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
    await expect(panel.locator('.jp-Cell')).toHaveCount(3);
    await expect(panel.locator('.jp-MarkdownCell')).toContainText(
      'Daily orders'
    );
    await expect(panel.locator('.jp-CodeCell').nth(1)).toContainText(
      'outputView=shipped_orders'
    );
    const metadata = await page.evaluate(() => {
      const widget = window.jupyterapp.shell.currentWidget as unknown as {
        context?: { model: { getMetadata(key: string): unknown } };
      } | null;
      return widget?.context?.model.getMetadata('kernelspec') ?? null;
    });
    expect(metadata).toEqual({
      display_name: 'Arc',
      language: 'javascript',
      name: 'arc'
    });
  });
});
