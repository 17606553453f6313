import { expect, test } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import {
  ARCADE,
  cloneProject,
  command,
  expectToast,
  REPO_ROOT,
  stack
} from './helpers';

const AWS = path.join(REPO_ROOT, '.venv', 'bin', 'aws');
const NOTEBOOK = 'notebooks/00_quickstart.ipynb';

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
    await cloneProject(page);
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
