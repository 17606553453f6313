/**
 * `make hub` in Chromium: signing in through JupyterHub's login page (Arcade's Secrets Manager
 * authenticator), landing in JupyterLab under /user/<name>/, Arcade's bridge connected behind
 * jupyter-server-proxy under the hub's base URL, and a %sql cell run in the Arc kernel.
 */
import { expect, test, type Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

interface IUsers {
  [name: string]: { password: string; admin: boolean };
}
const users = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'users.json'), 'utf8')
) as IUsers;
// Spark starts inside the kernel on the first cell: tens of seconds on two busy cores.
const FIRST_CELL_TIMEOUT = 180_000;

async function signIn(page: Page, name: string, password: string) {
  await page.goto('/hub/login');
  await page.locator('#username_input').fill(name);
  await page.locator('#password_input').fill(password);
  await page.locator('#login_submit').click();
}

test('signs in through the hub and runs a %sql cell in the Arc kernel', async ({
  page
}) => {
  await signIn(page, 'ada', 'not-her-password');
  await expect(page.locator('.login_error')).toContainText(
    'Invalid username or password'
  );
  await expect(page).toHaveURL(/\/hub\/login/);

  await signIn(page, 'ada', users.ada.password);
  await page.waitForURL(/\/user\/ada\/lab/, { timeout: 180_000 });

  const status = page.locator('.jp-Arcade-StatusItem');
  await expect(status).toHaveText('Arcade: connected', { timeout: 120_000 });
  await expect(status).toHaveClass(/jp-mod-connected/);

  await page.goto('/user/ada/lab/tree/quickstart.ipynb');
  const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const firstCode = panel.locator('.jp-CodeCell').first();
  await expect(firstCode).toContainText('outputView=hello', {
    timeout: 60_000
  });
  await expect(page.getByRole('button', { name: /^Arc \|/ })).toBeVisible({
    timeout: 60_000
  });
  await firstCode.locator('.jp-InputArea-editor').click();
  await page.keyboard.press('Shift+Enter');
  const table = firstCode.locator('.jp-OutputArea-output table');
  await expect(table).toBeVisible({ timeout: FIRST_CELL_TIMEOUT });
  await expect(table.locator('th')).toHaveText(['x', 'tool']);
  await expect(table.locator('td')).toHaveText(['1', 'arcade']);
});
