/**
 * Publish → schedule a minute ahead from the dialog → the cron run appears
 * in the runs panel and progresses live with its log → Run now, Stop, Retry.
 * Everything is real: JupyterLab, the bridge, MinIO, git http-backend, the
 * local Argo service and Arc 3.7 in a JVM.
 */
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import {
  answerKernelDialog,
  ARCADE,
  cloneProject,
  command,
  expectToast,
  stack
} from './helpers';

/** The longest a run of the quickstart may take here, JVM start included. */
const RUN_TIMEOUT = 150_000;

/** `M H * * *` for the next whole minute at least `lead` seconds away, in UTC. */
function minuteAhead(lead = 25): { cron: string; at: Date } {
  const at = new Date(Date.now() + lead * 1000);
  at.setUTCSeconds(0, 0);
  at.setUTCMinutes(at.getUTCMinutes() + 1);
  return { cron: `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`, at };
}

/** Commits `file` (written first) in the clone and pushes it, as a user would from a terminal. */
function commitAndPush(
  repoDir: string,
  file: string,
  text: string,
  message: string
): void {
  const { env } = stack();
  writeFileSync(path.join(repoDir, file), text);
  const identity = {
    ...env,
    GIT_AUTHOR_NAME: 'Ada',
    GIT_AUTHOR_EMAIL: 'ada@example.com',
    GIT_COMMITTER_NAME: 'Ada',
    GIT_COMMITTER_EMAIL: 'ada@example.com'
  };
  const run = (program: string, args: string[]) =>
    execFileSync(program, args, { cwd: repoDir, env: identity });
  run('git', ['add', file]);
  run(ARCADE, ['git', 'commit', '-m', message]);
  run(ARCADE, ['git', 'push']);
}

/** Opens the dialog from the notebook toolbar's button, or (when the toolbar overflows) the command. */
async function openScheduleDialog(
  page: IJupyterLabPageFixture,
  from: 'toolbar' | 'command' = 'toolbar'
) {
  if (from === 'toolbar') {
    await page
      .locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar')
      .getByRole('button', { name: 'Schedule' })
      .click();
  } else {
    await command(page, 'arcade:schedule-notebook');
  }
  const dialog = page.locator('.jp-Arcade-ScheduleDialog');
  await expect(dialog.locator('#jp-Arcade-Schedule-name')).toBeVisible({
    timeout: 30_000
  });
  return dialog;
}

test.describe('Schedule as Argo workflow', () => {
  test.setTimeout(480_000);

  test('publish, schedule a minute ahead, follow the cron run live, then run now, stop and retry', async ({
    page,
    tmpPath
  }) => {
    const { root } = stack();
    const repoDir = path.join(root, tmpPath, 'project');
    await cloneProject(page);
    // A commit of its own: HEAD is unpublished whatever other tests published on this stack.
    commitAndPush(
      repoDir,
      'NOTES.md',
      `Scheduling test ${tmpPath}\n`,
      'Notes for the scheduling test'
    );
    await command(page, 'docmanager:open', {
      path: `${tmpPath}/project/notebooks/00_quickstart.ipynb`
    });
    await answerKernelDialog(page);

    // Not published yet: the dialog says so and offers to publish HEAD.
    let dialog = await openScheduleDialog(page);
    await expect(dialog.locator('.jp-Arcade-Schedule-banner')).toContainText(
      'is not published'
    );
    await dialog.getByRole('button', { name: 'Create schedule' }).click();
    await expect(dialog.locator('.jp-Arcade-Schedule-problems')).toContainText(
      'HEAD is not published'
    );
    await dialog.getByRole('button', { name: 'Publish HEAD' }).click();
    await expectToast(page, /Published [0-9a-f]{7}/);
    await expect(dialog.locator('.jp-Arcade-Schedule-banner')).toBeHidden();

    // A bad name is refused beside the field; nothing is sent.
    const name = dialog.locator('#jp-Arcade-Schedule-name');
    await name.fill('Quickstart_Nightly');
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await dialog.getByRole('button', { name: 'Create schedule' }).click();
    await expect(dialog.locator('.jp-Arcade-Schedule-problems')).toContainText(
      'is not a valid name'
    );

    // A minute ahead, read in English, with its next runs in the zone.
    const { cron, at } = minuteAhead();
    await name.fill('quickstart-nightly');
    await dialog.locator('#jp-Arcade-Schedule-cron').fill(cron);
    await dialog.locator('#jp-Arcade-Schedule-timezone').fill('UTC');
    await dialog
      .locator('#jp-Arcade-Schedule-timezone')
      .dispatchEvent('change');
    const hh = String(at.getUTCHours()).padStart(2, '0');
    const mm = String(at.getUTCMinutes()).padStart(2, '0');
    await expect(dialog.locator('#jp-Arcade-Schedule-cronText')).toHaveText(
      `At ${hh}:${mm}`
    );
    await expect(dialog.locator('.jp-Arcade-Schedule-nextRun')).toHaveCount(5);
    await expect(
      dialog.locator('.jp-Arcade-Schedule-nextRun').first()
    ).toContainText(`${hh}:${mm}`);
    await dialog.getByRole('button', { name: 'Create schedule' }).click();
    await expectToast(
      page,
      /Scheduled quickstart-nightly \(.*\) pinned to [0-9a-f]{7}; wrote schedules\/quickstart-nightly\.yaml/
    );
    await expect(dialog).toBeHidden();
    // The schedule as code, in the repository.
    const file = path.join(repoDir, 'schedules', 'quickstart-nightly.yaml');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain(`- ${cron}`);

    // The runs panel shows the schedule, then the run Argo's cron starts on time.
    const panel = page.locator('#jp-Arcade-ArgoRuns');
    await expect(panel).toBeVisible();
    await expect(
      panel.locator('[data-schedule="quickstart-nightly"]')
    ).toContainText(`At ${hh}:${mm}`);
    const cronRun = panel
      .locator('.jp-Arcade-ArgoRuns-row')
      .filter({ hasText: 'cron' })
      .first();
    await expect(cronRun).toBeVisible({
      timeout: at.getTime() - Date.now() + 30_000
    });
    await cronRun.click();
    // Live: a stage shows while the run is still going, then all finish.
    const detail = panel.locator('.jp-Arcade-ArgoRuns-detail');
    await expect(
      detail.locator('.jp-Arcade-ArgoRuns-stage').first()
    ).toBeVisible({ timeout: RUN_TIMEOUT });
    await expect(
      detail.locator('.jp-Arcade-ArgoRuns-detailHead .jp-Arcade-ArgoRuns-phase')
    ).toHaveText('Succeeded', { timeout: RUN_TIMEOUT });
    await expect(
      detail.locator('.jp-Arcade-ArgoRuns-stage.jp-mod-finished')
    ).toHaveCount(3);
    await expect(detail.locator('[data-stage="sum of squares"]')).toContainText(
      'SQLTransform'
    );
    await expect(detail.locator('.jp-Arcade-ArgoRuns-version code')).toHaveText(
      /^[0-9a-f]{40}$/
    );
    await expect(panel.locator('.jp-Arcade-ArgoRuns-log')).toContainText(
      '"event":"exit"'
    );

    // Suspend, and the schedule says so.
    await panel
      .locator('[data-schedule="quickstart-nightly"]')
      .getByRole('button', { name: 'Suspend' })
      .click();
    await expect(
      panel.locator('[data-schedule="quickstart-nightly"]')
    ).toContainText('suspended');

    // Run now, stop it while it runs, retry it to success.
    // The runs panel now takes the toolbar's room: the palette's command.
    dialog = await openScheduleDialog(page, 'command');
    await dialog.locator('#jp-Arcade-Schedule-name').fill('quickstart-once');
    await dialog.getByRole('button', { name: 'Run now' }).click();
    await expectToast(
      page,
      /Started quickstart-once-\w+ on version [0-9a-f]{7}/
    );
    const head = detail.locator(
      '.jp-Arcade-ArgoRuns-detailHead .jp-Arcade-ArgoRuns-phase'
    );
    await expect(detail).toContainText('quickstart-once-');
    await expect(head).toHaveText(/Pending|Running/);
    await detail.getByRole('button', { name: 'Stop' }).click();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Stop' })
      .click();
    await expect(head).toHaveText('Failed', { timeout: 60_000 });
    await detail.getByRole('button', { name: 'Retry' }).click();
    await expect(head).toHaveText('Succeeded', { timeout: RUN_TIMEOUT });
    const runs = panel.locator('.jp-Arcade-ArgoRuns-row');
    await expect(runs.filter({ hasText: 'quickstart-once-' })).toHaveCount(1);
  });

  test('a failed stage opens its cell, or the stage diff once the cell changed', async ({
    page,
    tmpPath
  }) => {
    const { root } = stack();
    const repoDir = path.join(root, tmpPath, 'project');
    await cloneProject(page);
    // A notebook that lints clean and fails at run time (SQLValidate runs its
    // query and fails when it answers FALSE), committed and pushed.
    const cell = (source: string) => ({
      cell_type: 'code',
      metadata: {},
      execution_count: null,
      outputs: [],
      source: source.split(/(?<=\n)/)
    });
    const broken = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: 'arc', display_name: 'Arc', language: 'javascript' }
      },
      cells: [
        cell(
          '%sql name="fine" outputView=fine environments=dev\nSELECT 1 AS a'
        ),
        cell(
          '%sqlvalidate name="planned failure" environments=dev\nSELECT FALSE AS valid, \'planned failure\' AS message FROM fine'
        )
      ]
    };
    const file = path.join(repoDir, 'notebooks', 'broken.ipynb');
    commitAndPush(
      repoDir,
      'notebooks/broken.ipynb',
      JSON.stringify(broken, null, 1),
      'A notebook that fails'
    );
    await command(page, 'docmanager:open', {
      path: `${tmpPath}/project/notebooks/broken.ipynb`
    });
    await answerKernelDialog(page);
    await command(page, 'arcade:publish');
    await expectToast(page, /Published [0-9a-f]{7}/);

    const dialog = await openScheduleDialog(page, 'command');
    await dialog.locator('#jp-Arcade-Schedule-name').fill('broken-once');
    await dialog.locator('#jp-Arcade-Schedule-retries').fill('0');
    await dialog.getByRole('button', { name: 'Run now' }).click();
    await expectToast(page, /Started broken-once-\w+/);
    const detail = page.locator(
      '#jp-Arcade-ArgoRuns .jp-Arcade-ArgoRuns-detail'
    );
    await expect(
      detail.locator('.jp-Arcade-ArgoRuns-detailHead .jp-Arcade-ArgoRuns-phase')
    ).toHaveText('Failed', { timeout: RUN_TIMEOUT });
    const failed = detail.locator('[data-stage="planned failure"]');
    await expect(failed).toHaveClass(/jp-mod-failed/);
    await expect(failed).toContainText('planned failure');

    // Unchanged since the run's version: its cell, made active.
    await failed.getByRole('button', { name: 'Show cell' }).click();
    const notebook = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
    await expect(notebook.locator('.jp-Cell.jp-mod-active')).toContainText(
      'SELECT FALSE AS valid'
    );

    // Changed since (on disk, as another editor would): the stage diff between
    // the run's version and the working copy.
    const fixed = readFileSync(file, 'utf8').replace(
      'SELECT FALSE AS valid',
      'SELECT TRUE AS valid'
    );
    expect(fixed).toContain('SELECT TRUE AS valid');
    writeFileSync(file, fixed);
    await failed.getByRole('button', { name: 'Show cell' }).click();
    const diff = page.locator('.jp-Arcade-Diff');
    await expect(diff.locator('[data-change="modified"]')).toContainText(
      'planned failure'
    );
  });
});
