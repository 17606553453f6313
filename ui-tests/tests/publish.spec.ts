import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BRIDGE_START_TIMEOUT } from './helpers';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const ARCADE = path.join(REPO_ROOT, 'kernel-bridge', 'bin', 'arcade');
const AWS = path.join(REPO_ROOT, '.venv', 'bin', 'aws');
const NOTEBOOK = 'notebooks/00_quickstart.ipynb';

/** The local stack the test server started (see jupyter_server_test_config.py). */
function stack(): { env: NodeJS.ProcessEnv; root: string } {
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

async function command(
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
async function expectToast(
  page: IJupyterLabPageFixture,
  text: RegExp,
  timeout = 60_000
): Promise<void> {
  await expect(
    page.locator('.jp-toast-message').filter({ hasText: text }).first()
  ).toBeVisible({ timeout });
}

test.describe('Git panel and Commit & Publish', () => {
  test.setTimeout(240_000);

  test('clone, stage diff, commit & publish with progress, republish, roll back', async ({
    page,
    tmpPath
  }) => {
    const { env, root } = stack();
    const repoDir = path.join(root, tmpPath, 'project');
    const panel = page.locator('#jp-Arcade-git');

    // Clone the stack's repository into the test folder from the panel.
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
    const config = readFileSync(path.join(repoDir, '.git', 'config'), 'utf8');
    expect(config).not.toMatch(/\/\/[^/@]+:[^/@]+@/);

    // Publish the cloned commit first: the version to roll back to.
    await command(page, 'arcade:publish');
    await expectToast(
      page,
      /Published [0-9a-f]{7}: \d+ files \(.+\) sent, 0 already there; it is current/
    );

    // Edit a sample notebook (as a save would), see it in the panel and its stage diff.
    const notebookFile = path.join(repoDir, NOTEBOOK);
    const edited = readFileSync(notebookFile, 'utf8').replace(
      'outputView=hello',
      'outputView=hello_world'
    );
    expect(edited).toContain('hello_world');
    await page.contents.uploadContent(
      edited,
      'text',
      `${tmpPath}/project/${NOTEBOOK}`
    );
    await panel.getByRole('button', { name: 'Refresh' }).click();
    const row = panel.locator(
      `[data-group="unstaged"] [data-path="${NOTEBOOK}"]`
    );
    await expect(row).toBeVisible();
    await row.locator('.jp-Arcade-Git-path').click();
    const diff = page.locator('.jp-Arcade-Diff');
    await expect(diff.locator('.jp-Arcade-Diff-summary')).toHaveText(
      'Stages: 0 added, 0 removed, 1 modified, 0 moved, 2 unchanged'
    );
    const modified = diff.locator('[data-change="modified"]');
    await expect(modified.locator('.jp-Arcade-Diff-stageName')).toHaveText(
      'hello'
    );
    await expect(modified.locator('.jp-Arcade-Diff-options')).toContainText(
      'outputView'
    );
    await expect(modified.locator('.jp-Arcade-Diff-options')).toContainText(
      '"hello_world"'
    );

    // Stage, then Commit & Publish (pushing with consent), with progress and its outcome.
    // The row moves to the Staged group when the bridge answers.
    await row.locator('.jp-Arcade-Git-stage').click();
    await expect(
      panel.locator(`[data-group="staged"] [data-path="${NOTEBOOK}"]`)
    ).toBeVisible();
    await panel
      .locator('.jp-Arcade-Git-commitMessage')
      .fill('Quickstart: rename the first view');
    await panel.locator('.jp-Arcade-Git-publishButton').click();
    await expect(page.locator('.jp-Dialog')).toContainText(
      'not on the remote yet'
    );
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Push and publish' })
      .click();
    await expectToast(
      page,
      /Published [0-9a-f]{7}: [1-9]\d* files .* sent, \d+ already there; it is current/
    );
    await expect(panel.locator('.jp-Arcade-Git-clean')).toHaveText(
      'No changes'
    );

    // Republish: nothing is sent.
    await command(page, 'arcade:publish');
    await expectToast(
      page,
      /[0-9a-f]{7} was already published \(nothing sent\); it is current/
    );

    // Versions: two, the new one current; roll back to the first.
    await command(page, 'arcade:show-versions');
    const versions = page.locator('.jp-Arcade-Versions-item');
    await expect(versions).toHaveCount(2);
    await expect(versions.first()).toHaveClass(/jp-mod-current/);
    const first = await versions.nth(1).getAttribute('data-version');
    await versions.nth(1).getByRole('button', { name: 'Make current' }).click();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Make current' })
      .click();
    await expectToast(page, /Current is now [0-9a-f]{7}/);
    await expect(
      page.locator('.jp-Arcade-Versions-item.jp-mod-current')
    ).toHaveAttribute('data-version', first ?? '');

    // The files are in the S3 server: the manifest and the notebook of each version.
    const listed = JSON.parse(
      execFileSync(ARCADE, ['versions', '--json'], {
        cwd: repoDir,
        env,
        encoding: 'utf8'
      })
    ) as {
      version: string;
      current: boolean;
    }[];
    expect(listed.filter(v => v.current).map(v => v.version)).toEqual([first]);
    const bucket = `s3://${env.ARCADE_ARTIFACT_BUCKET}/arcade/project/versions/`;
    for (const { version } of listed) {
      const files = execFileSync(
        AWS,
        [
          '--endpoint-url',
          env.ARCADE_S3_ENDPOINT ?? '',
          's3',
          'ls',
          '--recursive',
          `${bucket}${version}/`
        ],
        {
          env,
          encoding: 'utf8'
        }
      );
      expect(files).toContain(`${version}/manifest.json`);
      expect(files).toContain(`${version}/${NOTEBOOK}`);
      expect(files).toContain(
        `${version}/.arcade/jobs/notebooks/00_quickstart.json`
      );
    }
  });
});
