import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { expect } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const ARCADE = path.join(REPO_ROOT, 'kernel-bridge', 'bin', 'arcade');

export const NOTEBOOK = 'daily_orders.ipynb';

/**
 * The first check starts the bridge process behind jupyter-server-proxy,
 * which may take a few seconds on a cold machine.
 */
export const BRIDGE_START_TIMEOUT = 45_000;

export function statusItem(page: IJupyterLabPageFixture) {
  return page.locator('.jp-Arcade-StatusItem');
}

/** The sample workspace's notebooks, as `make demo` clones them. */
export const SAMPLE_NOTEBOOKS = path.resolve(
  __dirname,
  '..',
  '..',
  'sample-workspace',
  'notebooks'
);

/**
 * Upload a local notebook into the test's folder and open it.
 *
 * Without an installed `arc` kernelspec JupyterLab asks which kernel to
 * use; then the test answers "No Kernel", since it only needs the document.
 */
export async function uploadAndOpen(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  localFile: string
): Promise<void> {
  const name = path.basename(localFile);
  await page.contents.uploadFile(localFile, `${tmpPath}/${name}`);
  // Else the file browser lists the file only on its next poll, seconds later.
  await page.filebrowser.refresh();
  expect(await page.filebrowser.open(name)).toBe(true);
  await answerKernelDialog(page);
}

/** Waits for the opened notebook, answering "No Kernel" when JupyterLab asks. */
export async function answerKernelDialog(
  page: IJupyterLabPageFixture
): Promise<void> {
  const noKernel = page
    .locator('.jp-Dialog')
    .getByRole('button', { name: 'No Kernel' });
  const notebook = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
  await expect(noKernel.or(notebook.locator('.jp-Cell').first())).toBeVisible();
  if (await noKernel.isVisible()) {
    await noKernel.click();
  }
}

/** Put the Arc notebook fixture in the test's folder and open it. */
export async function openArcNotebook(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<void> {
  await uploadAndOpen(
    page,
    tmpPath,
    path.resolve(__dirname, 'notebooks', NOTEBOOK)
  );
}

/** The local stack the test server started (see jupyter_server_test_config.py). */
export function stack(): { env: NodeJS.ProcessEnv; root: string } {
  const port = process.env.ARCADE_UI_TEST_PORT ?? '8888';
  const info = JSON.parse(
    readFileSync(path.join(os.tmpdir(), `arcade-ui-stack-${port}.json`), 'utf8')
  ) as {
    state: string;
    root: string;
  };
  const printed = execFileSync(ARCADE, ['dev', 'env', '--state', info.state], {
    encoding: 'utf8'
  });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const line of printed.split('\n')) {
    const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match !== null) {
      env[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
    }
  }
  return { env, root: info.root };
}

export async function command(
  page: IJupyterLabPageFixture,
  id: string,
  args: Record<string, string> = {}
): Promise<void> {
  await page.evaluate(
    ([commandId, commandArgs]) => {
      void window.jupyterapp.commands.execute(commandId, commandArgs);
    },
    [id, args] as const
  );
}

/** The newest notification's text, once it matches. */
export async function expectToast(
  page: IJupyterLabPageFixture,
  text: RegExp,
  timeout = 60_000
): Promise<void> {
  await expect(
    page.locator('.jp-toast-message').filter({ hasText: text }).first()
  ).toBeVisible({ timeout });
}

/** Clones the stack's repository into `project` in the test folder, from the Git panel. */
export async function cloneProject(
  page: IJupyterLabPageFixture
): Promise<void> {
  const panel = page.locator('#jp-Arcade-git');
  await command(page, 'arcade:git-open-panel');
  await expect(panel.locator('.jp-Arcade-Git-clone')).toBeVisible({
    timeout: BRIDGE_START_TIMEOUT
  });
  await panel.locator('.jp-Arcade-Git-clone').click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('input')).toHaveValue(
    /^http:\/\/127\.0\.0\.1:\d+\/workspace\.git$/
  );
  await dialog.getByRole('button', { name: 'Next' }).click();
  await dialog.locator('input').fill('project');
  await dialog.getByRole('button', { name: 'Clone' }).click();
  await expectToast(page, /Cloned into .*project/);
  await expect(panel.locator('.jp-Arcade-Git-branch')).toHaveText('⎇ main');
}
